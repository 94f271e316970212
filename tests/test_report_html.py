"""kq report: the month as one self-contained HTML page; its structure and numbers, the SVG
writer, and the page drawn by a real browser (headless Chromium)."""

from __future__ import annotations

import json
import os
import re
import shutil
import struct
import subprocess
import zlib
from html import unescape
from html.parser import HTMLParser
from pathlib import Path

import pytest
from helpers import statements_done

from kqcli.core.svg import hbars, month_columns

TODAY = "2026-11-24"
KQ_YAML = "reps:\n  - {name: 李明}\n  - {name: 王强}\n"
ITEMS = ("relationship_cards", "mutual_recognition", "mutual_familiarity", "visit_frequency",
         "favour", "first_recommendation", "pop_display", "product_knowledge", "feedback",
         "regular_communication")
FALLING = """\
name: 华信大药房
kind: terminal
status: active
tier: key
owner: 李明
visits:
  - {date: 2026-11-20, kind: visit, next: {date: 2026-11-21, action: 送对账单}}
months:
  2026-07: {collections: 130000, sell_out: 90000, reported: 2026-08-05}
  2026-08: {collections: 120000, sell_out: 85000, reported: 2026-09-05}
  2026-09: {collections: 110000, reported: 2026-10-05}
  2026-10: {collections: 100000, sell_out: 70000, reported: 2026-11-05}
"""
ASSESSED = ("name: 同济药店\nkind: terminal\nstatus: active\nowner: 王强\n"
            "visits:\n  - {date: 2026-10-01, kind: visit}\n"
            "months: {2026-10: {reported: 2026-11-03}}\n"
            "assessments:\n  2026-10: {" + ", ".join(f"{k}: 6" for k in ITEMS) + "}\n")


class Charts(HTMLParser):
    """Per chart (``<figure data-chart>``), in page order: its kind, the rep or customer
    section it sits in, its bars and its risk bars."""

    def __init__(self) -> None:
        super().__init__()
        self.charts: list[dict] = []
        self.section: str | None = None
        self.links: list[str] = []

    def handle_endtag(self, tag: str) -> None:
        if tag == "section":
            self.section = None

    def handle_starttag(self, tag: str, attrs: list) -> None:
        a = dict(attrs)
        if tag == "section":
            self.section = a.get("data-rep") or a.get("data-customer")
        elif tag == "figure":
            self.charts.append({"chart": a["data-chart"], "in": self.section, "bars": 0,
                                "risk": 0})
        elif tag == "rect" and "bar" in (a.get("class") or "").split():
            self.charts[-1]["bars"] += 1
            self.charts[-1]["risk"] += "risk" in a["class"].split()
        for key in ("src", "href"):
            if key in a:
                self.links.append(a[key])


@pytest.fixture
def report(kq, make_repo, tmp_path) -> Path:
    root = make_repo({"hx": FALLING, "tj": ASSESSED}, kq_yaml=KQ_YAML)
    statements_done(root, "2026-10", "李明", "王强")  # no statement owed on the overdue chart
    out = tmp_path / "report.html"
    result = kq("--repo", root, "--today", TODAY, "report", "--month", "2026-10",
                "--output", out)
    assert result.exit_code == 0, result.output
    return out


def charts_of(path: Path) -> Charts:
    parser = Charts()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser


def overdue_reasons(kq, root: Path) -> int:
    due = json.loads(kq("--repo", root, "--today", TODAY, "due", "--format", "json").stdout)
    reasons = {d["reason"] for d in due if d["overdue_days"] > 0}
    assert reasons == {"visit", "next_action"}
    return len(reasons)


# Expected charts, best rep first: 王强's card has all 10 items assessed, 李明's 8 known items
# (first_recommendation and product_knowledge are unassessed: no bar); one bar per reason
# overdue today (a late visit, an open step); 华信's 12 months hold 4 reported months of
# collections, 09 and 10 ending a 3-month fall.
def expected(kq, root: Path) -> list[dict]:
    return [{"chart": "score", "in": "王强", "bars": 10, "risk": 0},
            {"chart": "score", "in": "李明", "bars": 8, "risk": 0},
            {"chart": "overdue", "in": None, "bars": overdue_reasons(kq, root), "risk": 0},
            {"chart": "months", "in": "hx", "bars": 4, "risk": 2}]


def test_page_has_a_chart_per_rep_the_overdue_chart_and_one_per_customer_at_risk(kq, report):
    assert charts_of(report).charts == expected(kq, report.parent / "repo")


def test_page_needs_nothing_from_elsewhere(report):
    html = report.read_text(encoding="utf-8")
    assert charts_of(report).links == []
    assert re.findall(r"https?://[^\s\"'<>]+", html) == \
        ["http://www.w3.org/2000/svg"] * html.count("<svg")


