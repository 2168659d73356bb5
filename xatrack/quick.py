"""The way in (`xatrack` runs ``main`` here): the commands offices run most
(list, overdue, update) without Typer, everything else through the Typer app (cli.py).

Importing Typer and click costs about 25 ms, a fifth of a warm
`xatrack list --leader 洪声耀` at 10,000 tasks and more than the query itself
on the shipped plan. Offices run `list` and `overdue` many times a day, with
plain flags, and `update` whenever a unit reports. So ``main`` first reads
the command line itself when it is one of those followed only by its own
flags (QUICK: long names, ``--flag value`` or ``--flag=value``, ``-q value``
and ``-m value``; update's one id), each value non-empty and not starting
with ``-``, ``--action`` a number, no completion request. It then calls the
very function the Typer command calls (commands.py), with the values Typer
would pass.

Anything else goes to the Typer app, which then does all of it: another
command, --help, an unknown or misspelt flag, a missing value, a short flag
glued to its value. A query that raises an error goes there too (the quick
attempt prints nothing until it has the whole answer; its warnings are held
back and dropped, and the Typer command runs from the start and says it
all). `update` writes, so once its command line is read it is never run a
second time: its errors end it here exactly as cli.main ends a command
("错误:…", the error's exit code).
tests/test_quick.py runs generated command lines both ways and requires the
same output, error output and exit code, and checks QUICK against the Typer
commands' own options.
"""

from __future__ import annotations

import os
import sys

# command -> {flag: (parameter, kind)}; kind: "many" (a filter, repeatable: any of),
# "many-int" (--action), "one" (the last one given counts, as in click).
_FILTERS = {
    "--leader": ("leader", "many"),
    "--unit": ("unit", "many"),
    "--lead": ("lead", "many"),
    "--action": ("action", "many-int"),
    "--section": ("section", "many"),
    "--status": ("status", "many"),
    "--search": ("search", "many"),
}
_COMMON = {"--quarter": ("quarter", "one"), "-q": ("quarter", "one"), "--format": ("fmt", "one"), "--root": ("root", "one")}
QUICK = {
    "list": {**_FILTERS, **_COMMON},
    "overdue": {**_FILTERS, **_COMMON, "--by": ("by", "one")},
    "update": {
        "--done": ("done", "one"), "--metric": ("metric", "one"), "-m": ("metric", "one"),
        "--status": ("status", "one"), "--note": ("note", "one"), "--quarter": ("quarter", "one"),
        "-q": ("quarter", "one"), "--date": ("day", "one"), "--by": ("by", "one"),
        "--evidence": ("evidence", "many"), "--root": ("root", "one"), "--confirm": ("confirm", "flag"),
    },
}
ARGUMENT = {"update": "item_id"}  # the one positional argument a command takes


def parse(argv: list[str]):
    """(command, values) when the quick path can read ``argv``, else None."""
    if not argv or argv[0] not in QUICK:
        return None
    flags = QUICK[argv[0]]
    values: dict = {} if argv[0] in ARGUMENT else {"fmt": "term"}
    many: dict[str, list] = {}
    args = iter(argv[1:])
    for arg in args:
        if argv[0] in ARGUMENT and arg and not arg.startswith("-"):
            if ARGUMENT[argv[0]] in values:
                return None  # a second argument: Typer says what is wrong
            values[ARGUMENT[argv[0]]] = arg
            continue
        flag, glued, value = arg.partition("=")
        if flag not in flags or (glued and not flag.startswith("--")):
            return None
        if flags[flag][1] == "flag":  # an on/off option takes no value
            if glued:
                return None
            values[flags[flag][0]] = True
            continue
        if not glued:
            value = next(args, None)
            if value is None:
                return None
        if not value or value.startswith("-"):
            return None
        name, kind = flags[flag]
        if kind == "one":
            values[name] = value
            continue
        if kind == "many-int":
            if not (value.isascii() and value.isdigit()):
                return None
            value = int(value)
        many.setdefault(name, []).append(value)
    if "root" in values:
        from pathlib import Path

        values["root"] = Path(values["root"])
    if argv[0] in ARGUMENT:
        if ARGUMENT[argv[0]] not in values:
            return None
        values.update(many)
        return argv[0], values
    from xatrack.queries import Filters

    values["filters"] = Filters.of(**{name: many.get(name) for name, _ in _FILTERS.values()})
    return argv[0], values


def _completing() -> bool:
    return any(key.startswith("_") and key.endswith("_COMPLETE") for key in os.environ)


def _say(text: str, err: bool = False) -> None:
    """One line, flushed at once as click.echo does (so stdout and stderr keep their order in one pipe)."""
    stream = sys.stderr if err else sys.stdout
    stream.write(text + "\n")
    stream.flush()


def _record(values: dict) -> None:
    """`xatrack update` read by ``parse``: it writes, so it never goes back to Typer
    once started; errors end it as cli.main ends a command."""
    from xatrack import commands
    from xatrack.errors import XatrackError

    try:
        commands.update(
            values["item_id"], done=values.get("done"), metric=values.get("metric"), status=values.get("status"),
            note=values.get("note"), quarter=values.get("quarter"), day=values.get("day"), by=values.get("by"),
            evidence=values.get("evidence"), root=values.get("root"), warn=lambda message: _say(message, err=True),
            say=_say, confirm=values.get("confirm", False),
        )
    except XatrackError as error:
        _say(f"错误:{error.message}", err=True)
        sys.exit(error.exit_code)
    except KeyboardInterrupt:
        _say("已取消。", err=True)
        sys.exit(130)
    except BrokenPipeError:
        sys.stderr.close()
        sys.exit(0)


def run(argv: list[str]) -> tuple[str, list[str]] | None:
    """(what to print, warnings) of a query (list, overdue) the quick path can answer, else None."""
    if _completing():
        return None
    parsed = parse(argv)
    if parsed is None or parsed[0] not in ("list", "overdue"):
        return None
    command, values = parsed
    from xatrack import commands as querycmd

    warnings: list[str] = []
    try:
        if command == "list":
            text = querycmd.list_text(values["filters"], values.get("quarter"), values["fmt"], values.get("root"),
                                      warn=warnings.append)
        else:
            text = querycmd.overdue_text(values["filters"], values.get("quarter"), values.get("by"), values["fmt"],
                                         values.get("root"), warn=warnings.append)
    except Exception:  # the Typer command runs it all again and says what went wrong
        return None
    return text, warnings


def main(argv: list[str] | None = None) -> None:
    import gc

    gc.disable()  # as cli.main: a short-lived process whose objects form no cycles worth collecting
    args = sys.argv[1:] if argv is None else argv
    if args[:1] == ["update"] and not _completing():
        parsed = parse(args)
        if parsed is not None:
            _record(parsed[1])
            return
    try:
        answer = run(args)
    except KeyboardInterrupt:  # as cli.main
        sys.stderr.write("已取消。\n")
        sys.exit(130)
    if answer is None:
        from xatrack.cli import main as full

        full(args)
        return
    text, warnings = answer
    try:
        for warning in warnings:
            sys.stderr.write(warning + "\n")
        sys.stdout.write(text)
        sys.stdout.flush()
    except BrokenPipeError:  # `xatrack list | head`: as cli.main
        sys.stderr.close()
        sys.exit(0)
