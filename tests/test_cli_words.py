"""The command line speaks Swedish: every command's --help and argparse's own usage errors, as
an officer or an IT technician sees them."""

from __future__ import annotations

import re

import pytest

from avtalsbok.cli import build_parser, main

#: argparse's English words, and the placeholders it makes from our argument names.
ENGLISH = re.compile(
    r"usage:|positional arguments|options:|show this help|required:|invalid choice|"
    r"unrecognized|expected one|\b(path|dir|TODAY|WORKERS|CONTRACTS|DAYS|COMMAND)\b"
)


def commands() -> list[str]:
    parser = build_parser()
    sub = next(a for a in parser._actions if a.dest == "command")
    return ["", *sorted(sub.choices)]  # type: ignore[arg-type]


@pytest.mark.parametrize("command", commands())
def test_every_commands_help_is_swedish(command: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as done:
        main([*filter(None, [command]), "--help"])
    assert done.value.code == 0
    text = capsys.readouterr().out
    assert text.startswith("användning: avtalsbok")
    assert ENGLISH.search(text) is None, ENGLISH.search(text)


@pytest.mark.parametrize(
    ("argv", "said"),
    [
        (["katalog", "bok.xlsx"], "fel: -o/--output saknas"),
        (["check"], "fel: FIL saknas"),
        (["check", "bok.xlsx", "--bogus"], "fel: okända argument: --bogus"),
        (["ocds", "bok.xlsx", "-o"], "fel: argument -o/--output: ett värde behövs"),
        (["nope"], "fel: argument KOMMANDO: ogiltigt val: 'nope' (välj bland 'new'"),
    ],
)
def test_usage_errors_are_swedish_and_exit_2(
    argv: list[str], said: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as done:
        main(argv)
    assert done.value.code == 2
    err = capsys.readouterr().err
    assert said in err and ENGLISH.search(err) is None
