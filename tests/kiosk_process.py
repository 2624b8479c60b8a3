"""The real `triage serve`, in a subprocess on 127.0.0.1: for the tests of how it listens and stops.

:func:`running` starts it on a free port (``--port 0``, the port it prints) with the options given,
waits for its "Serving the questionnaire at ..." line and yields a :class:`Kiosk` to reach it (at
127.0.0.1, whatever address it listens on);
:func:`stop` ends it by a signal and returns what it printed. Every wait is bounded.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

ROOT = Path(__file__).resolve().parent.parent
SERVING = re.compile(r"(https?)://(?:\[[0-9a-f:.]+\]|[^:/\s]+):([0-9]+)/")
START_SECONDS = 30.0
STOP_SECONDS = 30.0


@dataclass
class Kiosk:
    """A running `triage serve`: its process, its address, and what it has written to stderr so far."""

    process: subprocess.Popen[str]
    base: str
    port: int
    serving_line: str
    _err: list[str] = field(default_factory=list)
    _reader: threading.Thread | None = None

    def err(self) -> str:
        """What it has written to stderr so far (all of it, once it has stopped)."""
        if self.process.poll() is not None and self._reader is not None:
            self._reader.join(timeout=5)
        return "".join(self._err)


def environment() -> dict[str, str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "LANGUAGE": "en"}
    env.pop("TRIAGE_DEBUG", None)
    return env


def command(*options: str, open_files: int | None = None) -> list[str]:
    """`triage serve OPTIONS`; with ``open_files``, in a process that may open only that many files."""
    serve = [sys.executable, "-m", "triage", "serve", *options]
    if open_files is None:
        return serve
    return ["sh", "-c", 'ulimit -n "$0" && exec "$@"', str(open_files), *serve]


@contextmanager
def running(*options: str, open_files: int | None = None) -> Iterator[Kiosk]:
    """`triage serve --port 0 OPTIONS` until the ``with`` block ends (then killed if still running)."""
    process = subprocess.Popen(command("--port", "0", *options, open_files=open_files), cwd=ROOT,
                               env=environment(), text=True, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert process.stdout is not None and process.stderr is not None
    stderr = process.stderr
    err: list[str] = []
    reader = threading.Thread(target=lambda: err.extend(iter(stderr.readline, "")), daemon=True)
    reader.start()  # stderr read as it comes, so a talkative server never blocks on a full pipe
    try:
        line = first_line(process.stdout)
        found = SERVING.search(line)
        assert found is not None, f"no address in {line!r}; stderr: {''.join(err)[:2000]}"
        port = int(found.group(2))
        yield Kiosk(process, f"{found.group(1)}://127.0.0.1:{port}", port, line.strip(), err, reader)
    finally:
        if process.poll() is None:
            process.kill()
        process.wait(timeout=STOP_SECONDS)
        reader.join(timeout=5)
        process.stdout.close()
        stderr.close()


def first_line(stream: IO[str]) -> str:
    """The first line of ``stream``, within :data:`START_SECONDS`."""
    box: list[str] = []
    reader = threading.Thread(target=lambda: box.append(stream.readline()), daemon=True)
    reader.start()
    reader.join(START_SECONDS)
    assert box, "the kiosk did not say where it serves in time"
    return box[0]


def stop(kiosk: Kiosk, how: signal.Signals = signal.SIGTERM) -> tuple[int, str, str]:
    """Send ``how`` and wait for the end: the exit status, the rest of stdout, and all of stderr."""
    kiosk.process.send_signal(how)
    status = kiosk.process.wait(timeout=STOP_SECONDS)
    assert kiosk.process.stdout is not None
    return status, kiosk.process.stdout.read(), kiosk.err()
