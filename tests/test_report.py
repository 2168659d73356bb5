"""`xatrack report`: the report value, then each rendering read back.

One tracker (a copy of the shipped plan) gets a few updates in Q1 and Q2, as
a user records them; the expected numbers below are worked out by hand from
those updates and the plan, not copied from the program's output.

Q1 (2025-03-25): 32 90/336个 (pace 84: 正常), G1 7.5% (≥7: 正常), 28 推进中 (正常),
                 5 190/180亿元 (已完成), 79 3/17个 (pace 4.25, 29% short: 严重滞后).
Q2 (2025-06-20): 32 120 (pace 168, 29% short: 严重滞后), G1 6.5% (0.5 points short: 滞后),
                 G2 5% (4 points short of 9: 严重滞后), 28 受阻 (严重滞后), 29 已完成,
                 75 450/1000个 (pace 500, 10% short: 滞后), 92 2500/4000亩 (pace 2000: 正常),
                 78 1/2个 (pace 1: 正常). 5 stays 已完成 (carried); 79 is not reported.
"""

from __future__ import annotations

import os
import html
import re
import shutil
import struct
import subprocess
import zlib
from datetime import date
from html.parser import HTMLParser
from pathlib import Path

import pytest

from cli_helpers import run, xlsx_tables as _xlsx_tables
from xatrack import reading
from xatrack.model import BEHIND, DONE, MISSING, ON_TRACK, SEVERE, STATES, Quarter


Q1_UPDATES = [
    ["32", "--done", "90"],
    ["G1", "--done", "7.5"],
    ["28", "--status", "推进中"],
    ["5", "--done", "190"],
    ["79", "--done", "3"],
]
Q2_UPDATES = [
    ["32", "--done", "120"],
    ["G1", "--done", "6.5"],
    ["G2", "--done", "5"],
    ["28", "--status", "受阻", "--note", "资金|未到位<b>"],
    ["29", "--status", "已完成"],
    ["75", "--done", "450"],
    ["92", "--done", "2500"],
    ["78", "--done", "1"],
]

# Q2, the whole plan: 107 items.
Q2_OVERALL = {DONE: 2, ON_TRACK: 2, BEHIND: 2, SEVERE: 3, MISSING: 98}
Q2_TARGETS = {DONE: 0, ON_TRACK: 0, BEHIND: 1, SEVERE: 1, MISSING: 5}
Q2_ACTIONS = {  # action -> (total, counts)
    "行动一": (11, {DONE: 1, ON_TRACK: 0, BEHIND: 0, SEVERE: 0, MISSING: 10}),
    "行动三": (16, {DONE: 1, ON_TRACK: 0, BEHIND: 0, SEVERE: 2, MISSING: 13}),
    "行动六": (21, {DONE: 0, ON_TRACK: 2, BEHIND: 1, SEVERE: 0, MISSING: 18}),
    "行动七": (6, {DONE: 0, ON_TRACK: 0, BEHIND: 0, SEVERE: 0, MISSING: 6}),
}
Q2_LEADERS = {
    "常务副区长": (30, {DONE: 2, ON_TRACK: 0, BEHIND: 1, SEVERE: 1, MISSING: 26}),  # G1 G2 5 29
    "洪声耀": (28, {DONE: 1, ON_TRACK: 0, BEHIND: 0, SEVERE: 1, MISSING: 26}),  # 29 32
    "程文敏": (17, {DONE: 0, ON_TRACK: 1, BEHIND: 1, SEVERE: 1, MISSING: 14}),  # 28 75 78
    "刘伍寿": (13, {DONE: 0, ON_TRACK: 1, BEHIND: 0, SEVERE: 0, MISSING: 12}),  # 92
}
Q1_OVERALL = {DONE: 1, ON_TRACK: 3, BEHIND: 0, SEVERE: 1, MISSING: 102}


REPLAY = {"2025-03-25": Q1_UPDATES, "2025-06-20": Q2_UPDATES}  # recorded once (conftest.replayed)
TODAY = "2025-07-15"  # the day the tests run on (conftest.tracker): after the Q2 deadline, so the bulletin judges what is missing


def _report(root, quarter: int = 2, **filters):
    from xatrack.queries import Filters, Selector
    from xatrack.report import build_report
    from xatrack.store import Tracker

    tracker = Tracker(root)
    plan = reading.plan(tracker)
    directory = reading.directory(tracker)
    entries, problems = reading.entries(tracker, plan.info.year)
    assert not problems
    selector = Selector(plan, directory, Filters(**filters))
    return build_report(plan, directory, entries, Quarter(2025, quarter), selector=selector)


def _counts(row) -> dict[str, int]:
    return {state: row.count(state) for state in STATES}


# --------------------------------------------------------------------------- the report value


