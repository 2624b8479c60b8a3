"""Start-up time of the questionnaire and of `triage --help`, beside `python -c pass`.

Prints, from one run (the machine is shared, so the ratios matter most):
- the median time from starting `uv run triage` (the README's command, as a
  person types it) to its first question on screen, in a pseudo-terminal;
- the same for the very first run after a fresh install, before any bytecode
  cache: in a new environment made once by `uv sync` in a temporary folder,
  whose cache is emptied before each run;
- the same with the program's bytecode cache turned off
  (TRIAGE_NO_BYTECODE_CACHE=1, as in a read-only environment under
  PYTHONDONTWRITEBYTECODE), in that new environment too (else in this one,
  where some libraries may have been compiled by other means);
- the median time of `uv run triage --help` to finish;
- the same two through the installed script (`.venv/bin/triage`), which
  leaves out uv's own start;
- the median time of `python -c pass` and of `uv run python -c pass`,
  measured the same way in the same run, and each time as a ratio of
  `python -c pass`.

The environment is this one's: many machines and container images set
PYTHONDONTWRITEBYTECODE, under which the program keeps its own bytecode cache
in its virtual environment (see triage.use_bytecode_cache); whether it is set
is printed first. Every case runs once before the timed runs, so the timed
runs read the cache (but the first-run case, whose cache is emptied each time).

Targets (through `uv run`): first question within 0.4 s, `--help` within 0.15 s.

    uv run python benchmarks/bench_startup.py [--runs 15] [--check] [--no-first-run]

With --check the exit status is 1 when a median misses its target.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pexpect

ROOT = Path(__file__).resolve().parent.parent
FIRST_QUESTION = r"question 1(?!\d)"
TARGETS = {"uv help": 0.15, "uv first question": 0.40}
CACHE = Path("var", "cache", "backpain-triage")
"""The program's bytecode cache inside an environment (triage.BYTECODE_CACHE's top folder)."""


def _env(**extra: str) -> dict[str, str]:
    env = dict(os.environ, PROMPT_TOOLKIT_NO_CPR="1", TERM="xterm", **extra)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(ROOT), os.environ.get("PYTHONPATH")) if p)
    return env


def _triage_command() -> list[str]:
    """The installed `triage` script beside this Python, else `python -m triage`."""
    script = Path(sys.executable).parent / "triage"
    return [str(script)] if script.exists() else [sys.executable, "-m", "triage"]


def _spawn(argv: list[str], env: dict[str, str] | None = None) -> pexpect.spawn:
    return pexpect.spawn(argv[0], argv[1:], cwd=str(ROOT), env=env or _env(), dimensions=(40, 100),
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


def time_to_first_question(argv: list[str], env: dict[str, str] | None = None) -> float:
    start = time.perf_counter()
    child = _spawn(argv, env)
    try:
        child.expect(FIRST_QUESTION)
        elapsed = time.perf_counter() - start
        child.sendcontrol("c")
        child.expect(pexpect.EOF)
    finally:
        child.close(force=True)
    return elapsed


@contextmanager
def fresh_install(uv: str) -> Iterator[Path | None]:
    """A new environment for the project, made by `uv sync` in a temporary folder (None if it fails)."""
    with tempfile.TemporaryDirectory(prefix="triage-fresh-") as folder:
        prefix = Path(folder) / "env"
        done = subprocess.run([uv, "sync", "--frozen", "--no-dev", "--quiet"], cwd=ROOT, check=False,
                              env=dict(os.environ, UV_PROJECT_ENVIRONMENT=str(prefix)),
                              capture_output=True, text=True)
        if done.returncode != 0:
            print(f"(no first-run figure: uv sync failed: {done.stderr.strip()[:200]})")
            yield None
        else:
            yield prefix


def first_run(uv: str, prefix: Path, **extra: str) -> float:
    """`uv run triage` in the fresh environment, its bytecode cache emptied first."""
    shutil.rmtree(prefix / CACHE, ignore_errors=True)
    env = _env(UV_PROJECT_ENVIRONMENT=str(prefix), **extra)
    return time_to_first_question([uv, "run", "--no-dev", "--frozen", "triage"], env)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--check", action="store_true", help="exit 1 if a target is missed")
    parser.add_argument("--no-first-run", action="store_true",
                        help="leave out the first run after a fresh install (it needs `uv sync`)")
    args = parser.parse_args(argv)
    triage = _triage_command()
    uv = shutil.which("uv")
    if uv is None:
        raise SystemExit("uv is not on PATH; the README's commands start with `uv run`")
    print(f"PYTHONDONTWRITEBYTECODE={os.environ.get('PYTHONDONTWRITEBYTECODE', '')!r} "
          f"(the program keeps its own bytecode cache when it is set)")
    with fresh_install(uv) if not args.no_first_run else _nothing() as prefix:
        cases: dict[str, Callable[[], float]] = {
            "python -c pass": lambda: time_to_exit([sys.executable, "-c", "pass"]),
            "uv python": lambda: time_to_exit([uv, "run", "python", "-c", "pass"]),
            "uv help": lambda: time_to_exit([uv, "run", "triage", "--help"]),
            "uv first question": lambda: time_to_first_question([uv, "run", "triage"]),
            "uv no cache": lambda: time_to_first_question(
                [uv, "run", "triage"], _env(TRIAGE_NO_BYTECODE_CACHE="1")),
            "help": lambda: time_to_exit([*triage, "--help"]),
            "first question": lambda: time_to_first_question(triage),
        }
        if prefix is not None:  # both in an environment where nothing was ever compiled
            cases["uv first run"] = lambda: first_run(uv, prefix)
            cases["uv no cache"] = lambda: first_run(uv, prefix, TRIAGE_NO_BYTECODE_CACHE="1")
        medians = _measure(cases, args.runs)
    base = medians["python -c pass"]
    labels = {"python -c pass": "python -c pass", "uv python": "uv run python -c pass",
              "uv help": "uv run triage --help", "uv first question": "uv run triage: first question",
              "uv first run": "  the same, first run after install",
              "uv no cache": "  the same, bytecode cache off",
              "help": f"{Path(triage[0]).name} --help (no uv)",
              "first question": f"{Path(triage[0]).name}: first question (no uv)"}
    print(f"start-up, median of {args.runs} runs in a pseudo-terminal")
    missed = []
    for name, label in labels.items():
        if name not in medians:
            continue
        median = medians[name]
        line = f"  {label:<36} {median:6.3f} s"
        if name != "python -c pass":
            line += f"  {median / base:5.1f}x python -c pass"
        if name in TARGETS:
            verdict = "ok" if median <= TARGETS[name] else "MISSED"
            if verdict == "MISSED":
                missed.append(name)
            line += f"   target <= {TARGETS[name]:.2f} s: {verdict}"
        print(line)
    return 1 if args.check and missed else 0


@contextmanager
def _nothing() -> Iterator[None]:
    yield None


def _measure(cases: dict[str, Callable[[], float]], runs: int) -> dict[str, float]:
    times: dict[str, list[float]] = {name: [] for name in cases}
    for case in cases.values():
        case()  # warm the file cache, and fill the bytecode cache
    for _ in range(runs):
        for name, case in cases.items():  # interleaved, so noise falls on all alike
            times[name].append(case())
    return {name: statistics.median(values) for name, values in times.items()}


if __name__ == "__main__":
    sys.exit(main())
