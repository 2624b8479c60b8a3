"""The end of a visit: its result page, and Finish, which wipes it.

The result page lays out the same document (:mod:`triage.report`) as every
other output, with the hand-off to the practitioner the clinic allows
(:mod:`triage.web.handoff`). A result that is an emergency marks the visit,
so that when it goes idle it is held for staff rather than wiped. Finish is
the one request a held tablet may make; a wrong token ends no one's visit.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from triage import report, words
from triage.web import handoff
from triage.web.kiosk import COOKIE, KioskState, go, result_of
from triage.web.sessions import Visit

router = APIRouter()


@router.get("/result", response_class=HTMLResponse)
async def result(request: Request, kiosk: KioskState) -> Response:
    visit = kiosk.finished_visit(request)
    if not isinstance(visit, Visit):
        return visit
    outcome = result_of(visit.interview)
    visit.emergency = outcome.level == "emergency"  # idle or not, it is then held for staff
    doc = report.build(visit.interview.kb, outcome, clinic=kiosk.clinic, staffed=True)
    return kiosk.page("result.html", title=words.WEB_RESULT_TITLE, doc=doc, csrf=visit.csrf,
                      refresh=kiosk.refresh, kiosk=True,
                      **handoff.values(visit.interview.kb, outcome, kiosk.clinic))


@router.post("/finish")
async def finish(request: Request, kiosk: KioskState) -> Response:
    visit, _ = await kiosk.posted(request, allow_held=True)
    if visit is None:  # a wrong token must not end anyone's visit, nor drop its cookie
        return kiosk.expired()
    kiosk.visits.end(visit.token)
    response = go("/")
    response.delete_cookie(COOKIE, path="/")
    return response
