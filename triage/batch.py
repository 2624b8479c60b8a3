"""``triage assess`` over many files: each file through the one pipeline, on every core.

Each answers file is read (:func:`triage.answers.load`), assessed
(:func:`triage.pipeline.assess`, or what-if) and written as text or JSON,
independently of the others. With many files, worker processes share them out
in runs of consecutive files: on Linux they are forked once the knowledge base
is loaded and compiled, so each starts with it, and their outputs are printed
in the files' order, exactly as one process prints them. A worker ignores
Ctrl-C, which reaches this process; few files, or a system without ``fork``,
are assessed here alone (starting workers would cost more than they save).
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import sys
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from triage import answers, pipeline, render, whatif
from triage.engine import Engine
from triage.errors import Problem, TriageError, escape
from triage.models import KnowledgeBase
from triage.paths import display

Format = Literal["text", "json"]

PARALLEL_FROM = 64
"""Files from which workers are started: below it, one process is quicker."""
RUNS_PER_WORKER = 4
"""Runs of files per worker: a worker that finishes early takes another run."""


@dataclass(frozen=True)
class Job:
    """What every file is assessed with."""

    kb: KnowledgeBase
    engine: Engine
    format: Format
    changes: tuple[whatif.Change, ...] = ()
    titled: bool = False
    """Each file's text output starts with its name (when there are several)."""


@dataclass(frozen=True)
class Outcome:
    """One file's output, or the problems that kept it from being read."""

    output: str
    problems: tuple[Problem, ...] = ()


def assess_file(job: Job, path: Path) -> Outcome:
    name = display(path)
    try:
        given = answers.load(job.kb, path, name)
    except TriageError as exc:
        return Outcome("", tuple(exc.problems))
    title = f"== {escape(name)}\n" if job.titled and job.format == "text" else ""
    if job.changes:
        what = whatif.run(job.kb, job.engine, given, job.changes, name)
        return Outcome(what.to_json() + "\n" if job.format == "json" else title + whatif.text(job.kb, what))
    result = pipeline.assess(job.kb, given, source=name, engine=job.engine)
    if job.format == "json":
        return Outcome(result.to_json() + "\n")
    return Outcome(title + render.plain(job.kb, result) + "\n")


_WORKERS_JOB: dict[str, Job] = {}
"""The job of this process's workers, under ``job``: set before they are forked, so that each
inherits it."""


def _quiet() -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is this process's to handle


def _assess_run(paths: Sequence[Path]) -> list[Outcome]:
    job = _WORKERS_JOB["job"]  # set before the workers were forked
    return [assess_file(job, path) for path in paths]


def workers_for(files: int) -> int:
    """How many worker processes: one per core, none for few files or without ``fork``."""
    if files < PARALLEL_FROM or "fork" not in multiprocessing.get_all_start_methods():
        return 0
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    return min(cores, files // (PARALLEL_FROM // 2)) if cores > 1 else 0


def runs(paths: Sequence[Path], count: int) -> list[Sequence[Path]]:
    """``paths`` cut into ``count`` runs of consecutive files, as even as can be, none empty."""
    count = max(1, min(count, len(paths)))
    size, extra = divmod(len(paths), count)
    out, start = [], 0
    for i in range(count):
        end = start + size + (1 if i < extra else 0)
        out.append(paths[start:end])
        start = end
    return out


def assess_all(job: Job, paths: Sequence[Path], workers: int | None = None) -> Iterator[Outcome]:
    """Every file's outcome, in the files' order."""
    workers = workers_for(len(paths)) if workers is None else workers
    if workers <= 1:
        yield from (assess_file(job, path) for path in paths)
        return
    _WORKERS_JOB["job"] = job
    try:
        context = multiprocessing.get_context("fork")
        with context.Pool(workers, initializer=_quiet) as pool:
            for outcomes in pool.imap(_assess_run, runs(paths, workers * RUNS_PER_WORKER)):
                yield from outcomes
    finally:
        _WORKERS_JOB.clear()


def write(outcomes: Iterator[Outcome]) -> bool:
    """Print each output (problems on standard error) as it comes; True when every file was read."""
    from triage.errors import report

    read = True
    out = sys.stdout
    for outcome in outcomes:
        if outcome.problems:
            read = False
            out.flush()
            for line in report(outcome.problems):
                print(line, file=sys.stderr)
        out.write(outcome.output)
    return read
