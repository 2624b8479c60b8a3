"""Every rule's examples run: answers that fire it, and answers that must not."""

from __future__ import annotations

from typing import Any

import pytest

from triage import check, loader
from triage.answers import example_facts
from triage.engine import engine_for

KB = loader.load()
ENGINE = engine_for(KB)
CASES = [
    pytest.param(rule.id, example, expected, id=f"{rule.id}-{'fires' if expected else 'not'}-{n}")
    for rule in KB.rules
    for expected, group in ((True, rule.examples.fires), (False, rule.examples.does_not_fire))
    for n, example in enumerate(group, start=1)
]


@pytest.mark.parametrize(("rule_id", "example", "fires"), CASES)
def test_example(rule_id: str, example: dict[str, Any], fires: bool) -> None:
    evaluation = ENGINE.evaluate(*example_facts(KB, example))
    assert (rule_id in evaluation.fired) is fires


@pytest.mark.parametrize("rule", [pytest.param(r, id=r.id) for r in KB.rules])
def test_every_rule_has_examples(rule: Any) -> None:
    assert rule.examples.fires, f"rule {rule.id} has no example that fires it"
    if not check.always_holds(rule.when):
        assert rule.examples.does_not_fire, f"rule {rule.id} has no example that must not fire it"


def test_check_is_clean_on_the_shipped_knowledge_base() -> None:
    assert check.lint(KB) == []


@pytest.mark.parametrize("rule", [pytest.param(r, id=r.id) for r in KB.rules])
def test_every_rule_explains_itself(rule: Any) -> None:
    assert len(rule.because.split()) >= 5
    cited = {s.id for s in KB.sources}
    assert rule.source and set(rule.source) <= cited