def test_headline_counts(replayed):
    report = _report(replayed)
    assert report.overall.total == 107
    assert _counts(report.overall) == Q2_OVERALL
    assert report.targets.total == 7 and _counts(report.targets) == Q2_TARGETS
    actions = {row.name: row for row in report.actions}
    assert len(actions) == 7 and sum(row.total for row in report.actions) == 100
    for name, (total, counts) in Q2_ACTIONS.items():
        assert actions[name].total == total and _counts(actions[name]) == counts, name
    assert actions["行动一"].title == "实施发展提速行动"


def test_leaders_in_document_order_with_their_counts(replayed):
    report = _report(replayed)
    names = [row.name for row in report.leaders]
    assert names == ["洪声耀", "陈浩", "程文敏", "丁玲", "刘伍寿", "姜黎明", "常务副区长", "区政府班子成员"]
    rows = {row.name: row for row in report.leaders}
    for name, (total, counts) in Q2_LEADERS.items():
        assert rows[name].total == total and _counts(rows[name]) == counts, name


def test_lead_units_ranked_by_rates_not_counts(replayed):
    """Issue 12 replaced the count ranking (which put the units that report
    and have many items last) with rates: 推进率, then 及时率, then fewer 严重滞后."""
    report = _report(replayed)
    rows = {row.name: row for row in report.units}
    # 区教育局 leads 4 (未报送), 28 (严重滞后), 75 (滞后): nothing green, 2 of 3 reported on time.
    assert rows["区教育局"].ids == ("4", "28", "75") and rows["区教育局"].problems == 3
    assert (rows["区教育局"].green, rows["区教育局"].timely) == (0, 2)
    # 区卫健局 leads 34, 76 (未报送), 78 (正常): 1 of 3 green; so does 区人社局 (29, 已完成, which it
    # reported as its first lead unit): they share 1st.
    assert rows["区卫健局"].rank == rows["区人社局"].rank == 1 and rows["区卫健局"].progress_rate == 1 / 3
    # 区发改局: G1 滞后, G2 严重滞后, 5 已完成 (in Q1) and 11 not reported: 1/14 green, 3/14 on time.
    assert rows["区发改局"].total == 14 and (rows["区发改局"].green, rows["区发改局"].timely) == (1, 3)
    # 区科经局 co-leads 29 but sent nothing for it: 29 is 未报送 for 区科经局, however green its co-lead made
    # it (issue 24). It reported 32 (严重滞后) on time: nothing green, 及时率 1/20.
    assert (rows["区科经局"].green, rows["区科经局"].timely, rows["区科经局"].count(MISSING)) == (0, 1, 19)
    # Units that reported (区教育局 2/3 on time, then 区科经局 1/20), none green, rank above units that reported nothing.
    assert rows["区教育局"].rank == 5 and rows["区科经局"].rank == 6
    assert rows["区纪委监委"].rank == rows["区农业农村局"].rank == rows["区供销社"].rank == 7
    keys = [(-r.progress_rate, -r.timely_rate, r.count(SEVERE) / r.total) for r in report.units]
    assert keys == sorted(keys)
    assert report.units[0].rank == 1
    assert "推进率" in report.ranking_rule and "及时率" in report.ranking_rule


def test_ranking_of_one_leaders_units_by_hand(replayed):
    """程文敏's 17 items and their lead units, ranked by hand."""
    report = _report(replayed, leader="程文敏")
    assert report.overall.total == 17
    assert _counts(report.overall) == {DONE: 0, ON_TRACK: 1, BEHIND: 1, SEVERE: 1, MISSING: 14}
    ranking = [(row.rank, row.name) for row in report.units]
    # 区卫健局: 78 正常 of its 3 (34, 76, 78) -> 推进率 1/3, first.
    # 区教育局: 28 严重滞后, 75 滞后, 4 未报送 -> 推进率 0, 及时率 2/3: second.
    # Every other unit reported nothing: all tie at 3rd, more items listed first.
    assert ranking[:2] == [(1, "区卫健局"), (2, "区教育局")]
    assert [rank for rank, _ in ranking[2:]] == [3] * 6
    assert ranking[2] == (3, "区文旅局")
    # Shared items also count for their co-leaders: 4 (陈浩, 程文敏, 丁玲), 59 (程文敏, 洪声耀, 丁玲).
    leaders = {row.name: row.total for row in report.leaders}
    assert leaders == {"洪声耀": 1, "陈浩": 1, "程文敏": 17, "丁玲": 2}


def test_lagging_items_by_leader_with_expected_and_reported(replayed):
    report = _report(replayed)
    groups = {g.leader: g for g in report.lagging}
    assert [g.leader for g in report.lagging] == ["洪声耀", "程文敏", "常务副区长"]
    assert [(e.item.id, e.state) for e in groups["程文敏"].items] == [("28", SEVERE), ("75", BEHIND)]
    assert [(e.item.id, e.state) for e in groups["常务副区长"].items] == [("G2", SEVERE), ("G1", BEHIND)]
    (base,) = groups["洪声耀"].items
    (figure,) = base.figures
    assert (figure.expected, figure.value, figure.unit) == (168, 120, "个")
    g1 = groups["常务副区长"].items[1].figures[0]
    assert (g1.expected, g1.value) == (7, 6.5)
    from xatrack.report import item_figures_text

    assert item_figures_text(base) == "应 168个 / 报 120个"
    assert item_figures_text(groups["常务副区长"].items[1]) == "应 ≥7% / 报 6.5%"
    assert item_figures_text(groups["程文敏"].items[0]) == "报送状态:受阻(资金|未到位<b>)"