def test_page_shows_each_reps_average_and_change(report):
    html = report.read_text(encoding="utf-8")
    assert "1 家客户, 平均 60 / 100 分, 比上月 <span class=\"up\">+48</span>" in html


def test_page_lists_the_risk_and_the_months_of_the_customer(report):
    html = report.read_text(encoding="utf-8")
    assert "<li>回款连续 3 个月下滑: 120,000 → 110,000 → 100,000</li>" in html
    months = ["25-11", "25-12", *(f"26-{m:02d}" for m in range(1, 11))]
    values = ["—"] * 8 + ["130,000", "120,000", "110,000", "100,000"]
    assert "<tr><td>回款</td>" + "".join(f'<td class=n data-label="{m}">{v}</td>'
                                        for m, v in zip(months, values, strict=True)) + \
        "</tr>" in html


def test_without_output_the_page_goes_to_stdout(kq, make_repo):
    root = make_repo({"hx": FALLING}, kq_yaml=KQ_YAML)
    result = kq("--repo", root, "--today", TODAY, "report", "--month", "2026-10")
    assert result.stdout.startswith('<!doctype html><html lang="zh-CN">')
    assert result.stdout.endswith("</body></html>\n")


def test_page_names_the_cjk_fonts_of_windows_macos_and_linux_then_sans_serif(report):
    html = report.read_text(encoding="utf-8")
    assert ("body{font-family:'Microsoft YaHei','PingFang SC','Noto Sans CJK SC',"
            "'WenQuanYi Micro Hei',sans-serif;") in html


def test_page_has_a_viewport_for_phones(report):
    head = report.read_text(encoding="utf-8").split("</head>")[0]
    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in head


def test_charts_shrink_with_the_screen(report):
    html = report.read_text(encoding="utf-8")
    assert "figure svg{max-width:100%;height:auto}" in html
    assert html.count("<svg") == html.count(' viewBox="0 0 ') == 4


def test_each_table_cell_names_its_column_for_a_narrow_screen(report):
    html = report.read_text(encoding="utf-8")
    assert ('<td class=n data-label="26-10">100,000</td>' in html
            and "td[data-label]:not(:first-child)::before{content:attr(data-label)" in html)


def test_a_bad_month_is_a_usage_error(kq, make_repo):
    root = make_repo({"hx": FALLING}, kq_yaml=KQ_YAML)
    result = kq("--repo", root, "--today", TODAY, "--lang", "en", "report", "--month", "2026-13")
    assert (result.exit_code, result.stderr) == (
        2, "kq: --month: '2026-13' is not a month; write YYYY-MM\n")


# The SVG writer -----------------------------------------------------------------------------

def test_hbars_draws_a_bar_per_known_value_and_says_unknown():
    assert hbars([("拜访", 5, 10), ("首荐", None, 10)], "卡", width=300, label_width=100) == (
        '<svg xmlns="http://www.w3.org/2000/svg" width="300" height="44" viewBox="0 0 300 44" '
        'role="img" aria-label="卡" style="font-family:\'Microsoft YaHei\',\'PingFang SC\','
        "'Noto Sans CJK SC','WenQuanYi Micro Hei',sans-serif;font-size:12px\">"
        '<text x="94" y="16" text-anchor="end">拜访</text>'
        '<rect x="100" y="5" width="75" height="14" fill="#3b7dd8" class="bar" data-value="5">'
        "<title>拜访: 5 / 10</title></rect>"
        '<text x="179" y="16">5</text>'
        '<text x="94" y="36" text-anchor="end">首荐</text>'
        '<text x="100" y="36" fill="#999" class="unknown">未评</text></svg>')


def test_month_columns_leave_an_unknown_month_empty_and_mark_risk_months():
    chart = month_columns(["2026-08", "2026-09", "2026-10"], [100, None, 50],
                          [False, False, True], "x")
    assert chart.count('class="bar"') == 1
    assert chart.count('class="bar risk"') == 1
    assert chart.count('class="unknown"') == 1


def test_text_is_escaped():
    assert "<text x=\"144\" y=\"16\" text-anchor=\"end\">&lt;b&gt;&amp;</text>" in \
        hbars([("<b>&", 1, 1)], "t")


# In a real browser --------------------------------------------------------------------------

def chromium() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable"):
        found = shutil.which(name)
        if found:
            return found
    return "/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None


