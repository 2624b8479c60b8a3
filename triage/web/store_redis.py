"""The kiosk's visits in Redis: shared by every process of the kiosk, and kept across a restart.

``triage serve --store redis://HOST:PORT/DB``. Each visit is one key, ``triage:v:<hash>``, whose
value is the visit's state as JSON (:meth:`triage.web.store.VisitState.to_json`: its CSRF token,
language, answers, path, flags and count of moves, never the token itself) and which Redis
expires after the idle time (every use sets the time again): nothing else is kept about a visit,
and a visit nobody uses is wiped by Redis itself, whether or not a kiosk is running. A visit that
reached an emergency has a second key, ``triage:h:<hash>``, its held state (no answer in it), which
expires after :data:`~triage.web.store.HOLD_SECONDS`: once the visit's own key has gone idle, the
tablet is held for staff by it. The hash is SHA-256 of the visit's token, so that reading the keys
does not give a way into a visit. One more key, ``triage:secret``, holds the random secret that
signs the first screen's form (:meth:`RedisStore.secret`).

Redis must keep all this in memory only: the clinic's Redis runs with ``save ""`` and
``appendonly no`` (``redis-server --save "" --appendonly no``, or those two lines in its
``redis.conf``), and :meth:`RedisStore.connect` refuses one that writes its data to disk. The kiosk
never asks Redis to save. One Redis database serves one kiosk (another kiosk: another database
number, ``/1``).

The client is synchronous: a call to a Redis on the same computer or network takes a fraction of
a millisecond, and each request makes one or two.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable
from dataclasses import replace

import redis

from triage import errors, words
from triage.web.store import HOLD_SECONDS, VisitState, shown

PREFIX = "triage:"
WHERE = "triage serve --store"
"""Where a problem with the store is said to be (the option that names it)."""
TIMEOUT_SECONDS = 5.0

_COUNT = """
local n = 0
local cursor = "0"
repeat
  local found = redis.call("SCAN", cursor, "MATCH", ARGV[1] .. "v:*", "COUNT", 1000)
  cursor = found[1]
  n = n + #found[2]
until cursor == "0"
repeat
  local found = redis.call("SCAN", cursor, "MATCH", ARGV[1] .. "h:*", "COUNT", 1000)
  cursor = found[1]
  for _, key in ipairs(found[2]) do
    if redis.call("EXISTS", ARGV[1] .. "v:" .. string.sub(key, #ARGV[1] + 3)) == 0 then n = n + 1 end
  end
until cursor == "0"
"""
COUNT_SCRIPT = _COUNT + "return n\n"
"""The visits open: every visit's key, and each held state whose visit's key is gone."""
ADD_SCRIPT = _COUNT + """
if n >= tonumber(ARGV[2]) then return 0 end
if redis.call("SET", KEYS[1], ARGV[3], "PX", ARGV[4], "NX") then return 1 end
return 0
"""
"""A new visit's key, set only while fewer than ARGV[2] visits are open (in one step, whichever
process asks)."""
PUT_SCRIPT = """
if not redis.call("SET", KEYS[1], ARGV[1], "PX", ARGV[2], "XX") then return 0 end
if ARGV[3] == "" then redis.call("DEL", KEYS[2]) else redis.call("SET", KEYS[2], ARGV[3], "PX", ARGV[4]) end
return 1
"""
"""A visit's new state, set only while its key is there (a visit ended or gone idle stays so), with
its held state beside it while it is an emergency (ARGV[3], else none)."""


class RedisStore:
    """Visits' states in Redis (see the module's description)."""

    def __init__(self, client: redis.Redis, idle_seconds: float = 300.0) -> None:
        self.client = client
        self.idle_seconds = idle_seconds
        self.clock: Callable[[], float] = lambda: 0.0
        self._count = client.register_script(COUNT_SCRIPT)
        self._add = client.register_script(ADD_SCRIPT)
        self._put = client.register_script(PUT_SCRIPT)

    @classmethod
    def connect(cls, url: str) -> RedisStore:
        """The store at ``url`` (``redis://``, ``rediss://`` or ``unix://``), once Redis has answered
        and said that it keeps its data in memory only; else a :class:`~triage.errors.TriageError`."""
        try:
            client = redis.Redis.from_url(url, socket_timeout=TIMEOUT_SECONDS,
                                          socket_connect_timeout=TIMEOUT_SECONDS)
            client.ping()
        except ValueError:  # redis-py's own reading of the URL (a port that is no number, ...)
            raise errors.fail(WHERE, None, words.STORE_BAD_URL, url=shown(url)) from None
        except redis.RedisError as exc:
            raise errors.fail(WHERE, None, words.STORE_UNREACHABLE, url=shown(url),
                              reason=_reason(exc)) from None
        try:
            said = [*client.config_get("save").items(), *client.config_get("appendonly").items()]
        except redis.RedisError as exc:  # CONFIG turned off: whether it writes to disk is unknown
            client.close()
            raise errors.fail(WHERE, None, words.STORE_NOT_CHECKED, url=shown(url),
                              reason=_reason(exc)) from None
        config = {_text(name): _text(value) for name, value in said}
        save, appendonly = config.get("save", ""), config.get("appendonly", "")
        if save.strip() or appendonly != "no":
            client.close()
            raise errors.fail(WHERE, None, words.STORE_PERSISTS, url=shown(url), save=save,
                              appendonly=appendonly)
        return cls(client)

    def bind(self, idle_seconds: float, clock: Callable[[], float]) -> None:
        self.idle_seconds = idle_seconds
        self.clock = clock

    def get(self, token: str) -> VisitState | None:
        visit, held = self._keys(token)
        with self.client.pipeline(transaction=False) as pipe:
            pipe.getex(visit, px=self._idle_ms)
            pipe.getex(held, px=HOLD_SECONDS * 1000)
            kept, shell = pipe.execute()
        for text in (kept, shell):
            if text is not None and (state := VisitState.from_json(token, text)) is not None:
                return state
        return None

    def put(self, state: VisitState) -> None:
        stamped = replace(state, last_seen=self.clock())
        held = stamped.held_state().to_json() if state.emergency else ""
        self._put(keys=list(self._keys(state.token)),
                  args=[stamped.to_json(), self._idle_ms, held, HOLD_SECONDS * 1000])

    def add(self, state: VisitState, limit: int) -> bool:
        visit, _ = self._keys(state.token)
        stamped = replace(state, last_seen=self.clock())
        added = self._add(keys=[visit], args=[PREFIX, limit, stamped.to_json(), self._idle_ms])
        return bool(added)

    def delete(self, token: str) -> None:
        self.client.delete(*self._keys(token))

    def count(self) -> int:
        return int(self._count(args=[PREFIX]))

    def sweep(self) -> int:
        return 0  # Redis expires the keys itself

    def secret(self) -> bytes:
        key = PREFIX + "secret"
        with self.client.pipeline(transaction=True) as pipe:
            pipe.set(key, secrets.token_bytes(32), nx=True)
            pipe.get(key)
            _, value = pipe.execute()
        return bytes(value)

    def close(self) -> None:
        self.client.close()

    @property
    def _idle_ms(self) -> int:
        return max(1, round(self.idle_seconds * 1000))

    @staticmethod
    def _keys(token: str) -> tuple[str, str]:
        digest = hashlib.sha256(token.encode()).hexdigest()
        return f"{PREFIX}v:{digest}", f"{PREFIX}h:{digest}"


def _reason(exc: Exception) -> str:
    return str(exc) or type(exc).__name__


def _text(value: object) -> str:
    return value.decode() if isinstance(value, bytes) else "" if value is None else str(value)