def test_reminder_list(replayed):
    report = _report(replayed)
    reminders = {r.unit: r.ids for r in report.reminders}
    assert reminders["区教育局"] == ("4",)  # 28 and 75 reported
    assert reminders["区卫健局"] == ("34", "76")
    assert reminders["区发改局"] == ("G7", "1", "2", "3", "17", "18", "19", "41", "42", "48", "100")
    assert "79" in reminders["区民政局"]  # reported in Q1 only
    assert all(i not in ids for ids in reminders.values() for i in ("5", "32", "G1", "92"))
    # 29 was reported by 区人社局, its first lead unit; its co-lead 区科经局 sent nothing (issue 24)
    assert [unit for unit, ids in reminders.items() if "29" in ids] == ["区科经局"]
    counts = [len(ids) for ids in reminders.values()]
    assert counts == sorted(counts, reverse=True)
    assert report.unreported_count == 99  # 98 items nobody reported, and 29, which its co-lead 区科经局 did not


def test_change_since_previous_quarter(replayed):
    comparison = _report(replayed).comparison
    assert comparison.previous == Quarter(2025, 1)
    assert _counts(comparison.before) == Q1_OVERALL
    assert [(c.item_id, c.before) for c in comparison.turned_red] == [("G2", MISSING), ("28", ON_TRACK), ("32", ON_TRACK)]
    assert [(c.item_id, c.before) for c in comparison.completed] == [("29", MISSING)]  # 5 was done in Q1
    assert comparison.state_of("79") == SEVERE


def test_first_quarter_has_no_previous(replayed):
    report = _report(replayed, quarter=1)
    assert report.comparison is None and "没有上一季度" in report.no_previous_text
    assert _counts(report.overall) == Q1_OVERALL
    assert [(e.item.id, e.state) for g in report.lagging for e in g.items] == [("79", SEVERE)]


def test_numbers_agree_with_overdue(replayed, tracker, capsys):
    import json

    code, out, err = run(capsys, "overdue", "--quarter", "Q2", "--format", "json")
    assert code == 0, err
    overdue = {row["id"]: row["status"] for row in json.loads(out)}
    report = _report(replayed)
    flagged = {s.item.id: s.state for s in report.statuses if s.state in (BEHIND, SEVERE, MISSING)}
    assert overdue == flagged


# --------------------------------------------------------------------------- markdown


def _md_cells(line: str) -> list[str]:
    inner = line.strip()[1:-1]
    cells = re.split(r"(?<!\\)\|", inner)
    # A Markdown renderer reads HTML entities back as the characters (issue 13: HTML is escaped).
    return [html.unescape(c.strip().replace("\\|", "|").replace("\\\\", "\\")) for c in cells]


def _md_tables(text: str) -> dict[str, list[list[str]]]:
    """Tables under each heading, as rows of cells (header first, separator dropped)."""
    tables: dict[str, list[list[str]]] = {}
    heading = None
    for line in text.splitlines():
        if line.startswith("#"):
            heading = line.lstrip("#").strip()
        elif line.startswith("|"):
            cells = _md_cells(line)
            if all(re.fullmatch(r"-+:?", c) for c in cells):
                continue
            tables.setdefault(heading, []).append(cells)
    return tables


def test_markdown_tables_parse_back(tracker, capsys):
    code, out, err = run(capsys, "report", "--quarter", "Q2", "--format", "md")
    assert code == 0, err
    assert out.startswith("# 2025年第二季度目标任务推进情况通报\n")
    tables = _md_tables(out)
    headline = tables["一、总体情况"]
    assert headline[0] == ["分类", "名称", "事项", *STATES]
    rows = {r[0]: r for r in headline[1:]}
    assert [int(n) for n in rows["合计"][2:]] == [107, *Q2_OVERALL.values()]
    assert [int(n) for n in rows["主要预期目标"][2:]] == [7, *Q2_TARGETS.values()]
    assert rows["行动三"][1] == "实施科技赋能行动"
    assert [int(n) for n in rows["行动三"][2:]] == [16, *Q2_ACTIONS["行动三"][1].values()]
    leaders = {r[0]: r for r in tables["二、各责任领导事项情况"][1:]}
    assert [int(n) for n in leaders["程文敏"][1:]] == [17, *Q2_LEADERS["程文敏"][1].values()]
    ranking = tables["三、牵头单位排名"]
    assert ranking[0][:2] == ["名次", "牵头单位"]
    assert [int(r[0]) for r in ranking[1:]] == sorted(int(r[0]) for r in ranking[1:])
    lagging = tables["程文敏(2 项)"]
    assert lagging[0] == ["编号", "事项", "牵头单位", "状态", "应完成 / 已报送"]
    assert lagging[1][0] == "28" and lagging[1][3] == SEVERE
    assert lagging[1][4] == "报送状态:受阻(资金|未到位<b>)"  # the pipe was escaped and comes back
    assert all(len(r) == 5 for r in lagging)
    assert tables["洪声耀(1 项)"][1][4] == "应 168个 / 报 120个"
    reminders = {r[0]: r for r in tables["五、催办名单(本季度未报送)"][1:]}
    # Neither was reported in Q1 either: 连续未报送 (issue 12).
    assert reminders["区卫健局"][1:] == ["2", "34\uff08连续未报送\uff09、76\uff08连续未报送\uff09"]
    assert [r[0] for r in tables["新转为严重滞后(3 项)"][1:]] == ["G2", "28", "32"]
    assert tables["本季度新完成(1 项)"][1][0] == "29"


