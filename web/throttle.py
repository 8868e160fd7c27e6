"""Login throttling in front of the register's own lock (5 failures lock the account there).

The register locks an account; this also slows down one address trying many logins (password
spraying) and answers a locked login without even checking the password, so a guesser learns
nothing from timing. Failures are counted in a sliding window per login and per client address.
"""

from __future__ import annotations

import threading
import time
from collections import defaultdict, deque
from collections.abc import Callable

from inbeeld.settings import login_key

WINDOW_SECONDS = 15 * 60
MAX_PER_LOGIN = 5
MAX_PER_ADDRESS = 20


class LoginThrottle:
    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._failures: dict[str, deque[float]] = defaultdict(deque)
        self._lock = threading.Lock()
        self._clock = clock

    def _recent(self, key: str, now: float) -> deque[float]:
        times = self._failures[key]
        while times and now - times[0] > WINDOW_SECONDS:
            times.popleft()
        return times

    def wait_seconds(self, login: str, address: str) -> int:
        """Seconds until this login from this address may be tried again (0: now)."""
        now = self._clock()
        with self._lock:
            waits = []
            limits = ((f"login:{login_key(login)}", MAX_PER_LOGIN), (f"adres:{address}", MAX_PER_ADDRESS))
            for key, limit in limits:
                times = self._recent(key, now)
                if len(times) >= limit:
                    waits.append(int(WINDOW_SECONDS - (now - times[-limit])) + 1)
            return max(waits, default=0)

    def failed(self, login: str, address: str) -> None:
        now = self._clock()
        with self._lock:
            for key in (f"login:{login_key(login)}", f"adres:{address}"):
                self._recent(key, now).append(now)

    def succeeded(self, login: str) -> None:
        with self._lock:
            self._failures.pop(f"login:{login_key(login)}", None)
