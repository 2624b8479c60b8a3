"""The pages for staff and educators: rendered from the knowledge base, no visit needed.

``/staff`` lists them, and no page of a visit links there: the red flags, why
each question is asked and what each rule means (``/explain/<id>``), and the
demonstrations, a scripted visit step by step (``/demo``). Each is read in
the language ``?lang=`` asks for, else the server's, and keeps it in its links.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from triage import educate, handout, i18n, qtypes, scenarios, textdoc, words
from triage.errors import TriageError
from triage.models import KnowledgeBase
from triage.web.kiosk import Kiosk, KioskState


def _blocks(blocks: list[textdoc.Block]) -> list[dict[str, Any]]:
    """Educator documents as plain data for the template (which lays them out)."""
    out: list[dict[str, Any]] = []
    for block in blocks:
        match block:
            case textdoc.Heading(text=title, depth=depth):
                out.append({"kind": "heading", "text": title, "depth": min(depth, 6)})
            case textdoc.Para(text=body, label=label):
                out.append({"kind": "para", "text": " ".join(body.split()), "label": label})
            case textdoc.Bullets(nodes=nodes, label=label):
                out.append({"kind": "bullets", "nodes": nodes, "label": label})
    return out


def staff(kiosk: Kiosk, request: Request) -> tuple[KnowledgeBase, str]:
    """The knowledge base in the page's language, and the query that keeps it in links."""
    language = kiosk.asked_language(request)
    return kiosk.kb_in(language), "" if language == kiosk.default_language else f"?lang={language}"


router = APIRouter()


@router.get("/staff", response_class=HTMLResponse)
async def staff_index(request: Request, kiosk: KioskState) -> Response:
    """Every page for staff and educators; no page of a visit links here."""
    local, query = staff(kiosk, request)
    return kiosk.page("staff.html", title=words.WEB_STAFF_PAGES, query=query, questions=local.questions,
                      intro=words.WEB_STAFF_INTRO, explain=words.WEB_STAFF_EXPLAIN)


@router.get("/red-flags", response_class=HTMLResponse)
async def red_flags(request: Request, kiosk: KioskState) -> Response:
    """The one-page red-flag table, to print for a class or the staff room."""
    local, _ = staff(kiosk, request)
    doc = handout.table(local, kiosk.clinic)
    return kiosk.page("red_flags.html", title=doc.title, doc=doc, sources_text=handout.sources_text)


@router.get("/explain/{item_id}", response_class=HTMLResponse)
async def explain(request: Request, kiosk: KioskState, item_id: str) -> Response:
    local, _ = staff(kiosk, request)
    try:
        educate.lookup(local, item_id)
    except TriageError as exc:  # "`zzz` is not a question, ...; did you mean `fever`?"
        text = " ".join(p.message for p in exc.problems) or words.WEB_NOT_FOUND
        return kiosk.problem(words.WEB_NOT_FOUND_TITLE, text, 404)
    return kiosk.page("document.html", title=words.WEB_EXPLAIN_TITLE.format(id=item_id),
                      blocks=_blocks(educate.explain_blocks(local, item_id)))


@router.get("/demo", response_class=HTMLResponse)
async def demos(request: Request, kiosk: KioskState) -> Response:
    _, query = staff(kiosk, request)
    return kiosk.page("demos.html", title=words.WEB_DEMOS_TITLE, scenarios=kiosk.scenarios_in(i18n.active()),
                      query=query)


@router.get("/demo/{scenario_id}/{step}", response_class=HTMLResponse)
async def demo_step(request: Request, kiosk: KioskState, scenario_id: str, step: int) -> Response:
    local, query = staff(kiosk, request)
    language = i18n.active()
    scenario = next((s for s in kiosk.scenarios_in(language) if s.id == scenario_id), None)
    if scenario is None or step < 1:
        return kiosk.not_found()
    played = kiosk.demo(language, scenario)
    if step > len(played.steps):  # past the last answer: the result
        return kiosk.page("result.html", title=scenario.title, doc=played.doc, scenario=scenario, kiosk=False,
                          query=query, previous_url=f"/demo/{scenario.id}/{len(played.steps)}{query}")
    question, value = played.steps[step - 1]
    answer = qtypes.answer_text(local, question.id, value)
    # The rules fired on the answers up to this step (the engine's evaluation), in the page's language.
    answers = {q.id: v for q, v in played.steps[:step]}
    fired = [scenarios.rule_words(rule) for rule in scenarios.fired_so_far(local, kiosk.engine, answers)]
    previous_url = f"/demo/{scenario.id}/{step - 1}{query}" if step > 1 else f"/demo{query}"
    return kiosk.page("demo_step.html", title=scenario.title, scenario=scenario, question=question,
                      answer=words.WEB_DEMO_ANSWER.format(answer=answer), fired=fired,
                      step=step, total=len(played.steps), previous_url=previous_url,
                      next_url=f"/demo/{scenario.id}/{step + 1}{query}")
