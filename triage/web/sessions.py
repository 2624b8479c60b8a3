"""Visits: one patient's answers, held in memory only, and wiped on Finish or when idle.

A visit is found by a random token in an HttpOnly, SameSite=Strict cookie;
nothing about it is ever written to disk or logged. Every form carries the
visit's own CSRF token, which a POST must return.
"""

from __future__ import annotations

import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from triage.engine import Engine
from triage.flow import Interview
from triage.models import KnowledgeBase

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


def same(sent: str | None, expected: str) -> bool:
    """Whether a form's CSRF token is the visit's, compared in constant time."""
    return sent is not None and secrets.compare_digest(sent.encode(), expected.encode())
