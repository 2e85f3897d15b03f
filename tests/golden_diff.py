"""What changed between a golden JSON value and the actual one, one readable line per difference.

A golden test that fails names the cells, findings or figures that changed, not only that a hash
or a large structure differs.
"""

from __future__ import annotations

from typing import Any

#: Differences listed in a failure message; the rest are counted.
SHOWN = 40


def differences(expected: Any, actual: Any, where: str = "") -> list[str]:
    """Each place where `actual` differs from `expected`, as `path: expected → actual`."""
    if isinstance(expected, dict) and isinstance(actual, dict):
        found = []
        for key in [*expected, *(k for k in actual if k not in expected)]:
            path = f"{where} / {key}" if where else str(key)
            if key not in actual:
                found.append(f"{path}: missing (was {expected[key]!r})")
            elif key not in expected:
                found.append(f"{path}: new ({actual[key]!r})")
            else:
                found += differences(expected[key], actual[key], path)
        return found
    if isinstance(expected, list) and isinstance(actual, list):
        found = []
        for i, (e, a) in enumerate(zip(expected, actual, strict=False)):
            found += differences(e, a, f"{where}[{i}]")
        if len(expected) != len(actual):
            found.append(f"{where}: {len(expected)} items → {len(actual)} items")
        return found
    if expected != actual or type(expected) is not type(actual):
        return [f"{where}: {expected!r} → {actual!r}"]
    return []


def report(what: str, found: list[str]) -> str:
    """A failure message: how many differences, and the first `SHOWN` of them."""
    more = f"\n… and {len(found) - SHOWN} more" if len(found) > SHOWN else ""
    places = "1 place" if len(found) == 1 else f"{len(found)} places"
    return f"{what} changed in {places}:\n" + "\n".join(found[:SHOWN]) + more
