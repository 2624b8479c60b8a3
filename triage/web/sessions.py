"""Visits: one patient's answers, kept in a store (memory, or Redis), and wiped on Finish or when idle.

A visit begins when a person presses Start on the welcome page (``POST /start``), never when a
page is only looked at: a request that starts nothing keeps nothing and takes no one's place. It
is found by a random token in an HttpOnly, SameSite=Strict cookie; nothing about it is ever written
to disk or logged. Every form carries the visit's own CSRF token, which a POST must return, and a
question's form also names the step it was shown at (:meth:`Visit.step_token`), so that a form from
a tab left behind is refused rather than taken for an answer to another question.

The welcome page's form has no visit whose token it could carry. It carries a *signed
double-submit* token instead (:meth:`Visits.welcome_token`): the page sets a random value in the
same cookie (:func:`welcome_nonce`), and the form's token is an HMAC of that value, the kiosk's
epoch, the time and the language chosen, under the store's secret. Start checks the two together
(:meth:`Visits.welcomed`): another site can make a browser post to Start, but it can neither read
the cookie nor send it (SameSite=Strict), so it cannot make a token that matches, and without this
check such a post would begin a visit in the person's browser and put its cookie in place of the
one of a questionnaire in progress. Checking the Origin or Referer header instead cannot work
here: every page is sent with ``Referrer-Policy: no-referrer``, under which browsers send no
Referer and ``Origin: null`` with a form's POST, as a page of another site can make its own forms
do. The token is good for :data:`WELCOME_SECONDS`, long enough for a tablet left on the welcome
page all day; it gives nobody a way in, being bound to the cookie of the browser it was given to.

A visit is never wiped to make room: when :data:`MAX_VISITS` are open, a new one is refused (the
person is told the kiosk is busy), and a started visit stays for its whole idle time. Visits gone
idle are wiped by the store when next asked for, and by :meth:`Visits.sweep`, which the kiosk runs
every :data:`SWEEP_SECONDS` (:meth:`Visits.sweep_every`, started with the application), so that
answers do not stay in memory after the idle time when no request comes.

The store keeps each visit's state (:class:`triage.web.store.VisitState`); :class:`Visits` rebuilds
a visit's interview from it by replaying its answers, and keeps the visits it rebuilt in this
process, so that a visit used again here is not replayed again (:meth:`Visits.get`). What a request
changed is saved before its response is sent (:meth:`Visits.keep`). When a visit is not found, the
page says why (:meth:`Visits.why_gone`): it went idle, the kiosk restarted (its store is another:
a visit's token begins with the store's epoch), or no questionnaire had begun in that browser.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import secrets
import threading
import time
from collections.abc import Callable, Mapping, Set
from dataclasses import dataclass, field
from enum import Enum
from urllib.parse import urlsplit

from triage import conditions, errors, i18n, loader, words
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
from triage.web.store import HOLD_SECONDS, MemoryStore, Store, VisitState, shown

__all__ = ["HOLD_SECONDS", "MAX_VISITS", "SWEEP_SECONDS", "WELCOME_SECONDS", "Gone", "KioskFull", "Visit",
           "Visits", "is_welcome", "is_welcome_token", "progress", "replay", "same", "store_from_url",
           "welcome_nonce"]

MAX_VISITS = 2000
"""At most this many visits are open at once (memory stays bounded); a new one is then refused."""
SWEEP_SECONDS = 5.0
"""How often the visits gone idle are wiped, whether or not a request comes."""
WELCOME_SECONDS = 12 * 3600
"""How long the welcome page's form can start a visit."""
WELCOME = "w."
"""How the cookie's value begins while it holds the welcome page's random value, not a visit's token."""
STORE_OPTION = "triage serve --store"


class KioskFull(Exception):  # not an error: the person is told to try again shortly
    """No visit can begin: :data:`MAX_VISITS` are open, and none is wiped to make room."""


class Gone(Enum):
    """Why a request finds no visit (or, ``FORM``, not this one), as the expired page says it."""

    IDLE = "idle"
    """The cookie names a visit of this store that is no longer open: it went idle."""
    RESTARTED = "restarted"
    """The cookie names a visit of another store: the kiosk restarted (its visits in memory lost)."""
    NOT_STARTED = "not started"
    """No visit had begun in this browser (no cookie, or only the welcome page's)."""
    START_TOO_OLD = "start too old"
    """The welcome page's form is the browser's own, but older than :data:`WELCOME_SECONDS`."""
    FORM = "form"
    """A visit is open, but the form sent is not one of its pages (its CSRF token is not the visit's)."""


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

    def wipe(self) -> None:
        """Hold the visit for staff: its answers wiped, the tablet asking for help."""
        self.held = True
        self.interview = Interview(self.interview.kb, self.interview.engine)  # no answer stays on the tablet

    def state(self) -> VisitState:
        """What a store keeps of the visit (copies: later moves change the visit, not the state)."""
        interview = self.interview
        current = interview.current
        return VisitState(token=self.token, csrf=self.csrf, language=self.language,
                          answers=dict(interview.answers), path=tuple(interview.path),
                          current=current.id if current is not None else None, started=self.started,
                          emergency=self.emergency, held=self.held, moves=self.moves,
                          last_seen=self.last_seen)


