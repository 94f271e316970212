"""kq report: the month as one self-contained HTML page; its structure and numbers, the SVG
writer, and the page drawn by a real browser (headless Chromium)."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest

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
    assert "<tr><td>回款</td>" + "<td class=n>—</td>" * 8 + \
        "<td class=n>130,000</td><td class=n>120,000</td><td class=n>110,000</td>" \
        "<td class=n>100,000</td></tr>" in html


def test_without_output_the_page_goes_to_stdout(kq, make_repo):
    root = make_repo({"hx": FALLING}, kq_yaml=KQ_YAML)
    result = kq("--repo", root, "--today", TODAY, "report", "--month", "2026-10")
    assert result.stdout.startswith('<!doctype html><html lang="zh-CN">')
    assert result.stdout.endswith("</body></html>\n")


def test_a_bad_month_is_a_usage_error(kq, make_repo):
    root = make_repo({"hx": FALLING}, kq_yaml=KQ_YAML)
    result = kq("--repo", root, "--today", TODAY, "--lang", "en", "report", "--month", "2026-13")
    assert (result.exit_code, result.stderr) == (
        2, "kq: --month: '2026-13' is not a month; write YYYY-MM\n")


# The SVG writer -----------------------------------------------------------------------------

def test_hbars_draws_a_bar_per_known_value_and_says_unknown():
    assert hbars([("拜访", 5, 10), ("首荐", None, 10)], "卡", width=300, label_width=100) == (
        '<svg xmlns="http://www.w3.org/2000/svg" width="300" height="44" viewBox="0 0 300 44" '
        'role="img" aria-label="卡" style="font-family:sans-serif;font-size:12px">'
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
