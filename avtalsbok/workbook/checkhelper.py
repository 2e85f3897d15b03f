"""The parts of a large save checked in a helper process, on the machine's other core.

The file-format layer checks each new part of a save before the part goes into the book
(`ooxml.partcheck`), in the writing process unless it is given another checker. For a save that
rewrites many megabytes that check is worth moving beside the writer: `part_checker` starts
`partcheck` as a helper program (`python -I -S …/ooxml/partcheck.py`), hands it each part as
soon as it is packed, from a thread of its own so rendering never waits, and reads its one
answer once the last part is written. A helper that cannot start leaves the check here.
"""

from __future__ import annotations

import queue
import subprocess
import sys
import threading

from ..ooxml import CheckHere, OoxmlError, PartChecker, partcheck
from ..ooxml.checking import problem_error
from ..ooxml.packing import Blob

#: Unpacked bytes of the sheets a save rewrites from which each new part is checked in a helper
#: process while the next one is rendered (below it, starting one costs more than it saves).
CHECK_BESIDE_FROM = 8 * 1024 * 1024
#: Seconds the helper may take, after the last part, to answer.
_CHECK_TIMEOUT = 600


def part_checker(rewritten: int) -> PartChecker:
    """The checker for a save that rewrites `rewritten` unpacked bytes of sheets."""
    if rewritten >= CHECK_BESIDE_FROM and sys.executable:
        try:
            return HelperChecker()
        except OSError:
            pass  # checked here instead
    return CheckHere()


class HelperChecker:
    """Checks each part in a helper process (raises OSError when none can be started)."""

    def __init__(self) -> None:
        self._helper: subprocess.Popen[bytes] | None = subprocess.Popen(
            [sys.executable, "-I", "-S", partcheck.__file__],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            creationflags=getattr(subprocess, "CREATE_NO_WINDOW", 0),
        )
        self._queue: queue.SimpleQueue[tuple[str, Blob] | None] = queue.SimpleQueue()
        self._feeder: threading.Thread | None = threading.Thread(
            target=self._feed, args=(self._helper,), name="avtalsbok-check", daemon=True
        )
        self._feeder.start()

    def check(self, name: str, blob: Blob) -> None:
        self._queue.put((name, blob))

    def _feed(self, helper: subprocess.Popen[bytes]) -> None:
        assert helper.stdin is not None
        lost = False
        while (item := self._queue.get()) is not None:
            if lost:
                continue
            name, blob = item
            try:
                helper.stdin.write(
                    partcheck.frame(name, blob.stream, blob.method, blob.crc, blob.size)
                )
                helper.stdin.write(blob.stream)
            except OSError:
                lost = True

    def result(self) -> None:
        helper, feeder = self._helper, self._feeder
        self._helper = self._feeder = None
        if helper is None or feeder is None:
            raise OoxmlError("check-lost")  # asked twice, or after `stop`
        self._queue.put(None)
        feeder.join()
        try:
            answer, _ = helper.communicate(timeout=_CHECK_TIMEOUT)
        except (OSError, ValueError, subprocess.TimeoutExpired):
            helper.kill()
            helper.wait()
            answer = b""
        try:
            problem = partcheck.read_answer(answer)
        except ValueError:
            raise OoxmlError("check-lost") from None
        if problem is not None:
            raise problem_error(problem)
        if helper.returncode != 0:
            raise OoxmlError("check-lost")

    def stop(self) -> None:
        helper, feeder = self._helper, self._feeder
        self._helper = self._feeder = None
        if helper is not None and feeder is not None:
            helper.kill()
            self._queue.put(None)
            feeder.join()
            helper.wait()