def replay(interview: Interview, state: VisitState) -> bool:
    """Bring ``interview`` to the answers and path of ``state``: back to where their paths part,
    then each later answer given again (the flow decides each next question, as when the person
    answered). False when the replay does not reach the state's question (the questions changed)."""
    common = 0
    for asked, kept in zip(interview.path, state.path, strict=False):
        if asked != kept or interview.answers.get(asked) != state.answers.get(kept):
            break
        common += 1
    while len(interview.path) > common:
        interview.back()
    for qid in state.path[common:]:
        current = interview.current
        if current is None or current.id != qid or qid not in state.answers:
            return False
        interview.answer(state.answers[qid])
    interview.answers = dict(state.answers)
    current = interview.current
    return (current.id if current is not None else None) == state.current


@dataclass
class _Live:
    """A visit rebuilt in this process, and its state as the store last had it."""

    state: VisitState
    visit: Visit


def welcome_nonce() -> str:
    """A fresh random value for the welcome page's cookie (no visit: nothing is kept anywhere)."""
    return WELCOME + secrets.token_urlsafe(32)


def is_welcome(cookie: str | None) -> bool:
    """Whether the cookie holds the welcome page's random value (no visit has begun)."""
    return cookie is not None and cookie.startswith(WELCOME) and len(cookie) > len(WELCOME) + 20


def is_welcome_token(token: object) -> bool:
    """Whether a form's token has the shape of the welcome form's (:meth:`Visits.welcome_token`),
    not of a visit's; it says nothing of whether it is good."""
    return isinstance(token, str) and token.count(".") == 3


