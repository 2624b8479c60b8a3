"""Start-up time of the questionnaire and of `triage --help`, beside `python -c pass`.

Prints, from one run (the machine is shared, so the ratios matter most):
- the median time from starting `uv run triage` (the README's command, as a
  person types it) to its first question on screen, in a pseudo-terminal;
- the median time of `uv run triage --help` to finish;
- the same two through the installed script (`.venv/bin/triage`), which
  leaves out uv's own start;
- the median time of `python -c pass` and of `uv run python -c pass`,
  measured the same way in the same run, and each time as a ratio of
  `python -c pass`.

Targets (through `uv run`): first question within 0.4 s, `--help` within 0.15 s.

    uv run python benchmarks/bench_startup.py [--runs 15] [--check]

With --check the exit status is 1 when a median misses its target.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pexpect

ROOT = Path(__file__).resolve().parent.parent
FIRST_QUESTION = r"question 1(?!\d)"
TARGETS = {"uv help": 0.15, "uv first question": 0.40}


def _env() -> dict[str, str]:
    env = dict(os.environ, PROMPT_TOOLKIT_NO_CPR="1", TERM="xterm")
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(ROOT), os.environ.get("PYTHONPATH")) if p)
    return env


def _triage_command() -> list[str]:
    """The installed `triage` script beside this Python, else `python -m triage`."""
    script = Path(sys.executable).parent / "triage"
    return [str(script)] if script.exists() else [sys.executable, "-m", "triage"]


def _spawn(argv: list[str]) -> pexpect.spawn:
    return pexpect.spawn(argv[0], argv[1:], cwd=str(ROOT), env=_env(), dimensions=(40, 100),
                         encoding="utf-8", timeout=20)


def time_to_exit(argv: list[str]) -> float:
    start = time.perf_counter()
    child = _spawn(argv)
    child.expect(pexpect.EOF)
    elapsed = time.perf_counter() - start
    child.close()
    if child.exitstatus != 0:
        raise SystemExit(f"{' '.join(argv)} exited with {child.exitstatus}")
    return elapsed


def time_to_first_question(argv: list[str]) -> float:
    start = time.perf_counter()
    child = _spawn(argv)
    try:
        child.expect(FIRST_QUESTION)
        elapsed = time.perf_counter() - start
        child.sendcontrol("c")
        child.expect(pexpect.EOF)
    finally:
        child.close(force=True)
    return elapsed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--check", action="store_true", help="exit 1 if a target is missed")
    args = parser.parse_args(argv)
    triage = _triage_command()
    uv = shutil.which("uv")
    if uv is None:
        raise SystemExit("uv is not on PATH; the README's commands start with `uv run`")
    cases: dict[str, Callable[[], float]] = {
        "python -c pass": lambda: time_to_exit([sys.executable, "-c", "pass"]),
        "uv python": lambda: time_to_exit([uv, "run", "python", "-c", "pass"]),
        "uv help": lambda: time_to_exit([uv, "run", "triage", "--help"]),
        "uv first question": lambda: time_to_first_question([uv, "run", "triage"]),
        "help": lambda: time_to_exit([*triage, "--help"]),
        "first question": lambda: time_to_first_question(triage),
    }
    times: dict[str, list[float]] = {name: [] for name in cases}
    for case in cases.values():
        case()  # warm the file cache
    for _ in range(args.runs):
        for name, case in cases.items():  # interleaved, so noise falls on all alike
            times[name].append(case())
    medians = {name: statistics.median(values) for name, values in times.items()}
    base = medians["python -c pass"]
    labels = {"python -c pass": "python -c pass", "uv python": "uv run python -c pass",
              "uv help": "uv run triage --help", "uv first question": "uv run triage: first question",
              "help": f"{Path(triage[0]).name} --help (no uv)",
              "first question": f"{Path(triage[0]).name}: first question (no uv)"}
    print(f"start-up, median of {args.runs} runs in a pseudo-terminal")
    missed = []
    for name, median in medians.items():
        line = f"  {labels[name]:<34} {median:6.3f} s"
        if name != "python -c pass":
            line += f"  {median / base:5.1f}x python -c pass"
        if name in TARGETS:
            verdict = "ok" if median <= TARGETS[name] else "MISSED"
            if verdict == "MISSED":
                missed.append(name)
            line += f"   target <= {TARGETS[name]:.2f} s: {verdict}"
        print(line)
    return 1 if args.check and missed else 0


if __name__ == "__main__":
    sys.exit(main())
