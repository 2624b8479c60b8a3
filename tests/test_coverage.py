"""Guideline coverage: every item of the lists the contract relies on is caught at its tier.

Each item of ``rules/coverage.yaml`` is played alone (its answers, every other
yes/no No, at each of its ages) through the questionnaire's flow and must
reach at least its tier; without any one of the rules it names, it must fall
below that tier, so every named rule is needed and the catalogue stays true.
The lists themselves are checked against the contract's sources: the NHS
page's 999 and urgent lists item by item, as transcribed here by hand.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest

from triage import coverage, loader
from triage.engine import Engine
from triage.models import CoverageItem, rank

KB = loader.load()
CAUGHT = coverage.caught(KB)

NHS_999 = {  # NHS website, Back pain: "Call 999 or go to A&E if you have back pain and ..."
    "pain, tingling, weakness or numbness in both legs": "both_legs_symptoms",
    "numbness or tingling around your genitals or buttocks": "saddle_numbness",
    "difficulty peeing": "bladder_bowel_change",
    "loss of bladder or bowel control": "bladder_bowel_change",
    "chest pain": "chest_symptoms",
    "it started after a serious accident, such as a car accident": "recent_trauma",
}
NHS_111 = {  # "Ask for an urgent GP appointment or call 111 if you have back pain and ..."
    "a high temperature": "fever",
    "you've lost weight without trying to": "unexplained_weight_loss",
    "there's a lump or swelling in your back or your back has changed shape": "back_lump_or_shape_change",
    "the pain does not improve after resting or is worse at night": "night_pain",
    "the pain is made worse when sneezing, coughing or pooing": "worse_cough_sneeze",
    "the pain is coming from the top of your back, rather than your lower back": "pain_location",
}
CONTRACT_SOURCES = ("nhs_back_pain", "girft_cauda_equina_2023", "nice_ng234", "finucane_2020", "nice_ng12",
                    "nhs_aortic_dissection", "nhs_back_pain_pregnancy")


def _item_param(item: CoverageItem) -> Any:
    return pytest.param(item, id=item.id)


@pytest.mark.parametrize("item", [_item_param(i) for i in CAUGHT])
def test_item_alone_reaches_its_tier_at_every_age(item: CoverageItem) -> None:
    for played in coverage.play(KB, item):
        assert rank(played.level) <= rank(item.tier), (item.id, played.age, played.level)
        assert set(item.rules) <= played.fired, (item.id, played.age)


@pytest.mark.parametrize(
    ("item", "rule_id"),
    [pytest.param(item, rid, id=f"{item.id}-without-{rid}") for item in CAUGHT for rid in item.rules],
)
def test_without_a_named_rule_the_item_falls_below_its_tier(item: CoverageItem, rule_id: str) -> None:
    without = KB.model_copy(update={"rules": tuple(r for r in KB.rules if r.id != rule_id)})
    levels = [played.level for played in coverage.play(without, item, Engine(without))]
    assert any(rank(level) > rank(item.tier) for level in levels), (
        f"{item.id} still reaches {item.tier} without {rule_id}: name only the rules it needs")


def test_every_item_is_caught_or_says_why_not() -> None:
    for item in KB.coverage:
        assert (item.shows is not None and item.rules) or item.not_asked, item.id


@pytest.mark.parametrize("source_id", CONTRACT_SOURCES)
def test_each_source_the_contract_relies_on_has_its_items(source_id: str) -> None:
    assert KB.coverage_of(source_id)


@pytest.mark.parametrize(("lst", "tier"), [pytest.param(NHS_999, "emergency", id="nhs-999"),
                                           pytest.param(NHS_111, "urgent_doctor", id="nhs-111")])
def test_the_nhs_lists_are_complete_and_caught_at_their_tier(lst: dict[str, str], tier: str) -> None:
    """The contract's floor: each item of the NHS page's two lists has an entry at its tier that asks it."""
    items = [i for i in KB.coverage_of("nhs_back_pain") if i.tier == tier and i.shows is not None]
    assert len(items) == len(lst)
    asked = {q for i in items for q in (i.shows or {})}
    assert set(lst.values()) <= asked


def test_explain_a_source_lists_its_items_and_what_catches_them(cli: Callable[..., Any]) -> None:
    run = cli("explain", "nhs_back_pain")
    assert run.status == 0, run.err
    for item in KB.coverage_of("nhs_back_pain"):
        assert item.sign in " ".join(run.out.split())
        for rid in item.rules:
            assert rid in run.out
    json_run = cli("explain", "nice_ng234", "--format", "json")
    assert json_run.status == 0
    found = json.loads(json_run.out)["matches"][0]
    assert found["kind"] == "source"
    assert {i["id"] for i in found["coverage"]} == {i.id for i in KB.coverage_of("nice_ng234")}
