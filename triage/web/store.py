"""Where the kiosk keeps its visits: a small interface, and the store in this process's memory.

A store keeps each open visit's *state* (:class:`VisitState`): plain data, never the
:class:`~triage.flow.Interview` itself, which :class:`triage.web.sessions.Visits` rebuilds from it
by replaying the answers. A store knows the idle time (:meth:`Store.bind`) and wipes a visit idle
longer; a visit that reached an emergency is not wiped then but turns into its *held* state (its
answers wiped, the tablet asking for staff) and is kept :data:`HOLD_SECONDS`, until staff press
Finish. A store never makes room by wiping a visit: when it holds as many as it may, a new one
is refused (:meth:`Store.add`).

Two stores: :class:`MemoryStore` here (the default: one process, its visits gone when it stops),
and :class:`triage.web.store_redis.RedisStore`, shared by several processes and kept across a
restart of the kiosk. :func:`triage.web.sessions.store_from_url` makes one from ``triage serve
--store``.
"""

from __future__ import annotations

import json
import secrets
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any, Protocol
from urllib.parse import urlsplit, urlunsplit

from triage.models import AnswerValue

HOLD_SECONDS = 12 * 3600
"""How long a held emergency waits for staff to press Finish before it too is wiped."""
FORMAT = 1
"""The version of a state as :meth:`VisitState.to_json` writes it; another is read as no visit."""


@dataclass(frozen=True)
class VisitState:
    """What a store keeps of a visit: enough to rebuild it, nothing else."""

    token: str
    """The visit's cookie (the Redis store keeps only a hash of it, as the key)."""
    csrf: str
    language: str
    answers: Mapping[str, AnswerValue]
    """Every answer the visit holds: those on its path, and those ahead of a step back (shown
    filled in when the person comes to them again)."""
    path: tuple[str, ...]
    """The questions answered, in order: replaying their answers rebuilds the interview."""
    current: str | None
    """The question on screen after them (None: the result), to check the replay against."""
    started: bool = True
    emergency: bool = False
    held: bool = False
    moves: int = 0
    last_seen: float = field(default=0.0, compare=False)
    """When the visit was last used, by the kiosk's clock (not compared: a touch changes no state)."""

    def held_state(self) -> VisitState:
        """The state of the visit held for staff: its answers wiped."""
        return replace(self, answers={}, path=(), current=None, held=True)

    def to_json(self) -> str:
        """The state as JSON, without its token."""
        return json.dumps({
            "format": FORMAT, "csrf": self.csrf, "language": self.language,
            "answers": {qid: list(v) if isinstance(v, tuple) else v for qid, v in self.answers.items()},
            "path": list(self.path), "current": self.current, "started": self.started,
            "emergency": self.emergency, "held": self.held, "moves": self.moves,
            "last_seen": self.last_seen}, separators=(",", ":"))

    @staticmethod
    def from_json(token: str, text: str | bytes) -> VisitState | None:
        """The state :meth:`to_json` wrote, for ``token``; None if it is not one (another format)."""
        try:
            data = json.loads(text)
            return VisitState(
                token=token, csrf=_text(data["csrf"]), language=_text(data["language"]),
                answers={_text(qid): _answer(v) for qid, v in data["answers"].items()},
                path=tuple(_text(qid) for qid in data["path"]),
                current=None if data["current"] is None else _text(data["current"]),
                started=data["started"] is True, emergency=data["emergency"] is True,
                held=data["held"] is True, moves=int(data["moves"]), last_seen=float(data["last_seen"]),
            ) if isinstance(data, dict) and data.get("format") == FORMAT else None
        except (ValueError, TypeError, KeyError, AttributeError):
            return None


def shown(url: str) -> str:
    """A store's URL as a message may show it: without its password."""
    try:
        parts = urlsplit(url)
        if parts.password is None:
            return url
        port = f":{parts.port}" if parts.port else ""
    except ValueError:  # a port that is no number: show the address without what precedes "@"
        return url.rpartition("@")[2]
    return urlunsplit(parts._replace(netloc=f"{parts.username or ''}:***@{parts.hostname or ''}{port}"))


def _text(value: Any) -> str:
    if not isinstance(value, str):
        raise TypeError("not text")
    return value


