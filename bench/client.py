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
    exceptions: collections.Counter = field(default_factory=collections.Counter)


class _Conn:
    def __init__(self, host: str, port: int, results: Results):
        self.host, self.port, self.results = host, port, results
        self.reader = self.writer = None

    async def open(self) -> None:
        self.reader, self.writer = await asyncio.open_connection(self.host, self.port)

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
            self.writer = None

    async def request(self, raw: bytes) -> tuple[int, bytes]:
        if self.writer is None:
            await self.open()
            self.results.reconnects += 1
        self.writer.write(raw)
        reader = self.reader
        status_line = await reader.readline()
        if not status_line:
            raise ConnectionResetError("server closed the connection")
        status = int(status_line.split(b" ", 2)[1])
        length, close = 0, False
        while True:
            line = await reader.readline()
            if line in (b"\r\n", b"\n", b""):
                break
            name, _, value = line.partition(b":")
            name = name.strip().lower()
            if name == b"content-length":
                length = int(value)
            elif name == b"connection" and value.strip().lower() == b"close":
                close = True
        body = await reader.readexactly(length) if length else b""
        if close:
            self.close()
        return status, body


def _tap_request(host: str, port: int, creds: TerminalCreds, seq: int, uid: str) -> bytes:
    body = b'{"uid": "' + uid.encode() + b'"}'
    return (f"POST /api/v1/taps HTTP/1.1\r\nHost: {host}:{port}\r\nX-Terminal-Id: {creds.code}\r\n"
            f"X-Terminal-Key: {creds.key}\r\nIdempotency-Key: {seq}\r\nContent-Type: application/json\r\n"
            f"Content-Length: {len(body)}\r\n\r\n").encode() + body


async def _terminal(host, port, creds, uids, results, start_at, stop_at, seed) -> None:
    rng = random.Random(seed)
    conn = _Conn(host, port, results)
    await conn.open()
    seq = 0
    clock = time.perf_counter
    try:
        while clock() < stop_at:
            seq += 1
            raw = _tap_request(host, port, creds, seq, uids[rng.randrange(len(uids))])
            began = clock()
            try:
                status, body = await conn.request(raw)
            except (OSError, asyncio.IncompleteReadError, ValueError, IndexError) as exc:
                conn.close()
                results.exceptions[type(exc).__name__] += 1
                # The same key again is a safe retry: the server replays or books once.
                seq -= 1
                await asyncio.sleep(0.05)
                continue
            done = clock()
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
                warmup: float, seconds: float, on_measure_start=None, on_measure_stop=None) -> Results:
    """Tap for `warmup` + `seconds`; only answers inside the last `seconds` are measured.

    Every terminal finishes the tap it has in flight at the end, so the count of 200 answers
    is complete when this returns.
    """
    results = Results()
    now = time.perf_counter()
    start_at, stop_at = now + warmup, now + warmup + seconds
    tasks = [asyncio.create_task(_terminal(host, port, t, uids, results, start_at, stop_at, i))
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
