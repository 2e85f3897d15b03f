"""The command line speaks Swedish: every command's --help and argparse's own usage errors, as
an officer or an IT technician sees them."""

from __future__ import annotations

import io
import json
import os
import re
import subprocess
import sys
from pathlib import Path

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


def test_a_path_a_cp1252_console_cannot_print_is_escaped_in_strict_json(tmp_path: Path) -> None:
    book = tmp_path / "trasig\u202exslx.xlsx"
    book.write_bytes(b"inte en arbetsbok")
    code = "import sys; from avtalsbok.cli import main; sys.exit(main())"
    done = subprocess.run(
        [sys.executable, "-c", code, "check", str(book), "--json"],
        capture_output=True,
        env={**os.environ, "PYTHONIOENCODING": "cp1252"},
        timeout=120,
        check=False,
    )
    assert done.returncode == 2, done.stderr
    assert json.loads(done.stdout.decode("cp1252"))["book"] == str(book)


class _GoneReader(io.StringIO):
    """Output whose reader went away, as `avtalsbok check … | head` leaves it."""

    def write(self, text: str) -> int:
        raise BrokenPipeError(32, "Broken pipe")


def test_output_read_only_in_part_ends_quietly(tmp_path: Path) -> None:
    book = tmp_path / "avtal.xlsx"
    assert main(["new", str(book)], out=io.StringIO()) == 0
    assert main(["check", str(book), "--json"], out=_GoneReader()) == 1
