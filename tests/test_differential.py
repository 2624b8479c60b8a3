"""The engine derives exactly what a direct evaluation of the same rules does.

Run here, and again in subprocesses under several PYTHONHASHSEED values,
because experta's agenda order depends on hashing.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from strategies import answer_sets

from triage import flow, loader
from triage.engine import Engine, engine_for
from triage.models import KnowledgeBase, Rule
from triage.reference import Reference

KB = loader.load()
ENGINE = engine_for(KB)
REFERENCE = Reference(KB)
ROOT = Path(__file__).resolve().parent.parent

# The same knowledge base plus a stopping rule with a negation: the flow can
# no longer read the stop from one evaluation and walks answer by answer.
NON_MONOTONE = KB.model_copy(update={"rules": (*KB.rules, Rule.model_validate({
    "id": "probe_stop_unless_older", "because": "b", "source": ["clinical_consensus"], "then": {"level": "emergency"},
    "when": {"all": [{"question": "fever", "operator": "=", "answer": True},
                     {"not": {"question": "age", "operator": ">", "answer": 60}}]}}))})
NON_MONOTONE_ENGINE = Engine(NON_MONOTONE)


def test_both_ways_of_walking_are_exercised() -> None:
    assert ENGINE.stops_are_monotone
    assert not NON_MONOTONE_ENGINE.stops_are_monotone


@settings(max_examples=int(os.environ.get("DIFFERENTIAL_EXAMPLES", "300")), deadline=None)
@given(answer_sets(KB))
def test_engine_equals_direct_evaluation(answers: dict[str, Any]) -> None:
    evaluation = ENGINE.evaluate(answers)
    fired = REFERENCE.fired(answers)
    assert evaluation.fired == fired
    assert evaluation.level == REFERENCE.level(KB, fired)


@pytest.mark.parametrize(("kb", "engine"), [
    pytest.param(KB, ENGINE, id="monotone-stops"),
    pytest.param(NON_MONOTONE, NON_MONOTONE_ENGINE, id="negated-stop"),
])
@settings(max_examples=150, deadline=None)
@given(answers=answer_sets(KB))
def test_batch_flow_equals_interactive_flow(
    kb: KnowledgeBase, engine: Engine, answers: dict[str, Any]
) -> None:
    """`triage assess` stops where a person at the terminal would, whichever way it walks."""
    batch = flow.simulate(kb, engine, answers)
    interview = flow.Interview(kb, engine)
    while interview.current is not None:
        qid = interview.current.id
        if qid in answers:
            interview.answer(answers[qid])
        else:
            interview.skip()
    interactive = interview.flow_result()
    assert batch.asked == interactive.asked
    assert batch.stopped_early == interactive.stopped_early
    assert batch.evaluation.level == interactive.evaluation.level
    assert batch.evaluation.fired == interactive.evaluation.fired


@pytest.mark.slow
@pytest.mark.parametrize("seed", ["0", "1", "2", "3"])
def test_under_hash_seed(seed: str) -> None:
    env = {**os.environ, "PYTHONHASHSEED": seed, "DIFFERENTIAL_EXAMPLES": "150"}
    proc = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-x",
         f"{Path(__file__).name}::test_engine_equals_direct_evaluation",
         f"{Path(__file__).name}::test_batch_flow_equals_interactive_flow"],
        cwd=Path(__file__).parent, env=env, capture_output=True, text=True, timeout=600, check=False,
    )
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-2000:]
    assert "3 passed" in proc.stdout
