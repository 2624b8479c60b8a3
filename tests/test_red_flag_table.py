"""``triage red-flags`` and the kiosk's ``/red-flags``: the one-page red-flag table.

The rows are checked against the knowledge base, worked out here on their own: every red flag at
every level a rule raises it, and every *level rule* (a rule that sets a level straight from
warning-sign answers), nothing else. Then the terminal text (80 columns, every language, no English
through the pseudo-languages), the Markdown, the clinic's emergency number, and the old detailed
output still behind ``--format tree``. The printed page is counted in
``tests/test_red_flag_table_browser.py``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from test_languages import PSEUDOS, assert_all_through_catalogue

from triage import constants, handout, i18n, loader, textwidth, words
from triage.clinic import Clinic
from triage.conditions import findings_used, questions_used
from triage.engine import Engine
from triage.models import LEVELS, KnowledgeBase, ThenLevel, ThenRedFlag

LEVEL_RULES = {
    # "not sure" or no answer to warning signs
    "emergency_sign_not_ruled_out": "urgent_doctor",
    "warning_sign_not_ruled_out": "doctor",
    "warning_signs_unanswered": "doctor",
    # one warning sign, a level on its own
    "night_pain_urgent": "urgent_doctor",
    "recent_infection_or_procedure_see_doctor": "doctor",
    "immune_risk_see_doctor": "doctor",
    "pulse_felt_under_50": "doctor",
    "pregnant_see_doctor_or_midwife": "doctor",
}
"""The shipped knowledge base's level rules, as a reader finds them in rules/."""


@pytest.fixture(autouse=True)
def english() -> Iterator[None]:
    yield
    i18n.activate(i18n.ENGLISH)


def rows(doc: handout.Table) -> list[tuple[str, handout.Row]]:
    return [(group.level, row) for group in doc.groups for row in group.rows]


# --- the rows, against the knowledge base ---------------------------------------------------------
def test_every_red_flag_at_every_level_it_is_raised(kb: KnowledgeBase) -> None:
    expected = {(r.then.red_flag, r.then.level) for r in kb.rules if isinstance(r.then, ThenRedFlag)}
    shown = {(row.red_flag, level) for level, row in rows(handout.table(kb)) if row.red_flag}
    assert shown == expected
    assert {flag for flag, _ in shown} == {f.id for f in kb.red_flags}
    assert len(shown) == 14  # 9 red flags, 5 of them at two levels


def test_the_level_rules_are_found_from_the_knowledge_base(kb: KnowledgeBase) -> None:
    assert handout.warning_section(kb) == "warning_signs"
    found = {r.id: r.then.level for r in handout.level_rules(kb) if isinstance(r.then, ThenLevel)}
    assert found == LEVEL_RULES
    for rule in kb.rules:  # and on their own: a level, no finding, a warning-sign question
        reads_sign = any(kb.question(q).section == "warning_signs" for q in questions_used(rule.when))
        is_level_rule = isinstance(rule.then, ThenLevel) and not findings_used(rule.when) and reads_sign
        assert is_level_rule == (rule.id in LEVEL_RULES), rule.id


def test_every_rule_shown_once_and_nothing_else(kb: KnowledgeBase) -> None:
    shown = [rule for _, row in rows(handout.table(kb)) for rule in row.rules]
    red_flag_rules = {r.id for r in kb.rules if isinstance(r.then, ThenRedFlag)}
    assert sorted(shown) == sorted(red_flag_rules | set(LEVEL_RULES))
    for level, row in rows(handout.table(kb)):
        for rid in row.rules:
            then = kb.rule(rid).then
            assert isinstance(then, ThenRedFlag | ThenLevel) and then.level == level, rid


def test_groups_most_urgent_first_with_their_advice(kb: KnowledgeBase) -> None:
    doc = handout.table(kb)
    assert [g.level for g in doc.groups] == ["emergency", "urgent_doctor", "doctor"]
    assert [g.level for g in doc.groups] == sorted((g.level for g in doc.groups), key=LEVELS.index)
    for group in doc.groups:
        assert group.title == constants.LEVEL_TITLE[group.level]
        assert group.todo == constants.LEVEL_ADVICE[group.level]


def test_a_row_in_plain_words(kb: KnowledgeBase) -> None:
    doc = handout.table(kb)
    cauda = next(row for level, row in rows(doc) if row.red_flag == "cauda_equina" and level == "emergency")
    assert cauda.sign == kb.red_flag("cauda_equina").name
    assert cauda.means == " ".join(kb.red_flag("cauda_equina").means.split())
    assert cauda.sources[:2] == ("NHS website, Back pain", "NHS website, Cauda equina syndrome")
    later = next(row for level, row in rows(doc)
                 if row.red_flag == "cauda_equina" and level == "urgent_doctor")
    assert later.means == constants.RED_FLAG_TABLE_AS_ABOVE  # said in full once, at its most urgent
    night = next(row for _, row in rows(doc) if row.code == "night_pain_urgent")
    assert night.sign.startswith("“Do you have pain at night")  # the question's text, not its id
    assert night.means == " ".join(kb.rule("night_pain_urgent").because.split())
    several = next(row for _, row in rows(doc) if row.code == "warning_signs_unanswered")
    assert several.sign == "The answers to 19 warning-sign questions"


