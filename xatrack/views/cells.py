"""What a table cell says, without rich: marks, styles, numbers, progress
phrases, and how wide a string is on a terminal.

Shared by the plain item tables (views/table.py, which must not import rich:
it keeps `list` and `overdue` quick) and the rich views (views/terminal.py).
A styled cell is a tuple of (text, style) segments; a style is a string of
words such as "bold green", as rich writes them.
"""

from __future__ import annotations

import unicodedata

from xatrack.model import BEHIND, DONE, MISSING, ON_TRACK, PENDING, SEVERE, relative_target_text

STATE_STYLE = {DONE: "bold green", ON_TRACK: "green", BEHIND: "bold yellow", SEVERE: "bold red", MISSING: "dim", PENDING: "cyan"}
STATE_MARK = {DONE: "●", ON_TRACK: "●", BEHIND: "▲", SEVERE: "■", MISSING: "○", PENDING: "◌"}

Segments = tuple[tuple[str, str], ...]


# --------------------------------------------------------------------------- widths

_WIDTHS: dict[str, int] = {}


def char_width(char: str) -> int:
    """Columns a character takes: 2 for wide (CJK, full-width), 0 for combining marks."""
    width = _WIDTHS.get(char)
    if width is None:
        if unicodedata.combining(char) or unicodedata.category(char) in ("Mn", "Me", "Cf"):
            width = 0
        elif unicodedata.east_asian_width(char) in ("W", "F"):
            width = 2
        else:
            width = 1
        _WIDTHS[char] = width
    return width


_MEASURED: dict[str, int] = {}  # names and short phrases repeat on every row


def text_width(text: str) -> int:
    if text.isascii():
        return len(text)
    known = _MEASURED.get(text)
    if known is not None:
        return known
    widths = _WIDTHS
    total = 0
    for char in text:
        width = widths.get(char)
        total += char_width(char) if width is None else width
    if len(_MEASURED) < 65536:
        _MEASURED[text] = total
    return total


def text_width_upto(text: str, cap: int) -> int:
    """min(text_width(text), cap), without measuring all of a long text: a
    text of at least ``cap`` characters (none of them zero-width) is that wide."""
    if len(text) >= cap and (text.isascii() or not any(_WIDTHS.get(c) == 0 for c in text[:cap])):
        return cap
    return min(text_width(text), cap)


_FITTED: dict[tuple[str, int], tuple[str, int]] = {}


def fit(text: str, width: int) -> tuple[str, int]:
    """``text`` cut to at most ``width`` columns, ending with … when cut; and its width."""
    known = _FITTED.get((text, width))
    if known is not None:
        return known
    result = _fit(text, width)
    if len(_FITTED) < 65536:
        _FITTED[(text, width)] = result
    return result


def _fit(text: str, width: int) -> tuple[str, int]:
    if text.isascii():
        if len(text) <= width:
            return text, len(text)
        return (text[: width - 1] + "…", width) if width > 0 else ("", 0)
    widths = _WIDTHS
    used = 0
    for index, char in enumerate(text):
        w = widths.get(char)
        if w is None:
            w = char_width(char)
        if used + w > width:
            break
        used += w
    else:
        return text, used
    # Cut: make room for the ellipsis (one column).
    kept = text[:index]
    while kept and used + 1 > width:
        used -= char_width(kept[-1])
        kept = kept[:-1]
    if width <= 0:
        return "", 0
    return kept + "…", used + 1


# --------------------------------------------------------------------------- words


def fmt_number(value: float | None) -> str:
    if value is None:
        return "—"
    if float(value).is_integer():
        return f"{int(value):,}" if abs(value) >= 10000 else str(int(value))
    return f"{value:.4g}" if abs(value) < 1000 else f"{value:,.1f}"


def state_words(state: str) -> str:
    return f"{STATE_MARK[state]} {state}"


def bar(fraction: float, width: int = 8) -> str:
    fraction = max(0.0, min(1.0, fraction))
    filled = int(round(fraction * width))
    return "█" * filled + "░" * (width - filled)


def join_names(names) -> str:
    return "、".join(names) if names else "—"


def relative_target(op: str, follows: str, followed: float | None = None, unit: str = "") -> str:
    """A relative target as what it follows (model.relative_target_text): "≥G1", and with the
    followed figure when it is known this quarter: "≥G1 7.1%"."""
    return relative_target_text(op, follows, "" if followed is None else f"{fmt_number(followed)}{unit}")


def progress_words(value: float, target, unit: str, kind: str, op: str, follows: str = "",
                   followed: float | None = None) -> tuple[float, str]:
    """(fraction of the target reached, '120/336个 36%') for a reported figure; a relative
    target reads as what it follows ('6.5%(目标≥G1 7.1%)')."""
    if kind == "relative":
        reached = 1.0 if not followed else value / followed if op != "<=" else (followed / value if value else 1.0)
        return reached, f"{fmt_number(value)}{unit}(目标{relative_target(op, follows, followed, unit)})"
    if kind == "cumulative" and target:
        fraction = value / target
        return fraction, f"{fmt_number(value)}/{fmt_number(target)}{unit} {fraction:.0%}"
    sign = "≤" if op == "<=" else "≥"
    fraction = (value / target) if target else 1.0
    if op == "<=":
        fraction = 1.0 if value <= target else target / value if value else 1.0
    return fraction, f"{fmt_number(value)}{unit}(目标{sign}{fmt_number(target)}{unit})"


def metric_segments(weakest: tuple, with_bar: bool = True) -> Segments:
    """█████░░░ 120/336个 36% for a line's weakest metric (evaluate.ItemLine.weakest)."""
    value, expected, state, target, unit, kind, op, follows = weakest
    if value is None:
        text = f"—/{relative_target(op, follows, expected, unit)}" if kind == "relative" else f"—/{fmt_number(target)}{unit}"
        return ((f"{'░' * 8} {text}" if with_bar else text, "dim"),)
    fraction, words = progress_words(value, target, unit, kind, op, follows, expected)
    return ((f"{bar(fraction)} {words}" if with_bar else words, STATE_STYLE[state]),)


def progress_segments(line, with_bar: bool = True) -> Segments:
    """The 进度 column of an evaluate.ItemLine: the weakest metric, or the
    reported status for items without metrics."""
    if line.weakest is None:
        reported = line.reported_status or "—"
        return ((reported, "dim" if line.reported_status is None else ""),)
    cell = metric_segments(line.weakest, with_bar)
    if line.metric_count > 1:
        cell += ((f" 等{line.metric_count}项", "dim"),)
    return cell