# Counts, after layout, the bars each chart really draws (a box wider and taller than 0).
PROBE = """<script>
document.body.setAttribute("data-drawn", JSON.stringify(
  Array.from(document.querySelectorAll("figure[data-chart]")).map(function (f) {
    var bars = Array.from(f.querySelectorAll("rect.bar")).filter(function (r) {
      var box = r.getBBox(); return box.width > 0 && box.height > 0; });
    var svg = f.querySelector("svg").getBoundingClientRect();
    return {chart: f.dataset.chart, bars: bars.length, width: svg.width, height: svg.height};
  })));
</script>"""


@pytest.fixture
def browser() -> str:
    found = chromium()
    if found is None:
        if os.environ.get("CI"):
            pytest.fail("CI: no Chromium found; .ci/run installs it (apt-get install chromium)")
        pytest.skip("no Chromium found (chromium, chromium-browser, google-chrome); "
                    "apt-get install chromium to run the browser check")
    return found


def render(browser: str, page: Path, profile: Path) -> tuple[str, str]:
    result = subprocess.run(
        [browser, "--headless", "--no-sandbox", "--disable-gpu",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--no-first-run", f"--user-data-dir={profile}", "--enable-logging=stderr", "--v=0",
         "--virtual-time-budget=5000", "--dump-dom", page.as_uri()],
        capture_output=True, text=True, timeout=120, check=False)
    assert result.returncode == 0, result.stderr[-2000:]
    return result.stdout, result.stderr


def test_the_browser_draws_every_bar_without_console_errors(kq, report, browser, tmp_path):
    probed = tmp_path / "probed.html"
    probed.write_text(report.read_text(encoding="utf-8").replace("</body>", PROBE + "</body>"),
                      encoding="utf-8")
    dom, log = render(browser, probed, tmp_path / "profile")
    drawn = json.loads(re.search(r'data-drawn="([^"]*)"', dom).group(1).replace("&quot;", '"'))
    assert [(d["chart"], d["bars"]) for d in drawn] == [
        (e["chart"], e["bars"]) for e in expected(kq, report.parent / "repo")]
    assert all(d["width"] > 0 and d["height"] > 0 for d in drawn)
    assert [line for line in log.splitlines() if ":CONSOLE" in line or "Uncaught" in line] == []


def test_the_report_shows_tiers_in_chinese(kq):
    from pathlib import Path

    examples = Path(__file__).resolve().parent.parent / "examples"
    html = kq("--repo", examples, "--today", "2026-11-24", "report", "--month", "2026-10").stdout
    section = html[html.index("<h2>建议分层"):html.index("<h2>客情费统计")]
    assert "重点" in section and ">secondary<" not in section and ">key<" not in section


# On any screen ------------------------------------------------------------------------------

def examples_report(kq, tmp_path: Path) -> Path:
    """The month report of examples/: every section, long names, the widest tables."""
    examples = Path(__file__).resolve().parent.parent / "examples"
    out = tmp_path / "examples.html"
    result = kq("--repo", examples, "--today", "2026-11-24", "report", "--month", "2026-10",
                "--output", out)
    assert result.exit_code == 0, result.stderr
    return out


# Chromium's window is never narrower than 500 px, even headless: the page is laid out in an
# iframe of the screen's width instead, whose document is measured once loaded.
FRAME = """<!doctype html><html><head><meta charset="utf-8">
<style>body{margin:0}iframe{border:0;display:block}</style></head><body>
<iframe id="screen" width="%(width)d" height="800"></iframe>
<script>
var frame = document.getElementById("screen");
frame.addEventListener("load", function () {
  var page = frame.contentDocument.documentElement;
  var wider = Array.from(frame.contentDocument.querySelectorAll("body *")).filter(function (n) {
    return n.getBoundingClientRect().right > page.clientWidth + 0.5; });
  document.body.setAttribute("data-screen", JSON.stringify({
    viewport: frame.contentWindow.innerWidth, clientWidth: page.clientWidth,
    scrollWidth: page.scrollWidth,
    wider: wider.slice(0, 5).map(function (n) { return n.tagName + " " + n.textContent.slice(0, 30); })
  }));
});
frame.srcdoc = %(page)s;
</script></body></html>"""


def laid_out(browser: str, page: Path, width: int, profile: Path) -> dict:
    framed = page.with_name(f"framed-{width}.html")
    framed.write_text(FRAME % {"width": width, "page": json.dumps(page.read_text(encoding="utf-8"))},
                      encoding="utf-8")
    result = subprocess.run(
        [browser, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run",
         f"--user-data-dir={profile}", f"--window-size={width + 100},900",
         "--virtual-time-budget=5000", "--dump-dom", framed.as_uri()],
        capture_output=True, text=True, timeout=120, check=False)
    assert result.returncode == 0, result.stderr[-2000:]
    found = re.search(r'data-screen="([^"]*)"', result.stdout)
    assert found, result.stdout[-2000:]
    return json.loads(unescape(found.group(1)))