def _answer(value: Any) -> AnswerValue:
    """An answer read back from JSON: a list is the tuple it was."""
    if isinstance(value, list):
        return tuple(_text(v) for v in value)
    if isinstance(value, bool | int | str):
        return value
    raise TypeError("not an answer")


class Store(Protocol):
    """Open visits' states, by token. Every method is safe to call from several threads."""

    def bind(self, idle_seconds: float, clock: Callable[[], float]) -> None:
        """Take the kiosk's idle time, and its clock (seconds) for a visit's ``last_seen``."""

    def get(self, token: str) -> VisitState | None:
        """The visit's state, touched (its idle time starts again); None when there is none, or it
        went idle (an emergency's: its held state)."""

    def put(self, state: VisitState) -> None:
        """Keep the new state of a visit still open (touched); one wiped meanwhile (Finish in another
        tab, gone idle) stays wiped: only :meth:`add` begins a visit."""

    def add(self, state: VisitState, limit: int) -> bool:
        """Keep a new visit's state if fewer than ``limit`` visits are open; False (nothing kept,
        nothing wiped) when there are as many already."""

    def delete(self, token: str) -> None:
        """Wipe the visit (Finish, Start again)."""

    def count(self) -> int:
        """How many visits are open (an idle emergency held for staff counts)."""

    def sweep(self) -> int:
        """Wipe the visits gone idle (an emergency's answers only), where the store does not
        itself; how many were wiped."""

    def secret(self) -> bytes:
        """A random secret shared by every process on the store, made when the store starts empty:
        it signs the first screen's form, and a new one means the visits before it are lost."""

    def close(self) -> None:
        """Let go of the store's connections (a store in memory wipes its visits)."""


@dataclass
class _Entry:
    state: VisitState
    last_seen: float


class MemoryStore:
    """The visits in this process's memory: nothing written anywhere, all gone when it stops."""

    def __init__(self, idle_seconds: float = 300.0, clock: Callable[[], float] = time.monotonic) -> None:
        self.idle_seconds = idle_seconds
        self.clock = clock
        self._open: dict[str, _Entry] = {}
        self._lock = threading.Lock()
        self._secret = secrets.token_bytes(32)

    def bind(self, idle_seconds: float, clock: Callable[[], float]) -> None:
        self.idle_seconds = idle_seconds
        self.clock = clock

    def get(self, token: str) -> VisitState | None:
        with self._lock:
            now = self.clock()
            entry = self._open.get(token)
            if entry is None or not self._still_open(token, entry, now):
                return None
            entry.last_seen = now
            return entry.state

    def put(self, state: VisitState) -> None:
        with self._lock:
            now = self.clock()
            entry = self._open.get(state.token)
            if entry is not None and self._still_open(state.token, entry, now):
                self._open[state.token] = _Entry(replace(state, last_seen=now), now)

    def add(self, state: VisitState, limit: int) -> bool:
        with self._lock:
            if len(self._open) >= limit:
                self._sweep()
            if len(self._open) >= limit or state.token in self._open:
                return False
            now = self.clock()
            self._open[state.token] = _Entry(replace(state, last_seen=now), now)
            return True

    def delete(self, token: str) -> None:
        with self._lock:
            self._open.pop(token, None)

    def count(self) -> int:
        with self._lock:
            self._sweep()
            return len(self._open)

    def sweep(self) -> int:
        with self._lock:
            return self._sweep()

    def secret(self) -> bytes:
        return self._secret

    def close(self) -> None:
        with self._lock:
            self._open.clear()

    def __len__(self) -> int:
        """How many states this store holds now, swept or not (for tests: what memory holds)."""
        with self._lock:
            return len(self._open)

    def _sweep(self) -> int:
        now = self.clock()
        before = len(self._open)
        for token, entry in list(self._open.items()):
            self._still_open(token, entry, now)
        return before - len(self._open)

    def _still_open(self, token: str, entry: _Entry, now: float) -> bool:
        """Whether the visit is still open at ``now``: an idle one is wiped, an idle emergency held."""
        idle = now - entry.last_seen
        if idle <= self.idle_seconds:
            return True
        if entry.state.emergency and idle <= HOLD_SECONDS:
            if not entry.state.held:
                entry.state = entry.state.held_state()
            return True
        del self._open[token]
        return False
