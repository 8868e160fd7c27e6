"""Server-side sessions of the work screen: the cookie holds only a random token.

Kept in the process's memory (one `inbeeld web` process serves an office): logging out or an idle
half hour really ends a session, and nothing about the user travels in the cookie. Each session
carries its CSRF token and the one-time tokens of the forms it was shown (a second submit of the
same form is recognised and refused, so a double click never saves twice).
"""

from __future__ import annotations

import secrets
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field

COOKIE = "inbeeld_sessie"
IDLE_SECONDS = 30 * 60
MAX_AGE_SECONDS = 10 * 60 * 60
MAX_SESSIONS = 20_000
MAX_FORM_TOKENS = 200


@dataclass(frozen=True)
class Ingelogd:
    """The named user of a session (from the gebruikers register at login)."""

    login: str
    naam: str
    rol: str
    gemeenten: tuple[str, ...] = ()


@dataclass
class Sessie:
    token: str
    csrf: str
    created: float
    seen: float
    gebruiker: Ingelogd | None = None
    formulieren: OrderedDict[str, None] = field(default_factory=OrderedDict)
    melding: str | None = None  # a message for the next page (after a redirect)
    volgende: str | None = None  # the page asked for before logging in

    def new_form_token(self) -> str:
        token = secrets.token_urlsafe(16)
        self.formulieren[token] = None
        while len(self.formulieren) > MAX_FORM_TOKENS:
            self.formulieren.popitem(last=False)
        return token

    def use_form_token(self, token: str) -> bool:
        """True the first time a form shown in this session comes back; False after that."""
        if token in self.formulieren:
            del self.formulieren[token]
            return True
        return False


class SessionStore:
    """Sessions by token, expired after IDLE_SECONDS without a request or MAX_AGE_SECONDS in all."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._sessions: OrderedDict[str, Sessie] = OrderedDict()
        self._lock = threading.Lock()
        self._clock = clock

    def new(self) -> Sessie:
        now = self._clock()
        sessie = Sessie(secrets.token_urlsafe(32), secrets.token_urlsafe(32), now, now)
        with self._lock:
            self._sessions[sessie.token] = sessie
            while len(self._sessions) > MAX_SESSIONS:
                self._sessions.popitem(last=False)
        return sessie

    def get(self, token: str | None) -> Sessie | None:
        if not token:
            return None
        now = self._clock()
        with self._lock:
            sessie = self._sessions.get(token)
            if sessie is None:
                return None
            if now - sessie.seen > IDLE_SECONDS or now - sessie.created > MAX_AGE_SECONDS:
                del self._sessions[token]
                return None
            sessie.seen = now
            self._sessions.move_to_end(token)
            return sessie

    def log_in(self, old: Sessie, gebruiker: Ingelogd) -> Sessie:
        """A fresh token and CSRF token at login (no session fixation); the old session ends."""
        self.end(old)
        sessie = self.new()
        sessie.gebruiker = gebruiker
        return sessie

    def end(self, sessie: Sessie) -> None:
        with self._lock:
            self._sessions.pop(sessie.token, None)
