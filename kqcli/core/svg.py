"""A small SVG writer for the month report's charts: horizontal bars and 12-month columns.

Our own rather than a charting library: the report must open with no network (no CDN script),
the charts are two simple shapes, and inline SVG text is exact and testable (a bar is a
``<rect class="bar">``), with nothing to install or keep up. Pure: values in, markup out.
"""

from __future__ import annotations

from html import escape
from typing import Any

from .amounts import amount

FONT_FAMILY = "'Microsoft YaHei','PingFang SC','Noto Sans CJK SC','WenQuanYi Micro Hei',sans-serif"
"""Chinese on any screen: the CJK fonts of Windows, macOS and Linux (Debian: fonts-noto-cjk,
fonts-wqy-microhei), before a sans-serif that may have no Chinese at all."""
FONT = f"font-family:{FONT_FAMILY};font-size:12px"
BAR = "#3b7dd8"
RISK = "#d62728"
MUTED = "#999"


def _num(value: float) -> str:
    """Coordinates with at most one decimal, no trailing zeros: stable text for tests."""
    return f"{value:.1f}".rstrip("0").rstrip(".")


def _attrs(attrs: dict[str, Any]) -> str:
    return "".join(f' {k.rstrip("_").replace("_", "-")}="{escape(str(v), quote=True)}"'
                   for k, v in attrs.items() if v is not None)


class Svg:
    """Elements appended in order, then ``str()`` for the ``<svg>`` element."""

    def __init__(self, width: float, height: float, label: str) -> None:
        self.width, self.height, self.label = width, height, label
        self.parts: list[str] = []

    def rect(self, x: float, y: float, w: float, h: float, tip: str | None = None,
             **attrs: Any) -> None:
        title = f"<title>{escape(tip)}</title>" if tip else ""
        self.parts.append(f'<rect x="{_num(x)}" y="{_num(y)}" width="{_num(w)}" '
                          f'height="{_num(h)}"{_attrs(attrs)}>{title}</rect>')

    def text(self, x: float, y: float, content: str, **attrs: Any) -> None:
        self.parts.append(f'<text x="{_num(x)}" y="{_num(y)}"{_attrs(attrs)}>'
                          f"{escape(content)}</text>")

    def line(self, x1: float, y1: float, x2: float, y2: float, **attrs: Any) -> None:
        self.parts.append(f'<line x1="{_num(x1)}" y1="{_num(y1)}" x2="{_num(x2)}" '
                          f'y2="{_num(y2)}"{_attrs(attrs)}/>')

    def polyline(self, points: list[tuple[float, float]], **attrs: Any) -> None:
        shown = " ".join(f"{_num(x)},{_num(y)}" for x, y in points)
        self.parts.append(f'<polyline points="{shown}"{_attrs(attrs)}/>')

    def __str__(self) -> str:
        return (f'<svg xmlns="http://www.w3.org/2000/svg" width="{_num(self.width)}" '
                f'height="{_num(self.height)}" viewBox="0 0 {_num(self.width)} '
                f'{_num(self.height)}" role="img" aria-label="{escape(self.label, quote=True)}" '
                f'style="{FONT}">' + "".join(self.parts) + "</svg>")


def hbars(rows: list[tuple[str, float | None, float]], label: str, width: float = 420,
          label_width: float = 150, row: float = 20, empty: str = "未评") -> str:
    """One horizontal bar per ``(label, value, maximum)``; a None value draws no bar and
    says ``empty`` instead, so an unknown never looks like a zero."""
    svg = Svg(width, row * len(rows) + 4, label)
    room = width - label_width - 50
    for n, (name, value, top) in enumerate(rows):
        y = n * row + 2
        svg.text(label_width - 6, y + row * 0.7, name, text_anchor="end")
        if value is None:
            svg.text(label_width, y + row * 0.7, empty, fill=MUTED, class_="unknown")
            continue
        w = room * min(max(value / top, 0.0), 1.0) if top else 0.0
        svg.rect(label_width, y + 3, max(w, 1.0), row - 6, tip=f"{name}: {value:g} / {top:g}",
                 fill=BAR, class_="bar", data_value=f"{value:g}")
        svg.text(label_width + max(w, 1.0) + 4, y + row * 0.7, f"{value:g}")
    return str(svg)


def month_columns(months: list[str], values: list[float | None], flags: list[bool],
                  label: str, line: list[float | None] | None = None, width: float = 480,
                  height: float = 150) -> str:
    """One column per month (an unknown month is left empty, marked '?'), the months that
    trigger a risk rule in red; ``line`` draws a second figure (sell-out) over the columns."""
    svg = Svg(width, height, label)
    left, bottom, top = 8, height - 20, 8
    step = (width - 2 * left) / max(len(months), 1)
    known = [v for v in [*values, *(line or [])] if v is not None]
    peak = max(known, default=0) or 1
    svg.line(left, bottom, width - left, bottom, stroke=MUTED)
    for n, (month, value, flagged) in enumerate(zip(months, values, flags, strict=True)):
        x = left + n * step
        svg.text(x + step / 2, height - 6, month[5:], text_anchor="middle", fill=MUTED)
        if value is None:
            svg.text(x + step / 2, bottom - 4, "?", text_anchor="middle", fill=MUTED,
                     class_="unknown")
            continue
        h = max((bottom - top) * value / peak, 1.0)
        svg.rect(x + step * 0.15, bottom - h, step * 0.7, h, tip=f"{month}: {amount(value)}",
                 fill=RISK if flagged else BAR, class_="bar risk" if flagged else "bar",
                 data_value=f"{value:g}")
    if line:
        points = [(left + n * step + step / 2, bottom - (bottom - top) * v / peak)
                  for n, v in enumerate(line) if v is not None]
        if len(points) > 1:
            svg.polyline(points, fill="none", stroke="#ff7f0e", stroke_width=2, class_="line")
    return str(svg)