def test_markdown_first_quarter_says_no_previous(tracker, capsys):
    code, out, err = run(capsys, "report", "--quarter", "Q1", "--format", "md")
    assert code == 0, err
    assert "## 六、与上季度相比" in out and "没有上一季度可比" in out


# --------------------------------------------------------------------------- html


class _Dom(HTMLParser):
    """What the tests read from the page: count cells, bars, cards, tags used."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tables: dict[str, dict[str, dict[str, int]]] = {}
        self.bars: dict[str, dict[str, dict[str, int]]] = {}
        self.cards: dict[str, int] = {}
        self.tags: set[str] = set()
        self.attrs_seen: list[tuple[str, str, str]] = []
        self.text: list[str] = []
        self._table = self._row = self._svg = self._bar = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        self.tags.add(tag)
        self.attrs_seen += [(tag, k, v or "") for k, v in attrs]
        if tag == "table":
            self._table = a.get("data-table")
        elif tag == "tr" and self._table:
            self._row = a.get("data-name")
        elif tag == "td" and self._table and self._row and "data-count" in a:
            self.tables.setdefault(self._table, {}).setdefault(self._row, {})[a["data-state"]] = int(a["data-count"])
        elif tag == "svg":
            self._svg = a.get("id")
        elif tag == "g" and self._svg and "data-name" in a:
            self._bar = a["data-name"]
            self.bars.setdefault(self._svg, {})[self._bar] = {"total": int(a["data-total"])}
        elif tag == "rect" and self._bar:
            self.bars[self._svg][self._bar][a["data-state"]] = int(a["data-count"])
        elif tag == "div" and (a.get("id") or "").startswith("count-"):
            self.cards[a["id"]] = int(a["data-count"])

    def handle_endtag(self, tag):
        if tag == "table":
            self._table = None
        elif tag == "tr":
            self._row = None
        elif tag == "svg":
            self._svg = None
        elif tag == "g":
            self._bar = None

    def handle_data(self, data):
        self.text.append(data)


def _dom(html: str) -> _Dom:
    dom = _Dom()
    dom.feed(html)
    return dom


def _check_dom_counts(dom: _Dom, report) -> None:
    """Counts on the page equal the report value, in cards, tables and bars."""
    assert dom.cards["count-total"] == report.overall.total
    for state, key in ((DONE, "done"), (ON_TRACK, "ok"), (BEHIND, "behind"), (SEVERE, "severe"), (MISSING, "missing")):
        assert dom.cards[f"count-{key}"] == report.overall.count(state)
    for table, rows in (("headline", [report.overall, report.targets, *report.actions]), ("leaders", report.leaders), ("units", report.units)):
        page = dom.tables[table]
        assert list(page) == [row.name for row in rows], table
        for row in rows:
            assert page[row.name] == {"total": row.total, **_counts(row)}, (table, row.name)
    for chart, rows in (("chart-actions", [report.targets, *report.actions]), ("chart-leaders", report.leaders)):
        bars = dom.bars[chart]
        assert list(bars) == [row.name for row in rows]
        for row in rows:
            segments = {s: n for s, n in bars[row.name].items() if s != "total"}
            assert segments == {s: n for s, n in _counts(row).items() if n}, (chart, row.name)
            assert bars[row.name]["total"] == row.total


def test_html_is_self_contained_and_counts_read_back(tracker, capsys):
    code, out, err = run(capsys, "report", "--quarter", "Q2", "--format", "html")
    assert code == 0, err
    assert out.startswith("<!DOCTYPE html>") and '<meta charset="utf-8">' in out
    dom = _dom(out)
    _check_dom_counts(dom, _report(tracker))
    # Nothing from the network, no script.
    assert not dom.tags & {"script", "link", "img", "iframe", "object", "embed"}
    for tag, name, value in dom.attrs_seen:
        assert name not in ("src", "href") and "url(" not in value, (tag, name, value)
        if name == "xmlns":
            continue
        assert "http" not in value, (tag, name, value)
    assert "@import" not in out and "url(" not in out
    # Escaped: the note's markup stays text.
    assert "<b>" not in out and "资金|未到位&lt;b&gt;" in out
    assert "资金|未到位<b>" in "".join(dom.text)
    assert "新转为严重滞后(3 项)" in "".join(dom.text)


def _chromium() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        path = shutil.which(name)
        if path:
            return path
    return None


def _png_rows(path: Path, limit: int):
    """Decode the first ``limit`` rows of an 8-bit RGB/RGBA PNG (stdlib only)."""
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    pos, idat, header = 8, [], None
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos : pos + 8])
        chunk = data[pos + 8 : pos + 8 + length]
        if kind == b"IHDR":
            header = struct.unpack(">IIBBBBB", chunk)
        elif kind == b"IDAT":
            idat.append(chunk)
        pos += 12 + length
    width, height, depth, colour, _, _, interlace = header
    assert depth == 8 and colour in (2, 6) and interlace == 0
    channels = 4 if colour == 6 else 3
    stride = width * channels
    raw = zlib.decompressobj().decompress(b"".join(idat), (stride + 1) * limit)
    rows, previous = [], bytearray(stride)
    for y in range(min(limit, height)):
        kind = raw[y * (stride + 1)]
        line = bytearray(raw[y * (stride + 1) + 1 : (y + 1) * (stride + 1)])
        for i in range(stride):
            left = line[i - channels] if i >= channels else 0
            up = previous[i]
            if kind == 1:
                line[i] = (line[i] + left) & 0xFF
            elif kind == 2:
                line[i] = (line[i] + up) & 0xFF
            elif kind == 3:
                line[i] = (line[i] + ((left + up) >> 1)) & 0xFF
            elif kind == 4:
                corner = previous[i - channels] if i >= channels else 0
                p = left + up - corner
                pa, pb, pc = abs(p - left), abs(p - up), abs(p - corner)
                line[i] = (line[i] + (left if pa <= pb and pa <= pc else up if pb <= pc else corner)) & 0xFF
        rows.append(bytes(line))
        previous = line
    return width, height, channels, rows


@pytest.mark.skipif(_chromium() is None, reason="chromium is not installed (CI installs the Debian package)")
def test_html_renders_in_headless_chromium(tracker, capsys, tmp_path):
    page = tmp_path / "通报.html"
    code, out, err = run(capsys, "report", "--quarter", "Q2", "-o", str(page))
    assert code == 0, err
    shot = tmp_path / "shot.png"
    flags = [
        "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        f"--user-data-dir={tmp_path / 'profile'}", "--window-size=1280,2000",
        f"--screenshot={shot}", "--dump-dom",
    ]  # fmt: skip
    result = subprocess.run(
        [_chromium(), *flags, page.as_uri()], capture_output=True, text=True, timeout=120, stdin=subprocess.DEVNULL
    )
    assert result.returncode == 0, result.stderr[-2000:]
    dom = _dom(result.stdout)
    _check_dom_counts(dom, _report(tracker))
    assert "2025年第二季度目标任务推进情况通报" in "".join(dom.text)
    # The screenshot shows the page: the five coloured count cards near the top.
    width, height, channels, rows = _png_rows(shot, 420)
    assert (width, height) == (1280, 2000)
    colours = set()
    for row in rows[100:]:
        colours.update(row[i : i + 3] for i in range(0, len(row), channels * 4))
    for hex_colour in ("2e7d32", "66bb6a", "f2b600", "d32f2f", "9e9e9e"):
        assert bytes.fromhex(hex_colour) in colours, hex_colour
    if os.environ.get("XATRACK_KEEP_SCREENSHOT"):
        shutil.copy(shot, os.environ["XATRACK_KEEP_SCREENSHOT"])


# --------------------------------------------------------------------------- xlsx


def test_xlsx_read_back(tracker, capsys):
    import openpyxl
    path = tracker / "通报.xlsx"
    code, out, err = run(capsys, "report", "--quarter", "Q2", "--format", "xlsx", "-o", str(path))
    assert code == 0, err
    assert "已写入" in err
    workbook = openpyxl.load_workbook(path)
    # 请核实与预计: 32 (120 of 336 by mid-year) projects 240, short of the year (issue 25)
    assert workbook.sheetnames == ["汇总", "滞后事项", "全部事项", "催办名单", "请核实与预计", "各季度对比"]
    for sheet in workbook.worksheets:
        # Row 1 names the plan and the quarter; a sheet of one table freezes its title and header.
        title = sheet["A1"].value
        assert title.startswith("2025年咸安区") and "2025年第二季度" in title, (sheet.title, title)
        assert sheet.freeze_panes == ("A2" if sheet.title in ("汇总", "请核实与预计", "各季度对比") else "A3"), sheet.title
        widths = [sheet.column_dimensions[c].width for c in "ABC"]
        assert all(w and w >= 8 for w in widths), (sheet.title, widths)

    summary = workbook["汇总"]
    tables = _xlsx_tables(summary)  # each table under its caption, with its own header row
    assert list(tables) == ["总体情况", "各责任领导", "牵头单位排名", "上季度(2025年第一季度)"]
    counts = ["事项", *STATES]
    overall = {r["名称"]: r for r in tables["总体情况"][1]}
    assert [overall["合计"][h] for h in counts] == [107, *Q2_OVERALL.values()]
    assert [overall["行动六 实施幸福咸安行动"][h] for h in counts] == [21, *Q2_ACTIONS["行动六"][1].values()]
    leaders = {r["责任领导"]: r for r in tables["各责任领导"][1]}
    assert [leaders["程文敏"][h] for h in counts] == [17, *Q2_LEADERS["程文敏"][1].values()]
    header, ranked, note = tables["牵头单位排名"]
    assert header[:2] == ["名次", "牵头单位"] and header[-2:] == ["推进率", "及时率"]
    assert ranked[0]["名次"] == 1 and all(isinstance(r["名次"], int) for r in ranked)
    assert all(0 <= r["推进率"] <= 1 and 0 <= r["及时率"] <= 1 for r in ranked)
    assert note.startswith("依次按推进率")  # the ranking rule is stated above the table
    assert [tables["上季度(2025年第一季度)"][1][0][s] for s in STATES] == list(Q1_OVERALL.values())
    for row in summary.iter_rows(min_row=2):
        for cell in row:
            if cell.value is not None and isinstance(cell.value, str) and cell.value.isdigit():
                raise AssertionError(f"{cell.coordinate}: a number stored as text")

    lagging = workbook["滞后事项"]
    header = [c.value for c in lagging[2]]  # row 1: the title
    col = {name: i for i, name in enumerate(header)}
    body = list(lagging.iter_rows(min_row=3))
    by_id = {row[col["编号"]].value: row for row in body}
    assert set(by_id) == {32, 28, 75, "G1", "G2"}
    row32 = by_id[32]
    assert (row32[col["全年目标"]].value, row32[col["应完成"]].value, row32[col["已报送"]].value) == (336, 168, 120)
    assert row32[col["已报送"]].data_type == "n" and row32[col["责任领导"]].value == "洪声耀"
    assert by_id["G1"][col["已报送"]].value == 6.5
    fills = {row[col["编号"]].value: row[col["状态"]].fill.fgColor.rgb[-6:].upper() for row in body}
    assert fills == {32: "D32F2F", 28: "D32F2F", "G2": "D32F2F", 75: "F2B600", "G1": "F2B600"}
    assert lagging.column_dimensions[_letter(col["事项"])].width >= 40  # room for Chinese text

    items = workbook["全部事项"]
    header = [c.value for c in items[2]]  # row 1: the title
    col = {name: i for i, name in enumerate(header)}
    body = list(items.iter_rows(min_row=3))
    assert len(body) == 107
    state_fill = {}
    for row in body:
        state_fill.setdefault(row[col["状态"]].value, set()).add(row[col["状态"]].fill.fgColor.rgb[-6:].upper())
    assert state_fill == {DONE: {"2E7D32"}, ON_TRACK: {"66BB6A"}, BEHIND: {"F2B600"}, SEVERE: {"D32F2F"}, MISSING: {"9E9E9E"}}
    by_id = {row[col["编号"]].value: row for row in body}
    assert by_id[29][col["上季度状态"]].value == MISSING and by_id[29][col["状态"]].value == DONE
    assert isinstance(by_id[100][col["编号"]].value, int) and by_id["G7"][col["编号"]].value == "G7"

    reminders = {r[0]: r for r in workbook["催办名单"].iter_rows(min_row=3, values_only=True)}
    assert reminders["区卫健局"][1:] == (2, "34\uff08连续未报送\uff09、76\uff08连续未报送\uff09", "34、76")


def _letter(index: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(index + 1)


# --------------------------------------------------------------------------- the command


def test_terminal_report_piped(tracker, capsys, monkeypatch):
    from rich.cells import cell_len

    for columns in (80, 160):
        monkeypatch.setenv("COLUMNS", str(columns))
        code, out, err = run(capsys, "report", "--quarter", "Q2")
        assert code == 0, err
        assert "\x1b[" not in out
        assert all(cell_len(line) <= columns for line in out.splitlines()), columns
        for title in ("一、总体情况", "三、牵头单位排名", "五、催办名单", "六、与上季度相比"):
            assert title in out
        assert "共 107 项:已完成 2 项,正常 2 项,滞后 2 项,严重滞后 3 项,未报送 98 项。" in out
        line = next(l for l in out.splitlines() if l.strip().startswith("32 "))
        assert "严重滞后" in line and "应 168个 / 报 120个" in line


def test_filters_narrow_the_report(tracker, capsys):
    code, out, err = run(capsys, "report", "--quarter", "Q2", "--leader", "cwm", "--format", "md")
    assert code == 0, err
    assert "范围:领导:cwm" in out
    tables = _md_tables(out)
    rows = {r[0]: r for r in tables["一、总体情况"][1:]}
    assert [int(n) for n in rows["合计"][2:]] == [17, 0, 1, 1, 1, 14]
    leaders = {r[0]: int(r[1]) for r in tables["二、各责任领导事项情况"][1:]}
    assert leaders == {"洪声耀": 1, "陈浩": 1, "程文敏": 17, "丁玲": 2}
    code, out, err = run(capsys, "report", "-q", "Q2", "--status", "红", "--format", "md")
    rows = {r[0]: r for r in _md_tables(out)["一、总体情况"][1:]}
    assert [int(n) for n in rows["合计"][2:]] == [3, 0, 0, 0, 3, 0]
    code, out, err = run(capsys, "report", "-q", "Q2", "--unit", "卫健局", "--status", "绿", "--format", "md")
    assert code == 0, err
    # 78 is green, not lagging; the comparison lists it as newly reported (未报送 -> 正常),
    # not as progress made: it had no figure in Q1 to compare with.
    lagging_part, comparison_part = out.split("## 六、与上季度相比")
    assert "### 新转为严重滞后" not in out and "| 78 |" not in lagging_part
    assert "| 78 |" in comparison_part.split("### 新报送的事项(上季度未报送)(1 项)")[1].split("###")[0]
    assert "### 进度好转的事项(0 项)" in comparison_part


def test_output_format_follows_the_file_suffix(tracker, capsys):
    for name, start in (("通报.html", b"<!DOCTYPE html>"), ("通报.md", "# ".encode()), ("通报.xlsx", b"PK")):
        path = tracker / name
        code, out, err = run(capsys, "report", "-q", "Q2", "-o", str(path))
        assert code == 0, err
        assert out == "" and path.read_bytes().startswith(start), name
        assert not [p for p in tracker.iterdir() if p.name.endswith(".tmp")]


@pytest.mark.parametrize(
    "args, fragments",
    [
        (["--format", "pdf"], ["--format", "pdf"]),
        (["--format", "xlsx"], ["--format xlsx", "-o"]),
        (["--quarter", "Q5"], ["--quarter", "Q5"]),
        (["--leader", "张三丰"], ["张三丰"]),
        (["--action", "9"], ["--action", "9"]),
        (["--status", "紫"], ["--status", "紫"]),
        (["-o", "没有这个目录/通报.html"], ["-o", "不存在"]),
        (["-o", "progress"], ["-o", "目录"]),
    ],
)
def test_bad_values_are_one_chinese_line_exit_2(tracker, capsys, args, fragments):
    (tracker / "progress").mkdir(exist_ok=True)
    code, out, err = run(capsys, "report", "-q", "Q2", *args) if "--quarter" not in args else run(capsys, "report", *args)
    assert code == 2, (out, err)
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("错误:") and "Traceback" not in err, err
    for fragment in fragments:
        assert fragment in lines[0], (fragment, lines[0])
    assert out == ""


def test_unwritable_output_is_a_clear_message(tracker, capsys):
    """A place no one may create files in (works as root too): one line, nothing left behind."""
    code, out, err = run(capsys, "report", "-q", "Q2", "-o", "/proc/通报.html")
    assert code == 2 and err.startswith("错误:-o 的值") and "无法写入" in err and len(err.strip().splitlines()) == 1
    code, out, err = run(capsys, "report", "-q", "Q2", "-o", "tasks.yaml/通报.html")
    assert code == 2 and "不是目录" in err


def test_help_has_examples(tracker, capsys):
    code, out, err = run(capsys, "report", "--help")
    assert code == 0
    assert "xatrack report --quarter Q2 --format html -o 通报.html" in out and "催办" in out
    code, out, err = run(capsys)
    assert "xatrack report --quarter Q2 --format html -o 通报.html" in out


def test_report_year_places_each_lead_unit_per_quarter_and_over_the_year(tmp_path, capsys, monkeypatch):
    """`report --year`: 区科经局 (20 items) reports task 32 on time in Q1 (严重滞后,
    50 of 84) and in Q2 (正常): first in both quarters, 推进率 1 of 40 item-quarters,
    及时率 2 of 40, one 严重滞后; every other lead unit reported nothing and ties second."""
    from cli_helpers import make_tracker

    monkeypatch.chdir(make_tracker(tmp_path))
    monkeypatch.setenv("XATRACK_USER", "测试员")
    monkeypatch.setenv("XATRACK_NOW", "2025-04-05T10:00:00+08:00")
    assert run(capsys, "update", "32", "--done", "50", "--by", "区科经局", "-q", "Q1")[0] == 0
    monkeypatch.setenv("XATRACK_NOW", "2025-07-05T10:00:00+08:00")
    assert run(capsys, "update", "32", "--done", "200", "--by", "区科经局")[0] == 0
    monkeypatch.setenv("XATRACK_NOW", "2025-07-20T10:00:00+08:00")
    code, out, err = run(capsys, "report", "--year")
    assert code == 0, err
    rows = {cells[1]: cells for cells in map(str.split, out.splitlines()) if len(cells) == 8}
    assert rows["区科经局"] == ["1", "区科经局", "20", "1", "1", "2.5%", "5%", "1"]
    assert rows["区发改局"] == ["2", "区发改局", "14", "2", "2", "0%", "0%", "0"]
    assert "第一至第二季度" in out
    code, out, err = run(capsys, "report", "--year", "--format", "md")
    assert code == 0 and "| 1 | 区科经局 | 20 | 1 | 1 | 2.5% | 5% | 1 |" in out
    code, out, err = run(capsys, "report", "--year", "-o", "全年.html")
    assert code == 2 and "--year 的全年考核表输出到屏幕、Markdown、Excel 或 Word" in err and not Path("全年.html").exists()
    code, out, err = run(capsys, "report", "--year", "-o", "全年.md")
    assert code == 0 and "已写入 全年.md" in err
    assert Path("全年.md").read_text(encoding="utf-8").startswith("# 2025年各牵头单位目标任务全年考核(第一至第二季度)")


# --------------------------------------------------------------------------- one bulletin document


def test_the_bulletin_sentences_are_written_once_in_bulletin_doc():
    """The renderers map blocks (xatrack.bulletin_doc) and own no wording: the
    bulletin's sentences and headers appear in bulletin_doc (the workbook's in
    bulletin_sheets), in no renderer."""
    views = Path(__file__).resolve().parent.parent / "xatrack" / "views"
    doc = "".join((views.parent / name).read_text(encoding="utf-8") for name in ("bulletin_doc.py", "bulletin_sheets.py"))
    for words in ("各牵头单位本季度均已报送", "应完成 / 已报送", "没有滞后或严重滞后的事项", "没有符合条件的事项",
                  "事项编号(缺报的指标)", "本季度新完成", "新转为严重滞后", "上季度报送、本季度未报送", "纳入通报",
                  "主要预期目标和七大行动", "分行动看", "下步要求", "滞后及未报送"):
        assert doc.count(words) >= 1, words
        for name in ("report_term.py", "report_markdown.py", "report_html.py", "report_xlsx.py", "report_docx.py"):
            assert words not in (views / name).read_text(encoding="utf-8"), (name, words)


def test_the_document_holds_the_sections_in_order(tracker):
    from xatrack.bulletin_doc import DOCX, HTML, MD, TERM, XLSX, Heading, Paragraph, Sheet, Table, build_document

    doc = build_document(_report(tracker))
    for medium in (TERM, MD, HTML, DOCX):
        sections = [b.text for b in doc.for_medium(medium) if isinstance(b, Heading) and b.level == 1]
        assert sections[:6] == ["一、总体情况", "二、各责任领导事项情况", "三、牵头单位排名", "四、滞后事项(按责任领导)",
                                "五、催办名单(本季度未报送)", "六、与上季度相比"], medium
    assert [b.name for b in doc.for_medium(XLSX) if isinstance(b, Sheet)] == ["汇总", "滞后事项", "全部事项", "催办名单", "请核实与预计", "各季度对比"]
    # 32 is 严重滞后 under 洪声耀: a typed row (id, text, lead, status, figures).
    lagging = [b for b in doc.for_medium(MD) if isinstance(b, Table) and b.key == "lagging"]
    row = next(r for t in lagging for r in t.rows if r.item == "32")
    assert [c.kind for c in row.cells] == ["id", "text", "text", "status", "text"]
    assert row.cells[3].state == SEVERE and row.cells[4].text == "应 168个 / 报 120个"
    # The Word 通报 says the overview in sentences, the screens in counts.
    assert [p.text for p in doc.for_medium(DOCX) if isinstance(p, Paragraph) and p.role == "overview"][0] == (
        "截至6月底,107项目标任务中,已完成2项、正常推进2项、滞后2项、严重滞后3项、未报送98项。")
    assert [p.text for p in doc.for_medium(MD) if isinstance(p, Paragraph) and p.role == "counts"] == [
        "共 107 项:已完成 2 项,正常 2 项,滞后 2 项,严重滞后 3 项,未报送 98 项。"]


def test_a_plan_without_actions_gets_no_breakdown_by_action():
    """Issue 29: "分行动看,其他事项2项…" repeated the total for a plan without actions."""
    from xatrack.bulletin_doc import overview_sentences
    from xatrack.directory.index import Directory
    from xatrack.model import Entry, Item, Metric, Plan, PlanInfo
    from xatrack.report import build_report

    items = (Item("1", "task", "新建基站10个", metrics=(Metric("基站", 10, "个"),)),
             Item("2", "task", "新建公园2个", metrics=(Metric("公园", 2, "个"),)))
    plan = Plan(PlanInfo(year=2025), tasks=items)
    entries = [Entry("1", Quarter(2025, 2), date(2025, 6, 1), "基站", 10.0)]
    report = build_report(plan, Directory.empty(), entries, Quarter(2025, 2))
    assert overview_sentences(report) == ["截至6月底,2项目标任务中,已完成1项、未报送1项。"]
