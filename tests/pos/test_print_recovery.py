"""A till's printer off for minutes: the receipts wait as originals, print in order when it is back, the light
says so truthfully, and a copy is printed only when a cashier asks (重打副本), with the till's local time."""
from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from pos import status_words as words
from pos.event_hub import EventHub
from pos.printing import ReceiptDesk
from printers import TestPrinter, decode_text, printer_config
from printers.escpos_backend import EscposPrinter
from tests.printers import samples


class Clock:
    """The queue's clock, moved by the test (an outage of minutes without sleeping)."""

    def __init__(self) -> None:
        self.now = 1_800_000_000.0

    def __call__(self) -> float:
        return self.now


def desk_for(printer_url: str, path, clock: Clock, zone: ZoneInfo | None = None) -> ReceiptDesk:
    config = printer_config(f"{printer_url}?paper=58&timeout=1")
    desk = ReceiptDesk(config, path, EventHub(), printer=EscposPrinter(config), zone=zone)
    desk.queue.clock = clock
    return desk


def step_until_idle(desk: ReceiptDesk, clock: Clock, seconds: float) -> None:
    """Run the queue's worker steps for `seconds` of the injected clock."""
    waited = 0.0
    while waited < seconds:
        delay = desk.queue.process_next()
        if delay is None:
            return
        if delay:
            clock.now += delay
            waited += delay


def test_originals_print_in_order_after_a_long_outage_and_the_light_turns_green(tmp_path):
    clock = Clock()
    with TestPrinter("127.0.0.1", 0) as printer:
        desk = desk_for(printer.url, tmp_path / "queue.db", clock)
        printer.set_mode("refuse")
        jobs = [desk.enqueue(build()) for build in (samples.meal_charge, samples.top_up, samples.refund)]
        step_until_idle(desk, clock, 90)  # more than 60 s off
        ok, text, counts = desk.health()
        assert (ok, text, counts["queued"]) == (False, words.PRINTER_UNREACHABLE, 3)
        assert [desk.queue.job(j.id).status for j in jobs] == ["queued"] * 3

        printer.set_mode("accept")  # switched back on
        ok, text, counts = desk.health()  # the health check sees it and prints the waiting originals now
        assert (ok, text, counts["failed"]) == (True, words.PRINTER_OK, 0)
        while desk.queue.process_next() is not None:  # due at once: no clock moved
            pass
        assert [desk.queue.job(j.id).status for j in jobs] == ["printed"] * 3
        texts = [decode_text(data, 32) for data in printer.printed]
        assert [t.splitlines()[1].strip() for t in texts] == [j.receipt.title for j in jobs]  # in order
        assert not any("副本" in t for t in texts)  # originals, not copies
        assert desk.health()[:2] == (True, words.PRINTER_OK)
        desk.queue.printer.close()


def test_a_copy_only_when_asked_with_the_reprint_time_in_the_tills_zone(tmp_path):
    clock = Clock()
    zone = ZoneInfo("Asia/Shanghai")
    with TestPrinter("127.0.0.1", 0) as printer:
        desk = desk_for(printer.url, tmp_path / "queue.db", clock, zone)
        job = desk.enqueue(samples.top_up())
        while desk.queue.process_next() is not None:
            pass
        assert len(printer.printed) == 1
        before = datetime.now(zone)
        copy = desk.reprint(job.id, "张三")
        while desk.queue.process_next() is not None:
            pass
        text = decode_text(printer.printed[-1], 32)
        assert "【副本】" in text and copy["copy_of"] == job.id
        reprinted = next(line for line in text.splitlines() if line.startswith("重打时间："))
        stamp = datetime.strptime(reprinted.split("：", 1)[1], "%Y-%m-%d %H:%M:%S").replace(tzinfo=zone)
        assert abs((stamp - before).total_seconds()) < 120  # local (UTC+8), not the machine's UTC
        assert copy["time"][:4].isdigit() and copy["time"][4] == "-"  # the list shows the date too
        desk.queue.printer.close()