@dataclass
class Visits:
    """The open visits, kept in ``store`` (in this process's memory unless another is given)."""

    kb: KnowledgeBase
    engine: Engine
    idle_seconds: float
    clock: Callable[[], float] = time.monotonic
    store: Store = field(default_factory=MemoryStore)
    limit: int = MAX_VISITS
    """The most visits open at once (:data:`MAX_VISITS`)."""
    sweep_seconds: float = SWEEP_SECONDS
    localise: Callable[[str], KnowledgeBase] | None = None
    """The knowledge base in a language, to rebuild a visit in (the kiosk's own, made once each)."""
    _live: dict[str, _Live] = field(default_factory=dict)
    _localised: dict[str, KnowledgeBase] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def __post_init__(self) -> None:
        self.use(self.store)

    def use(self, store: Store) -> None:
        """Keep the visits in ``store`` from now on, with this kiosk's idle time and clock."""
        store.bind(self.idle_seconds, self._now)
        with self._lock:
            self.store = store
            self._live.clear()

    def _now(self) -> float:
        """The kiosk's clock, as it is when asked (a test sets :attr:`clock` after the store is bound)."""
        return self.clock()

    # --- a visit begins, is found, is kept, ends -------------------------------------------------
    def new(self, kb: KnowledgeBase | None = None, language: str = "en") -> Visit:
        """A fresh visit, answering ``kb`` (the knowledge base in the visit's language); KioskFull
        when :attr:`limit` visits are open (none is wiped to make room)."""
        visit = Visit(token=f"{self.epoch()}.{secrets.token_urlsafe(32)}", csrf=secrets.token_urlsafe(32),
                      interview=Interview(kb or self.kb, self.engine), last_seen=self.clock(),
                      language=language)
        state = visit.state()
        if not self.store.add(state, self.limit):
            raise KioskFull
        with self._lock:
            self._live[visit.token] = _Live(state, visit)
        return visit

    def get(self, token: str | None) -> Visit | None:
        """The open visit for a cookie's token, touched; None if there is none or it went idle."""
        if not token or is_welcome(token):
            return None
        state = self.store.get(token)
        with self._lock:
            live = self._live.get(token)
            if state is None:
                self._live.pop(token, None)
                return None
            if live is not None and live.state == state and live.visit.state() == state:
                visit: Visit | None = live.visit  # as this process left it: nothing to replay
            else:
                visit = self._rebuild(state, live.visit if live is not None else None)
            if visit is None:  # its answers no longer lead where it was (the questions changed): wiped
                self._live.pop(token, None)
                self.store.delete(token)
                return None
            visit.last_seen = self.clock()
            self._live[token] = _Live(state, visit)
            return visit

    def keep(self, visit: Visit) -> None:
        """Save what a request changed in the visit (nothing is written when nothing changed); a visit
        ended meanwhile stays ended."""
        with self._lock:
            live = self._live.get(visit.token)
            if live is None or live.visit is not visit:
                return
            state = visit.state()
            if state == live.state:
                return
            live.state = state
        self.store.put(state)

    def hold(self, visit: Visit) -> None:
        """Wipe an emergency's answers but keep the visit, so the tablet asks staff to come."""
        visit.wipe()
        self.keep(visit)

    def end(self, token: str | None) -> None:
        if token:
            with self._lock:
                self._live.pop(token, None)
            self.store.delete(token)

    def __len__(self) -> int:
        return self.store.count()

    # --- idle visits -------------------------------------------------------------------------------
    def sweep(self) -> int:
        """Wipe the visits gone idle, in the store and as rebuilt in this process; how many the store
        wiped."""
        wiped = self.store.sweep()
        now = self.clock()
        with self._lock:
            for token, live in list(self._live.items()):
                if now - live.visit.last_seen > self.idle_seconds:
                    del self._live[token]
        return wiped

    async def sweep_every(self) -> None:
        """Sweep every :attr:`sweep_seconds`, until cancelled (the application's lifespan)."""
        while True:
            await asyncio.sleep(self.sweep_seconds)
            self.sweep()

    # --- the welcome page's form, and why a visit is not found ------------------------------------
    def epoch(self) -> str:
        """This store's epoch: a new one when the store starts empty (a restart, for one in memory)."""
        return _epoch(self.store.secret())

    def welcome_token(self, nonce: str, language: str) -> str:
        """The welcome form's token for the browser whose cookie holds ``nonce``, starting a visit in
        ``language``."""
        secret = self.store.secret()
        epoch, issued = _epoch(secret), str(int(self.clock()))
        return ".".join((epoch, issued, language, _signed(secret, nonce, epoch, issued, language)))

    def welcomed(self, nonce: str | None, token: str | None) -> str | Gone:
        """The language a visit begins in, when the welcome form's ``token`` is the one made for the
        browser whose cookie holds ``nonce``, and still good; else why it cannot begin."""
        parts = (token or "").split(".")
        if nonce is None or not is_welcome(nonce) or len(parts) != 4:
            return Gone.NOT_STARTED
        epoch, issued, language, mac = parts
        secret = self.store.secret()
        if epoch != _epoch(secret):
            return Gone.RESTARTED
        if not hmac.compare_digest(mac.encode(), _signed(secret, nonce, epoch, issued, language).encode()):
            return Gone.NOT_STARTED
        if not 0 <= self.clock() - int(issued) <= WELCOME_SECONDS:
            return Gone.START_TOO_OLD
        return language if i18n.normalise(language) == language else Gone.NOT_STARTED

    def why_gone(self, token: str | None) -> Gone:
        """Why a request whose cookie holds ``token`` finds no visit."""
        if not token or is_welcome(token):
            return Gone.NOT_STARTED
        return Gone.IDLE if token.partition(".")[0] == self.epoch() else Gone.RESTARTED

    # --- rebuilding a visit from its state ---------------------------------------------------------
    def _kb_in(self, language: str) -> KnowledgeBase:
        if self.localise is not None:
            return self.localise(language)
        if language not in self._localised:
            self._localised[language] = loader.localised(self.kb, language)
        return self._localised[language]

    def _rebuild(self, state: VisitState, visit: Visit | None) -> Visit | None:
        """The visit of ``state``: ``visit`` (as this process last had it) brought to it, else one
        made afresh by replaying its answers; None when they no longer lead where the state was."""
        kb = self._kb_in(state.language)
        if visit is None:
            visit = Visit(token=state.token, csrf=state.csrf, interview=Interview(kb, self.engine),
                          last_seen=state.last_seen)
        elif visit.interview.kb is not kb or visit.held or state.held:
            visit.interview = Interview(kb, self.engine)
        if not state.held and not replay(visit.interview, state):  # a held visit has no answer to replay
            visit.interview = Interview(kb, self.engine)
            if not replay(visit.interview, state):
                return None
        visit.csrf, visit.language, visit.started = state.csrf, state.language, state.started
        visit.emergency, visit.held, visit.moves = state.emergency, state.held, state.moves
        return visit


def _epoch(secret: bytes) -> str:
    return hashlib.sha256(b"epoch" + secret).hexdigest()[:12]


def _signed(secret: bytes, nonce: str, epoch: str, issued: str, language: str) -> str:
    """The welcome form's signature: an HMAC of what its token says, and of the browser's cookie."""
    message = "\0".join(("start", nonce, epoch, issued, language)).encode()
    return hmac.new(secret, message, hashlib.sha256).hexdigest()


def store_from_url(url: str, *, workers: int = 1) -> Store:
    """The store ``triage serve --store`` names: ``memory`` (the default), or Redis
    (``redis://HOST:PORT/DB``, ``rediss://`` for TLS, ``unix:///PATH?db=N``), connected and checked
    (:meth:`triage.web.store_redis.RedisStore.connect`). Several ``workers`` (processes) need Redis:
    each would find only its own visits in memory. A problem is one :class:`~triage.errors.TriageError`."""
    if url == "memory":
        if workers > 1:
            raise errors.fail(STORE_OPTION, None, words.STORE_WORKERS, workers=workers)
        return MemoryStore()
    try:
        scheme = urlsplit(url).scheme
    except ValueError:
        scheme = ""
    if scheme not in ("redis", "rediss", "unix"):
        raise errors.fail(STORE_OPTION, None, words.STORE_BAD_URL, url=shown(url))
    from triage.web.store_redis import RedisStore

    return RedisStore.connect(url)


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
