"""Speed of assessments, as ratios measured in one run (the machine is shared).

Prints:
- the median time of one full assessment (the questionnaire's flow with
  ask-conditions and emergency stop, a fresh evaluation, the explained
  result) with the whole knowledge base;
- the throughput of `triage assess` over 1,000 generated answers files in
  one process (start-up included);
- each beside a direct Python evaluation of the same rules and flow
  (triage.reference), as a ratio.

Targets on a 2-core machine: an assessment within 3 times the direct
evaluation's time (median), and the batch at least 600 answer sets per second
(it shares the files out to a worker per core; see triage.batch).

    uv run python benchmarks/bench_engine.py [--sets 1000] [--seed 7]
"""

from __future__ import annotations

import argparse
import random
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, assert_never

import yaml

from triage import conditions, flow, loader, pipeline
from triage.engine import engine_for
from triage.models import AnswerValue, KnowledgeBase, Question, then_stops
from triage.reference import Reference

TARGET_RATIO, TARGET_RATE = 3.0, 600.0


def random_value(question: Question, rng: random.Random) -> AnswerValue:
    match question.type:
        case "yes_no":  # most people say no to most questions
            choices: list[AnswerValue] = [False, True, "not_sure"]
            return rng.choices(choices, weights=[80, 15, 5])[0]
        case "number" | "scale":
            low, high = question.bounds
            return rng.randint(max(low, 16) if question.id == "age" else low, high)
        case "choice":
            return rng.choice(question.option_ids)
        case "multi":
            return tuple(o for o in question.option_ids if rng.random() < 0.3)
        case _:
            assert_never(question.type)


def answer_sets(kb: KnowledgeBase, n: int, seed: int) -> list[dict[str, AnswerValue]]:
    rng = random.Random(seed)
    return [{q.id: random_value(q, rng) for q in kb.questions if rng.random() < 0.95} for _ in range(n)]


def direct_assessment(kb: KnowledgeBase, ref: Reference, given: dict[str, AnswerValue]) -> str:
    """The same flow and rules, evaluated directly in Python."""
    stopping = [r for r in kb.rules if then_stops(r.then)]
    used: dict[str, AnswerValue] = {}
    asked: list[str] = []
    for question, condition, _ in flow.asking(kb):  # the checklist: only caution rules read it
        if condition is not None and not conditions.holds(condition, used):
            continue
        asked.append(question.id)
        if question.id in given:
            used[question.id] = given[question.id]
            if any(conditions.holds(r.when, used, set()) for r in stopping):
                break
    return ref.level(kb, ref.fired(used, flow.unanswered(asked, used)))


def median_ms(fn: Callable[[dict[str, AnswerValue]], Any], sets: list[dict[str, AnswerValue]]) -> float:
    times = []
    for answers in sets:
        start = time.perf_counter()
        fn(answers)
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sets", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()

    kb = loader.load()
    engine = engine_for(kb)
    ref = Reference(kb)
    sets = answer_sets(kb, args.sets, args.seed)

    def engine_assessment(answers: dict[str, AnswerValue]) -> str:
        return pipeline.assess(kb, answers, source="bench", engine=engine).level

    # Same answers, same order, both measured now; warm up first.
    for answers in sets[:50]:
        engine_assessment(answers)
        direct_assessment(kb, ref, answers)
    mismatches = sum(engine_assessment(a) != direct_assessment(kb, ref, a) for a in sets)
    engine_ms = median_ms(engine_assessment, sets)
    direct_ms = median_ms(lambda a: direct_assessment(kb, ref, a), sets)

    with tempfile.TemporaryDirectory() as tmp:
        files = []
        for i, answers in enumerate(sets):
            path = Path(tmp) / f"a{i:04d}.yaml"
            plain = {k: list(v) if isinstance(v, tuple) else v for k, v in answers.items()}
            path.write_text(yaml.safe_dump(plain), encoding="utf-8")
            files.append(str(path))
        start = time.perf_counter()
        proc = subprocess.run([sys.executable, "-m", "triage", "assess", *files, "--format", "json"],
                              capture_output=True, text=True, check=True)
        batch_s = time.perf_counter() - start
        assert len(proc.stdout.splitlines()) == len(files)
    start = time.perf_counter()
    for answers in sets:
        direct_assessment(kb, ref, answers)
    direct_batch_s = time.perf_counter() - start

    rate = len(sets) / batch_s
    direct_rate = len(sets) / direct_batch_s
    print(f"knowledge base {kb.version}: {len(kb.questions)} questions, {len(kb.rules)} rules; "
          f"{len(sets)} generated answer sets (seed {args.seed})")
    print(f"{'measure':<44}{'engine':>12}{'direct':>12}{'ratio':>8}{'target':>12}")
    ratio = engine_ms / direct_ms
    print(f"{'one full assessment, median (ms)':<44}{engine_ms:>12.2f}{direct_ms:>12.2f}"
          f"{ratio:>8.1f}{'<= 3x':>12}  {'ok' if ratio <= TARGET_RATIO else 'MISSED'}")
    print(f"{'batch via triage assess (assessments/s)':<44}{rate:>12.0f}{direct_rate:>12.0f}"
          f"{direct_rate / rate:>8.1f}{'>= 600':>12}  {'ok' if rate >= TARGET_RATE else 'MISSED'}")
    print(f"levels that differ between engine and direct evaluation: {mismatches}")


if __name__ == "__main__":
    main()
