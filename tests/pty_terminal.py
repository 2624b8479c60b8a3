"""The real program in a pseudo-terminal of a given size, its output kept for a screen emulator.

Shared by the tests that look at what is left on the screen (``pyte``) at 80 or 40 columns:
the clinic's closing lines, the demonstration's steps, Chinese screens. The ``terminals``
fixture (``tests/conftest.py``) ends every one a test opened.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pexpect
import pyte

ROOT = Path(__file__).resolve().parent.parent


class Terminal:
    """``python -m triage ARGS`` in a pseudo-terminal of ``rows`` x ``cols``. Its language comes
    from its arguments (``--lang``), not from this machine's ``LANG``."""

    def __init__(self, rows: int, cols: int, *args: str) -> None:
        env = dict(os.environ, PROMPT_TOOLKIT_NO_CPR="1", TERM="xterm", COLUMNS=str(cols), LINES=str(rows),
                   PYTHONPATH=os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]))
        for name in ("LANG", "LANGUAGE", "LC_ALL", "LC_MESSAGES"):
            env.pop(name, None)
        self.child = pexpect.spawn(sys.executable, ["-m", "triage", *args], cwd=str(ROOT), env=env,
                                   dimensions=(rows, cols), encoding="utf-8", timeout=15)
        self.rows, self.cols = rows, cols
        self.output = ""

    def wait(self, pattern: str) -> None:
        """Wait for ``pattern`` (a regular expression); what it did not see, if it never comes."""
        try:
            self.child.expect(pattern)
        except (pexpect.TIMEOUT, pexpect.EOF) as exc:
            raise AssertionError(f"did not see {pattern!r}:\n{(self.child.before or '')[-1500:]}") from exc
        self.output += (self.child.before or "") + str(self.child.after)

    def finish(self) -> int:
        """Wait for the program to end; its exit status."""
        self.child.expect(pexpect.EOF)
        self.output += self.child.before or ""
        self.child.close()
        return int(self.child.exitstatus or 0)

    def screen(self) -> list[str]:
        """The lines left on the emulated screen (a wide character in two cells, as pyte keeps it)."""
        return screen_of(self.output, self.rows, self.cols)

    def last_lines(self, n: int) -> list[str]:
        """The last ``n`` non-blank lines left on the emulated screen."""
        return [line for line in self.screen() if line.strip()][-n:]

    def close(self) -> None:
        if self.child.isalive():
            self.child.terminate(force=True)


def screen_of(output: str, rows: int, cols: int) -> list[str]:
    """What ``output`` leaves on a screen of ``rows`` x ``cols``, line by line."""
    shown = pyte.Screen(cols, rows)
    pyte.Stream(shown).feed(output.replace("\n", "\r\n").replace("\r\r\n", "\r\n"))
    return [line.rstrip() for line in shown.display]
