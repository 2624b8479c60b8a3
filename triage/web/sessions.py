"""Visits: one patient's answers, held in memory only, and wiped on Finish or when idle.

A visit is found by a random token in an HttpOnly, SameSite=Strict cookie;
nothing about it is ever written to disk or logged. Every form carries the
visit's own CSRF token, which a POST must return, and a question's form also
names the step it was shown at (:meth:`Visit.step_token`), so that a form from
a tab left behind is refused rather than taken for an answer to another question.
"""

from __future__ import annotations

import secrets
import threading
import time
from collections.abc import Callable, Mapping, Set
from dataclasses import dataclass, field

from triage import conditions
from triage.engine import Engine
from triage.flow import Interview
from triage.models import (
    AllCondition,
    AnswerValue,
    AnyCondition,
    Condition,
    KnowledgeBase,
    NotCondition,
    QuestionCondition,
)

MAX_VISITS = 2000
"""More open visits than this and the longest-idle are wiped first (memory stays bounded)."""
HOLD_SECONDS = 12 * 3600
"""How long a held emergency waits for staff to press Finish before it too is wiped."""


@dataclass
class Visit:
    token: str
    csrf: str
    interview: Interview
    last_seen: float
    started: bool = False
    language: str = "en"
    """The language the person chose on the welcome screen (ids and answers are the same in all)."""
    emergency: bool = False
    """The visit reached an emergency: when idle it is held for staff, never sent back to the start."""
    held: bool = False
    """Its answers are wiped and the tablet says, large, that the person needs emergency help,
    until staff press Finish."""
    moves: int = 0
    """How many times the visit has moved (started, answered, gone back): a question's form
    names the move it was shown after, so one from a tab left behind is known."""

    def step_token(self) -> str:
        """What the current question's form carries to say which step it was shown at."""
        current = self.interview.current
        return f"{self.moves}.{current.id if current is not None else ''}"

    def begin(self, kb: KnowledgeBase, engine: Engine) -> None:
        """Start the questions afresh, in the visit's language (``kb``)."""
        self.interview = Interview(kb, engine)
        self.started = True
        self.moves += 1

    def answer(self, value: AnswerValue) -> None:
        """Answer the current question and move on."""
        self.interview.answer(value)
        self.moves += 1

    def back(self) -> None:
        """Return to the previous question (its answer kept, to be shown filled in)."""
        if self.interview.back():
            self.moves += 1

    def back_to(self, number: int) -> None:
        """Return to the ``number``-th question of the path; nothing changes if it is not behind."""
        while self.interview.number > max(number, 1) and self.interview.path:
            self.back()

    def speak(self, language: str, kb: KnowledgeBase) -> None:
        """Go on in ``language`` (``kb`` is the knowledge base in it): every answer is kept."""
        self.language = language
        interview = self.interview
        interview.kb = kb
        if interview.current is not None:
            interview.current = kb.question(interview.current.id)


@dataclass
class Visits:
    """The open visits. Every access first wipes those idle longer than ``idle_seconds``."""

    kb: KnowledgeBase
    engine: Engine
    idle_seconds: float
    clock: Callable[[], float] = time.monotonic
    _open: dict[str, Visit] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def new(self, kb: KnowledgeBase | None = None, language: str = "en") -> Visit:
        """A fresh visit, answering ``kb`` (the knowledge base in the visit's language)."""
        with self._lock:
            self._sweep()
            while len(self._open) >= MAX_VISITS:
                oldest = min(self._open.values(), key=lambda v: v.last_seen)
                del self._open[oldest.token]
            visit = Visit(token=secrets.token_urlsafe(32), csrf=secrets.token_urlsafe(32),
                          interview=Interview(kb or self.kb, self.engine), last_seen=self.clock(),
                          language=language)
            self._open[visit.token] = visit
            return visit

    def get(self, token: str | None) -> Visit | None:
        """The open visit for a cookie's token, touched; None if there is none or it went idle."""
        with self._lock:
            self._sweep()
            visit = self._open.get(token) if token else None
            if visit is not None:
                visit.last_seen = self.clock()
            return visit

    def hold(self, visit: Visit) -> None:
        """Wipe an emergency's answers but keep the visit, so the tablet asks staff to come."""
        with self._lock:
            self._hold(visit)

    def _hold(self, visit: Visit) -> None:
        visit.held = True
        visit.interview = Interview(self.kb, self.engine)  # no answer stays on the tablet

    def end(self, token: str | None) -> None:
        with self._lock:
            if token:
                self._open.pop(token, None)

    def __len__(self) -> int:
        with self._lock:
            self._sweep()
            return len(self._open)

    def _sweep(self) -> None:
        now = self.clock()
        for token, visit in list(self._open.items()):
            idle = now - visit.last_seen
            if visit.emergency and idle <= HOLD_SECONDS:
                if idle > self.idle_seconds and not visit.held:
                    self._hold(visit)
            elif idle > self.idle_seconds:
                del self._open[token]


def progress(interview: Interview) -> tuple[int, int]:
    """(N, M) for "question N of about M": M is the questions answered so far and every later
    one that the answers so far do not rule out.

    An answer can only rule questions out, never back in (an unknown answer leaves a condition
    undecided, :func:`_decided`), so as a person moves forward N grows by one while M never grows:
    the share shown only ever rises. M is at least N (a question asked that no condition names,
    such as a checklist the answers let in at the end, still counts).
    """
    number = interview.number
    current = interview.current
    if current is None:
        return number - 1, number - 1
    kb = interview.kb
    known = interview.path_answers()
    start = kb.question_index[current.id]
    passed = {q.id for q in kb.questions[:start] if q.id not in known}
    later = sum(1 for q in kb.questions[start:]
                if (c := conditions.asked_when(kb, q)) is None or _decided(c, known, passed) is not False)
    return number, max(number, len(interview.path) + later)


def _decided(condition: Condition, known: Mapping[str, AnswerValue], passed: Set[str]) -> bool | None:
    """Whether ``condition`` holds, given the answers ``known`` and the questions ``passed`` without
    an answer; None while it rests on a question still ahead (three-valued, Kleene's logic).

    Anything but a question's answer (a finding, "left unanswered") is not true when a question is
    chosen, as :func:`triage.flow.is_asked` reads it."""
    match condition:
        case QuestionCondition():
            return _decided_question(condition, known, passed)
        case AllCondition(all=parts):
            found = [_decided(p, known, passed) for p in parts]
            return False if False in found else True if all(found) else None
        case AnyCondition(any=parts):
            found = [_decided(p, known, passed) for p in parts]
            return True if True in found else False if all(f is False for f in found) else None
        case NotCondition(not_=inner):
            inside = _decided(inner, known, passed)
            return None if inside is None else not inside
    return False


def _decided_question(condition: QuestionCondition, known: Mapping[str, AnswerValue],
                      passed: Set[str]) -> bool | None:
    """Whether a condition on one question's answer holds: known once it is answered, or passed by
    without an answer (then only "it has no answer" holds); None while the question is still ahead."""
    if condition.question in known:
        return conditions.holds(condition, known)
    if condition.question in passed:
        return condition.operator == "exists" and not condition.answer
    return None


def same(sent: str | None, expected: str) -> bool:
    """Whether a form's CSRF token is the visit's, compared in constant time."""
    return sent is not None and secrets.compare_digest(sent.encode(), expected.encode())
