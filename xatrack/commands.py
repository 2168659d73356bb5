"""What `xatrack list`, `overdue` and `update` do and print, free of Typer:
the Typer commands (cli.py) and the quick path (quick.py) both call these, so
the only thing that differs between the two ways in is how the flags are read.
"""

from __future__ import annotations

import os

from xatrack.errors import InputError


def default_user() -> str:
    """Who records: $XATRACK_USER, else the system user name."""
    user = os.environ.get("XATRACK_USER")
    if user:
        return user
    try:
        import getpass

        return getpass.getuser()
    except Exception:
        return ""


def check_format(value: str, allowed: tuple[str, ...]) -> str:
    key = value.strip().lower()
    if key in ("table", "terminal", "txt", "text"):
        key = "term"
    if key not in allowed:
        raise InputError(f"--format 的值\"{value}\"无效:应为 {'、'.join(allowed)}")
    return key


def list_text(filters, quarter, fmt: str, root, warn) -> str:
    """`xatrack list`: the selected items of the quarter, as a table, JSON or CSV."""
    from xatrack import api

    fmt = check_format(fmt, ("term", "json", "csv"))
    listed = api.list_items(root, filters=filters, quarter=quarter, warn=warn, lines=fmt == "term")
    return _text(listed.statuses, fmt, lambda table, term: table.render_list(term, listed.statuses, listed.title))


def overdue_text(filters, quarter, by, fmt: str, root, warn) -> str:
    """`xatrack overdue`: the items behind or not reported, worst first (grouped with ``by``)."""
    from xatrack import api

    fmt = check_format(fmt, ("term", "json", "csv"))
    api.check_grouping(by)
    found = api.overdue(root, filters=filters, quarter=quarter, by=by, warn=warn, lines=fmt == "term")
    if found.pending is not None:
        day, count = found.pending
        warn(f"{found.quarter.label}报送截止日为 {day.isoformat()},尚未到期:{count} 项待报送,不计未报送,不催办")
    return _text(found.statuses, fmt, lambda table, term: table.render_overdue(term, found.statuses, found.title, found.groups))


def _text(statuses, fmt: str, render_term) -> str:
    """json, csv (of whole statuses), or the plain item table (views/table.py: no rich, so quick;
    of evaluate.ItemLine)."""
    if fmt == "json":
        from xatrack.views.data import render_json

        return render_json(statuses)
    if fmt == "csv":
        from xatrack.views.data import render_csv

        return render_csv(statuses)
    from xatrack.views import table

    return table.text(render_term(table, table.Terminal.detect()))


def update(item_id: str, *, done, metric, status, note, quarter, day, by, evidence, root, warn, say, confirm=False) -> None:
    """`xatrack update`: record one report, then say what was recorded and the
    item's status now; ``say(text, err=False)`` prints one line."""
    from xatrack import api

    recorded = api.update(
        root, item_id=item_id, done=done, metric=metric, status=status, note=note, quarter=quarter, day=day, by=by,
        evidence=evidence, default_by=default_user(), warn=warn, confirm=confirm,
    )
    confirm_update(recorded, say)
    for warning in recorded.warnings:
        say(f"注意:{warning}", err=True)


def confirm_update(done, say, announce: bool = True) -> None:
    """What was recorded and the item's status now (api.Recorded), in one or two lines."""
    from xatrack.views.cells import fmt_number

    recorded = done.recorded
    item = recorded.item
    record = recorded.record
    what = f"{'目标' if item.is_target else '任务'} {item.id}"
    parts = []
    if recorded.metric is not None and "value" in record:
        parts.append(f"{recorded.metric.name} {fmt_number(record['value'])}{recorded.metric.unit}")
    if "status" in record:
        parts.append(f"状态 {record['status']}")
    if "note" in record:
        parts.append("说明已记录")
    if announce:
        say(f"已记录 {what}:{','.join(parts)}({recorded.quarter.label},{record['date']})→ {done.display}")
    if done.status is None:
        say(f"警告:无法读取进度记录以显示当前状态({done.status_error});运行 xatrack check 查看", err=True)
        return
    status = done.status
    if announce and done.contribution:
        say(
            f"{record['by']} 是{what} 的责任单位(非牵头单位):本条作为分项报送记录,不替代牵头单位报送的数字;"
            f"{what} 当前状态:{status.label}({status.reason})"
        )
        return
    late = "(逾期报送)" if status.late else ""
    if not late and any(u.corrected_late for u in status.units):
        late = "(逾期更正:首次报送在截止日前,不计逾期)"
    say(f"{what} 当前状态:{status.label}{late}({status.reason})")
    for metric, values in status.disagreements:
        sent = "、".join(f"{unit} {fmt_number(value)}" for unit, value in values)
        say(f"请核实:{what} {metric} 牵头单位报送不一致({sent}),以列第一位的牵头单位的为准", err=True)
    if status.figure_note:
        say(f"注意:{what} {status.figure_note}", err=True)
