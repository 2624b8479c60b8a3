"""The kiosk's hand-off to the practitioner: what the result page needs, and the print page.

The result page prints itself: its print layout (``kiosk.css``, ``@media print``) hides
the person's page and shows one A4 page for the clinician, made here with a fresh visit
code that is kept nowhere else, and its QR code carries the same summary as text
(:mod:`triage.handoff`). ``GET /print`` shows that page on its own, for a browser
without JavaScript (whose Print button cannot show). A clinic turns each way off by
leaving it out of its settings' ``handoff``; downloads are off unless listed there.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from markupsafe import Markup

from triage import handoff, words
from triage.clinic import Clinic
from triage.models import KnowledgeBase
from triage.result import Result
from triage.web.kiosk import KioskState, result_of
from triage.web.sessions import Visit

PRINT_BODY = "handoff-print"
"""The body's class on a page whose print layout is the clinician's page."""


def values(kb: KnowledgeBase, result: Result, clinic: Clinic, when: datetime | None = None) -> dict[str, Any]:
    """What result.html and print.html need for the hand-off the clinic allows."""
    allowed = clinic.handoff
    when = when or datetime.now().astimezone()
    code = handoff.visit_code()
    qr = None
    given = handoff.Handoff.of(kb, result, clinic, code, when)  # the clinician's document, written once
    if "qr" in allowed:
        # segno's SVG, with its label escaped: safe to put in the page as it is
        qr = Markup(handoff.qr_svg(given.qr_text(), words.WEB_QR_LABEL))
    printed = "print" in allowed
    return {"handoff": allowed, "qr": qr, "sheet": given.sheet() if printed else None,
            "body_class": PRINT_BODY if printed else None}


router = APIRouter()


@router.get("/print", response_class=HTMLResponse)
async def print_page(request: Request, kiosk: KioskState) -> Response:
    """The clinician's page on its own (404 when the clinic does not print)."""
    visit = kiosk.finished_visit(request)
    if not isinstance(visit, Visit):
        return visit
    if "print" not in kiosk.clinic.handoff:
        return kiosk.not_found()
    shown = values(visit.interview.kb, result_of(visit.interview), kiosk.clinic)
    return kiosk.page("print.html", title=words.SUMMARY_TITLE, refresh=kiosk.refresh,
                      **{**shown, "qr": None})


def downloads_off(clinic: Clinic, problem: Callable[[str, str, int], HTMLResponse]) -> HTMLResponse | None:
    """The page a download gets where the clinic has not listed ``download``; None where it has."""
    if "download" in clinic.handoff:
        return None
    return problem(words.WEB_DOWNLOADS_OFF_TITLE, words.WEB_DOWNLOADS_OFF, 404)