@pytest.mark.parametrize(("clinic", "todo"), [
    pytest.param(None, constants.LEVEL_ADVICE["emergency"], id="no-clinic"),
    pytest.param(Clinic(name="Riverside"), constants.LEVEL_ADVICE["emergency"], id="clinic-without-number"),
    pytest.param(Clinic(emergency_number="999"),
                 "Seek emergency care now: call 999 or go to the emergency department.", id="clinic-999"),
])
def test_the_clinics_emergency_number(kb: KnowledgeBase, clinic: Clinic | None, todo: str) -> None:
    doc = handout.table(kb, clinic)
    assert doc.groups[0].todo == todo
    assert doc.groups[1].todo == constants.LEVEL_ADVICE["urgent_doctor"]


# --- the terminal and Markdown ----------------------------------------------------------------------
def test_text_is_the_default(cli: Callable[..., Any], kb: KnowledgeBase) -> None:
    run = cli("red-flags")
    assert run.status == 0 and run.err == ""
    assert run.out == handout.text(handout.table(kb))
    assert run.out.startswith(constants.RED_FLAG_TABLE_TITLE + "\n")
    expected = "\n".join([
        "EMERGENCY",
        "---------",
        "What to do: Seek emergency care now: call the emergency number or go to the",
        "emergency department.",
        "- Possible broken bone in the spine (spinal_fracture)",
        "  What it may mean: A bone of the spine may be broken, after an accident or a",
    ])
    assert expected in run.out
    for flag in kb.red_flags:
        assert f"{flag.name} ({flag.id})" in run.out
    for rid in LEVEL_RULES:
        assert f"({rid})" in run.out
    assert run.out.count("What to do: ") == 3
    assert "This is not a diagnosis" in run.out


def test_markdown_has_a_table_per_group(cli: Callable[..., Any], kb: KnowledgeBase) -> None:
    run = cli("red-flags", "--format", "markdown")
    assert run.status == 0
    assert run.out.startswith(f"# {constants.RED_FLAG_TABLE_TITLE}\n")
    assert run.out.count("\n## ") == 3
    assert run.out.count("| Warning sign | What it may mean | Source |\n| --- | --- | --- |") == 3
    body = [line for line in run.out.splitlines() if line.startswith("| ") and "| --- |" not in line
            and not line.startswith("| Warning sign |")]
    assert len(body) == len(rows(handout.table(kb)))
    assert "| Possible cauda equina syndrome (`cauda_equina`) | The bundle of nerves" in run.out
    assert "**What to do:** Seek emergency care now" in run.out


def test_the_clinic_option_says_its_number(cli: Callable[..., Any], tmp_path: Any) -> None:
    settings = tmp_path / "clinic.yaml"
    settings.write_text('emergency_number: "112"\n', encoding="utf-8")
    for argv in (["red-flags", "--clinic", settings], ["--clinic", settings, "red-flags"]):
        run = cli(*argv)
        assert run.status == 0
        assert "call 112 or go to the emergency department" in " ".join(run.out.split())
    bad = tmp_path / "bad.yaml"
    bad.write_text('emergency_number: "call us"\n', encoding="utf-8")
    run = cli("red-flags", "--clinic", bad)
    assert run.status == 2 and "bad.yaml" in run.err and "Traceback" not in run.err


@pytest.mark.parametrize("fmt", ["tree", "tree-markdown"])
def test_the_detailed_logic_is_still_there(cli: Callable[..., Any], fmt: str) -> None:
    out = cli("red-flags", "--format", fmt).out
    assert constants.RED_FLAGS_TITLE in out
    assert "any of:" in out and "all of:" in out


@pytest.mark.parametrize("lang", ["en", "es", "zh-Hans", "zh-Hant", *PSEUDOS])
def test_the_terminal_table_fits_80_columns(cli: Callable[..., Any], lang: str) -> None:
    out = cli("--lang", lang, "red-flags").out
    wide = [line for line in out.splitlines() if textwidth.cells(line) > 80]
    assert out.count("\n- ") == 22  # a bullet a row
    assert wide == []


@pytest.mark.parametrize("fmt", ["text", "markdown"])
@pytest.mark.parametrize("tag", PSEUDOS)
def test_the_pseudo_languages_show_no_english(cli: Callable[..., Any], kb: KnowledgeBase, tag: str,
                                              fmt: str) -> None:
    out = cli("--lang", tag, "red-flags", "--format", fmt).out
    assert out.count("warning_signs_unanswered") == 1
    assert_all_through_catalogue(out, kb)


@pytest.mark.parametrize("tag", PSEUDOS)
def test_the_kiosk_page_shows_no_english(kb: KnowledgeBase, engine: Engine, tag: str) -> None:
    from triage.web.app import create_app

    english = loader.load(language=i18n.ENGLISH)
    client = TestClient(create_app(english, engine, clinic=Clinic(emergency_number="999")))
    page = client.get(f"/red-flags?lang={tag}")
    assert page.status_code == 200
    assert page.text.count("<tr>") == len(rows(handout.table(kb))) + 1  # the rows and the heading
    assert '<link rel="stylesheet" href="/static/handout.css">' in page.text
    visible = re.sub(r"<(script|style)[^>]*>.*?</\1>|<[^>]+>", " ", page.text, flags=re.S)
    visible = visible.replace("&#34;", '"').replace("&#39;", "'").replace("&amp;", "&")
    with i18n.override(tag):
        assert_all_through_catalogue(visible.replace(words.APP_NAME, " "), kb)
