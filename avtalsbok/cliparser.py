"""The command line's argument parser, in Swedish: argparse's own words (usage, headings, the
help option, its error messages) and the placeholders of arguments that name none, with exit
code 2 for every usage error."""

from __future__ import annotations

import argparse
import re
import sys
from typing import Any

EXIT_USAGE = 2

#: Placeholder of an argument that names none, by its destination.
_METAVARS = {
    "path": "FIL",
    "dir": "MAPP",
    "today": "ÅÅÅÅ-MM-DD",
    "workers": "ANTAL",
    "contracts": "ANTAL",
    "days": "DAGAR",
}

#: argparse's error messages (Python 3.11–3.13) → Swedish, tried in order.
_ERRORS = (
    (r"the following arguments are required: (.*)", r"\1 saknas"),
    (r"one of the arguments (.*) is required", r"ett av argumenten \1 krävs"),
    (r"unrecognized arguments: (.*)", r"okända argument: \1"),
    (r"ambiguous option: (\S+) could match (.*)", r"\1 är tvetydigt: det kan vara \2"),
    (r"(.*)invalid choice: (.*) \(choose from (.*)\)", r"\1ogiltigt val: \2 (välj bland \3)"),
    (r"(.*)invalid (\w+) value: (.*)", r"\1ogiltigt värde: \3"),
    (r"(.*)expected one argument", r"\1ett värde behövs"),
    (r"(.*)expected at least one argument", r"\1minst ett värde behövs"),
    (r"(.*)expected at most one argument", r"\1högst ett värde får anges"),
    (r"(.*)not allowed with argument (.*)", r"\1går inte ihop med \2"),
    (r"(.*)ignored explicit argument (.*)", r"\1tar inget värde: \2"),
)


class _Formatter(argparse.HelpFormatter):
    def add_usage(self, usage: Any, actions: Any, groups: Any, prefix: str | None = None) -> None:
        super().add_usage(usage, actions, groups, "användning: " if prefix is None else prefix)


class Parser(argparse.ArgumentParser):
    """argparse that speaks Swedish; a usage error prints the usage and exits 2."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("formatter_class", _Formatter)
        super().__init__(*args, **kwargs)
        self._positionals.title = "argument"
        self._optionals.title = "val"
        for action in self._actions:
            if isinstance(action, argparse._HelpAction):
                action.help = "visa den här hjälpen och avsluta"

    def add_argument(self, *args: Any, **kwargs: Any) -> argparse.Action:
        action = super().add_argument(*args, **kwargs)
        if action.metavar is None and action.dest in _METAVARS and action.nargs != 0:
            action.metavar = _METAVARS[action.dest]
        return action

    def error(self, message: str) -> Any:
        self.print_usage(sys.stderr)
        self.exit(EXIT_USAGE, f"avtalsbok: fel: {swedish(message)}\n")


def swedish(message: str) -> str:
    """An argparse error message in Swedish (one we do not know stays as it is)."""
    for pattern, replacement in _ERRORS:
        if re.fullmatch(pattern, message, flags=re.DOTALL):
            return re.sub(pattern, replacement, message, count=1, flags=re.DOTALL)
    return message
