"""A cheap load driver: simulated terminals tapping cards over raw HTTP/1.1 keep-alive, on one asyncio loop.

Each terminal has its own connection, credentials and increasing sequence numbers used as
the Idempotency-Key, and sends one tap at a time (a terminal waits for its answer before
the next diner taps). Parsing is kept to the minimum (status line, Content-Length), so the
driver costs a small fraction of a core; the benchmark measures and reports how much.
"""
import asyncio
import collections
import random
import time
from dataclasses import dataclass, field


@dataclass
class TerminalCreds:
    code: str
    key: str


@dataclass
class Results:
    """What the terminals saw. Latencies are of taps answered inside the measured window."""

    latencies: list[float] = field(default_factory=list)
    measured: int = 0
    measured_ok: int = 0
    ok_total: int = 0
    sent_total: int = 0
    statuses: collections.Counter = field(default_factory=collections.Counter)
    error_bodies: collections.Counter = field(default_factory=collections.Counter)
    reconnects: int = 0
    retried: int = 0
    exceptions: collections.Counter = field(default_factory=collections.Counter)


class _Wire(asyncio.Protocol):
    """One TCP connection's answers, parsed from the bytes as they arrive (status line, Content-Length,
    Connection: close), with none of a stream reader's per-line calls."""

    def __init__(self):
        self.transport = None
        self.closed = False
        self.buffer = bytearray()
        self.waiter: asyncio.Future | None = None

    def connection_made(self, transport) -> None:
        self.transport = transport

    def connection_lost(self, exc) -> None:
        self.closed = True
        if self.waiter is not None and not self.waiter.done():
            self.waiter.set_exception(exc or ConnectionResetError("server closed the connection"))

    def data_received(self, data: bytes) -> None:
        buffer = self.buffer
        buffer += data
        end = buffer.find(b"\r\n\r\n")
        if end < 0 or self.waiter is None or self.waiter.done():
            return
        head = bytes(buffer[:end]).lower() + b"\r\n"
        at = head.find(b"\r\ncontent-length:")
        length = int(head[at + 17:head.find(b"\r\n", at + 2)]) if at >= 0 else 0
        if len(buffer) < end + 4 + length:
            return
        body = bytes(buffer[end + 4:end + 4 + length])
        del buffer[:end + 4 + length]
        self.waiter.set_result((int(head[9:12]), body, b"\r\nconnection: close\r\n" in head))

    def close(self) -> None:
        """Drop the connection at once (a terminal has nothing left to send when it closes; no TLS goodbye to
        wait for), so no socket outlives the run."""
        self.closed = True
        self.transport.abort()


class _Conn:
    """A terminal's connection to the server, opened again whenever the server closed it."""

    def __init__(self, host: str, port: int, results: Results, ssl=None):
        self.host, self.port, self.results, self.ssl = host, port, results, ssl
        self.wire: _Wire | None = None

    async def open(self) -> None:
        _, self.wire = await asyncio.get_running_loop().create_connection(_Wire, self.host, self.port, ssl=self.ssl)

    def close(self) -> None:
        if self.wire is not None:
            self.wire.close()
            self.wire = None

    async def request(self, raw: bytes) -> tuple[int, bytes]:
        if self.wire is None or self.wire.closed:
            await self.open()
            self.results.reconnects += 1
        wire = self.wire
        wire.waiter = asyncio.get_running_loop().create_future()
        wire.transport.write(raw)
        status, body, close = await wire.waiter
        if close:
            self.close()
        return status, body


def _tap_request(host: str, port: int, creds: TerminalCreds, seq: int, uid: str) -> bytes:
    body = b'{"uid": "' + uid.encode() + b'"}'
    return (f"POST /api/v1/taps HTTP/1.1\r\nHost: {host}:{port}\r\nX-Terminal-Id: {creds.code}\r\n"
            f"X-Terminal-Key: {creds.key}\r\nIdempotency-Key: {seq}\r\nContent-Type: application/json\r\n"
            f"Content-Length: {len(body)}\r\n\r\n").encode() + body


#: Answers that say "this server (or the proxy's) could not take it now": the same key again, like a lost answer.
RETRY_STATUSES = (502, 503, 504)


#: How long after the run a terminal keeps retrying its last unanswered tap (a server or proxy still away).
RETRY_AFTER_STOP = 30.0


async def _terminal(host, port, creds, uids, results, start_at, stop_at, seed, ssl=None) -> None:
    rng = random.Random(seed)
    conn = _Conn(host, port, results, ssl)
    await conn.open()
    seq = 0
    clock = time.perf_counter
    raw = None  # the tap in flight, sent again byte for byte (same key, same card) until it is answered
    try:
        while clock() < stop_at or (raw is not None and clock() < stop_at + RETRY_AFTER_STOP):
            if raw is None:
                seq += 1
                raw = _tap_request(host, port, creds, seq, uids[rng.randrange(len(uids))])
            began = clock()
            try:
                status, body = await conn.request(raw)
            except (OSError, asyncio.IncompleteReadError, ValueError, IndexError) as exc:
                conn.close()
                results.exceptions[type(exc).__name__] += 1
                # The same key again is a safe retry: the server replays or books once.
                await asyncio.sleep(0.05)
                continue
            done = clock()
            if status in RETRY_STATUSES:
                results.statuses[status] += 1
                results.retried += 1
                await asyncio.sleep(0.05)
                continue
            raw = None
            results.sent_total += 1
            results.statuses[status] += 1
            if status == 200:
                results.ok_total += 1
            elif len(results.error_bodies) < 20:
                results.error_bodies[body[:200]] += 1
            if start_at <= done <= stop_at:
                results.measured += 1
                results.latencies.append(done - began)
                if status == 200:
                    results.measured_ok += 1
    finally:
        conn.close()
        await asyncio.sleep(0)  # the loop closes the socket on its next turn: let it before the run ends


def run(coro):
    """Run the driver on uvloop when installed (``pip install -e '.[bench]'``): it halves the driver's CPU,
    which shares the machine's cores with the server it measures; else on asyncio's own loop."""
    try:
        import uvloop
    except ImportError:
        uvloop = None
    with asyncio.Runner(loop_factory=uvloop.new_event_loop if uvloop else None) as runner:
        return runner.run(coro)


def loop_name() -> str:
    """Which event loop :func:`run` uses."""
    try:
        import uvloop  # noqa: F401
    except ImportError:
        return "asyncio"
    return "uvloop"


async def drive(host: str, port: int, terminals: list[TerminalCreds], uids: list[str], *,
                warmup: float, seconds: float, on_measure_start=None, on_measure_stop=None, ssl=None) -> Results:
    """Tap for `warmup` + `seconds`; only answers inside the last `seconds` are measured.

    Every terminal finishes the tap it has in flight at the end, so the count of 200 answers
    is complete when this returns.
    """
    results = Results()
    now = time.perf_counter()
    start_at, stop_at = now + warmup, now + warmup + seconds
    tasks = [asyncio.create_task(_terminal(host, port, t, uids, results, start_at, stop_at, i, ssl))
             for i, t in enumerate(terminals)]

    async def markers():
        await asyncio.sleep(max(0.0, start_at - time.perf_counter()))
        if on_measure_start:
            on_measure_start()
        await asyncio.sleep(max(0.0, stop_at - time.perf_counter()))
        if on_measure_stop:
            on_measure_stop()

    await asyncio.gather(markers(), *tasks)
    return results