@pytest.mark.parametrize("width", [1280, 390])
def test_the_page_is_no_wider_than_the_screen(kq, browser, tmp_path, width):
    screen = laid_out(browser, examples_report(kq, tmp_path), width, tmp_path / "profile")
    assert screen["viewport"] == width
    assert (screen["scrollWidth"], screen["wider"]) == (screen["clientWidth"], [])


def cjk_fonts() -> None:
    """Skip (fail in CI, whose .ci/run installs them) unless Noto Sans CJK SC is installed."""
    listed = subprocess.run(["fc-list", ":lang=zh", "family"], capture_output=True, text=True,
                            check=False).stdout if shutil.which("fc-list") else ""
    if "Noto Sans CJK SC" not in listed:
        if os.environ.get("CI"):
            pytest.fail("CI: Noto Sans CJK SC is not installed; .ci/run installs fonts-noto-cjk")
        pytest.skip("Noto Sans CJK SC is not installed (apt-get install fonts-noto-cjk)")


def without_cjk_fonts(folder: Path) -> dict[str, str]:
    """The environment of a browser that sees every font but those that draw Chinese."""
    files = sorted({line.split(":")[0] for line in subprocess.run(
        ["fc-list", ":lang=zh", "file"], capture_output=True, text=True, check=True,
    ).stdout.splitlines()})
    conf = folder / "fonts.conf"
    conf.write_text('<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "fonts.dtd">\n'
                    '<fontconfig><include ignore_missing="yes">/etc/fonts/fonts.conf</include>'
                    "<selectfont><rejectfont>" + "".join(f"<glob>{f}</glob>" for f in files)
                    + f"</rejectfont></selectfont><cachedir>{folder / 'cache'}</cachedir>"
                    "</fontconfig>\n", encoding="utf-8")
    return {**os.environ, "FONTCONFIG_FILE": str(conf)}


def pixels(png: bytes) -> list[bytes]:
    """The rows of an 8-bit RGB or RGBA PNG (Chromium's screenshots), its filters undone."""
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    at, data = 8, b""
    while at < len(png):
        size, kind = struct.unpack(">I4s", png[at:at + 8])
        chunk = png[at + 8:at + 8 + size]
        if kind == b"IHDR":
            width, height, depth, color = struct.unpack(">IIBB", chunk[:10])
            assert (depth, color) in ((8, 2), (8, 6))
            step = 3 if color == 2 else 4
        elif kind == b"IDAT":
            data += chunk
        at += 12 + size
    raw, stride = zlib.decompress(data), width * step
    rows, above = [], bytearray(stride)
    for y in range(height):
        kind, row = raw[y * (stride + 1)], bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for i in range(stride):
            a, b = (row[i - step] if i >= step else 0), above[i]
            c = above[i - step] if i >= step else 0
            p = a + b - c
            guess = (0, a, b, (a + b) // 2,
                     a if abs(p - a) <= abs(p - b) and abs(p - a) <= abs(p - c)
                     else b if abs(p - b) <= abs(p - c) else c)[kind]
            row[i] = (row[i] + guess) & 255
        rows.append(bytes(row))
        above = row
    return rows


def heading(browser: str, report: Path, text: str, folder: Path, style: str = "",
            env: dict[str, str] | None = None) -> list[bytes]:
    """The pixels of ``<h1>text</h1>`` under the report's own style (and ``style``)."""
    html = report.read_text(encoding="utf-8")
    page = folder / "heading.html"
    page.write_text(html[:html.index("</head>")] + f"<style>{style}</style></head><body>"
                    f"<h1>{text}</h1></body></html>", encoding="utf-8")
    shot = folder / "heading.png"
    result = subprocess.run(
        [browser, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
         "--hide-scrollbars", f"--user-data-dir={folder / 'profile'}", "--window-size=600,160",
         "--virtual-time-budget=3000", f"--screenshot={shot}", page.as_uri()],
        capture_output=True, text=True, timeout=120, check=False, env=env)
    assert result.returncode == 0, result.stderr[-2000:]
    return pixels(shot.read_bytes())


def test_a_chinese_heading_is_drawn_in_chinese_not_as_boxes(report, browser, tmp_path):
    """Without a font that has Chinese, each character is the same box: two headings look
    alike. With the page's fonts the heading must differ from those boxes."""
    cjk_fonts()
    env = without_cjk_fonts(tmp_path)
    boxes = heading(browser, report, "客情月报 2026-10", tmp_path, env=env)
    assert heading(browser, report, "风险客户 2026-10", tmp_path, env=env) == boxes
    drawn = heading(browser, report, "客情月报 2026-10", tmp_path)
    assert drawn != boxes
    assert heading(browser, report, "风险客户 2026-10", tmp_path) != drawn

