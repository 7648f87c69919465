"""The terminal's client for the server's JSON API (``/api/v1``).

Short timeouts, so a till never hangs on a dead network. Every write carries an Idempotency-Key made of the
terminal code and the next number of the persisted :class:`~pos.sequence.Sequence`; when a write times out or the
connection drops, it is sent again with the *same* key, so the server books it once (a replay answers with the
first result). Refusals come back as :class:`ServerRefused` with the server's stable code and its message.
"""
from __future__ import annotations

import contextlib
import logging
import threading
import time
from dataclasses import dataclass
from typing import Any, Iterator

import requests

from pos.i18n import N_
from pos.sequence import Sequence

log = logging.getLogger(__name__)

#: Server answers after which the same request may be sent again with the same key.
_RETRY_STATUSES = {502, 503, 504}
#: How far the sequence jumps when the server has already seen a fresh key (the sequence file was lost or
#: restored from an old backup): far enough that the next keys are new too.
SEQUENCE_JUMP = 1000


#: What the page says when no answer came (a page in another language translates it, see pos.views.common).
UNREACHABLE = N_("无法连接服务器，请稍后重试")


class ServerError(Exception):
    """The server could not be asked or refused; `code` is stable, `message` is for the page."""

    def __init__(self, code: str, message: str, status: int | None = None, body: dict | None = None) -> None:
        super().__init__(f"{code}: {message}")
        self.code, self.message, self.status, self.body = code, message, status, body or {}


class ServerRefused(ServerError):
    """The server answered with an error: nothing was booked."""


class ServerUnreachable(ServerError):
    """No answer from the server (timeout, connection refused) after every retry."""


@dataclass(frozen=True)
class Reply:
    """A successful answer: HTTP status, JSON body, and whether the server replayed an earlier result."""

    status: int
    body: dict
    replayed: bool = False
    key: str | None = None


class ApiClient:
    """Talks to one server as one terminal; thread-safe (one HTTP session per thread)."""

    def __init__(self, base_url: str, terminal_id: str, terminal_key: str, sequence: Sequence, *,
                 timeout: float = 3.0, retries: int = 2, retry_pause: float = 0.2) -> None:
        self.base_url = base_url.rstrip("/")
        self.terminal_id, self._terminal_key = terminal_id, terminal_key
        self.sequence = sequence
        self.timeout, self.retries, self.retry_pause = timeout, retries, retry_pause
        self._local = threading.local()

    def _session(self) -> requests.Session:
        session = getattr(self._local, "session", None)
        if session is None:
            session = self._local.session = requests.Session()
        return session

    @contextlib.contextmanager
    def speaking(self, language: str) -> Iterator[None]:
        """Ask for the server's messages in `language` (``en`` or ``zh``) on this thread inside the block: a
        cashier's page in English shows the server's refusals in English."""
        before = getattr(self._local, "language", "zh")
        self._local.language = "en" if language.startswith("en") else "zh"
        try:
            yield
        finally:
            self._local.language = before

    def _headers(self, token: str | None, key: str | None) -> dict[str, str]:
        headers = {"X-Terminal-Id": self.terminal_id, "X-Terminal-Key": self._terminal_key,
                   "Accept-Language": getattr(self._local, "language", "zh")}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        if key:
            headers["Idempotency-Key"] = key
        return headers

    def next_key(self, skip: int = 0) -> str:
        """A fresh idempotency key: terminal code and the next persisted sequence number."""
        return f"{self.terminal_id}-{self.sequence.next(skip)}"

    def get(self, path: str, *, token: str | None = None, params: dict | None = None) -> Reply:
        """A read; retried like a write, since reading twice is harmless."""
        return self._send("GET", path, token=token, params=params)

    def post(self, path: str, body: dict | None = None, *, token: str | None = None, key: str | None = None) -> Reply:
        """A write with an idempotency key (a fresh one unless given), retried with that key after timeouts.

        When the server says a *fresh* key was already used for another request, this terminal's sequence is
        behind what the server has seen (its file was lost or restored): nothing was booked under that key for
        this request, so the sequence jumps ahead and the request goes once more with a new key.
        """
        if key is not None:
            return self._send("POST", path, token=token, body=body or {}, key=key)
        key = self.next_key()
        try:
            return self._send("POST", path, token=token, body=body or {}, key=key)
        except ServerRefused as exc:
            if exc.code != "idempotency_conflict":
                raise
            fresh = self.next_key(skip=SEQUENCE_JUMP)
            log.error("server had already seen key %s: sequence file behind the server; continuing at %s",
                      key, fresh)
            return self._send("POST", path, token=token, body=body or {}, key=fresh)

    def login(self, username: str, password: str) -> Reply:
        """Sign an operator in (no idempotency key: nothing is booked)."""
        return self._send("POST", "/api/v1/auth/login", body={"username": username, "password": password})

    def health(self) -> bool:
        """True when the server's health check answers 200."""
        try:
            response = self._session().get(self.base_url + "/healthz", timeout=self.timeout)
        except requests.RequestException:
            return False
        return response.status_code == 200

    def _send(self, method: str, path: str, *, token: str | None = None, body: dict | None = None,
              params: dict | None = None, key: str | None = None) -> Reply:
        url = self.base_url + path
        last: Exception | None = None
        for attempt in range(self.retries + 1):
            if attempt:
                time.sleep(self.retry_pause * attempt)
                log.warning("retrying %s %s (attempt %s) with key %s after %s", method, path, attempt + 1, key, last)
            try:
                response = self._session().request(method, url, json=body if method == "POST" else None,
                                                   params=params, headers=self._headers(token, key),
                                                   timeout=self.timeout)
            except requests.Timeout as exc:
                last = exc
                continue
            except (requests.ConnectionError, requests.exceptions.ChunkedEncodingError,
                    requests.exceptions.ContentDecodingError) as exc:  # no answer, or one cut off midway
                last = exc
                self._local.session = None  # a dropped keep-alive connection: start afresh
                continue
            if response.status_code in _RETRY_STATUSES:
                last = ServerError("service_unavailable", f"HTTP {response.status_code}", response.status_code)
                continue
            return self._reply(response, key)
        raise ServerUnreachable("server_unreachable", UNREACHABLE, None,
                                {"detail": str(last), "key": key})

    @staticmethod
    def _reply(response: requests.Response, key: str | None) -> Reply:
        try:
            body: dict[str, Any] = response.json()
        except ValueError:
            body = {}
        if response.status_code >= 400:
            error = body.get("error") or {}
            raise ServerRefused(error.get("code", f"http_{response.status_code}"),
                                error.get("message", f"服务器返回错误 {response.status_code}"),
                                response.status_code, body)
        return Reply(response.status_code, body, response.headers.get("Idempotent-Replayed") == "true", key)
