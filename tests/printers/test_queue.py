"""The print queue: payments never wait, receipts print in order, failures stay listed, restarts resume."""
from datetime import datetime

import pytest

from printers import decode_text

from . import samples
from .test_receipts_58mm import EXPECTED

WAIT = 10  # generous bound for a worker step; tests assert outcomes, never how long they took


def printed_texts(test_printer) -> list[str]:
    """Each receipt the test printer got, decoded at 58 mm."""
    return [decode_text(data, 32) for data in test_printer.printed]


def test_paper_out_leaves_the_payment_done_and_the_receipt_queued_unprinted(test_printer, network_printer,
                                                                           make_queue):
    test_printer.set_paper("out")
    queue = make_queue(network_printer)

    job = queue.enqueue(samples.meal_charge())  # the till does this after the charge is approved

    assert job.status == "queued" and test_printer.connections == 0  # enqueue never touched the printer
    assert queue.process_next() == 0.0
    job = queue.job(job.id)
    assert job.status == "queued" and job.waiting_for_printer and job.attempts == 0
    assert job.state_text == f"待打印：打印机 {test_printer.url} 缺纸，请装纸"
    assert test_printer.wait_for_jobs(1) and test_printer.printed == []
    assert queue.process_next() == queue.attention_interval  # not retried before the next check

    test_printer.set_paper("ok")
    queue.retry_now()  # the cashier loaded paper
    queue.process_next()

    assert queue.job(job.id).status == "printed"
    assert printed_texts(test_printer) == [EXPECTED["meal_charge"]]


def test_the_worker_prints_once_paper_is_back(test_printer, network_printer, make_queue):
    test_printer.set_paper("out")
    queue = make_queue(network_printer).start()

    job = queue.enqueue(samples.top_up())
    assert queue.wait_for(job.id, lambda j: j.waiting_for_printer, WAIT).status == "queued"
    test_printer.set_paper("ok")
    queue.retry_now()

    assert queue.wait_for(job.id, lambda j: j.status == "printed", WAIT).status == "printed"
    assert printed_texts(test_printer) == [EXPECTED["top_up"]]


def test_a_printer_off_for_minutes_keeps_the_originals_queued_and_prints_them_in_order_when_back(
        test_printer, network_printer, make_queue, clock):
    test_printer.set_mode("refuse")  # switched off: the connection is refused
    queue = make_queue(network_printer, backoff=(2, 5, 15, 30))
    jobs = [queue.enqueue(build()) for build in (samples.refund, samples.top_up)]

    waited = 0.0
    while waited < 600:  # ten minutes of outage, stepped by the injected clock (no sleeping)
        delay = queue.process_next()
        if delay:
            clock.advance(delay)
            waited += delay
    first = queue.job(jobs[0].id)
    assert (first.status, first.error_code) == ("queued", "refused") and first.attempts > 10
    assert first.state_text == (f"待打印：无法连接打印机 {test_printer.url}："
                                "连接被拒绝（打印机未开机，或地址、端口不对）")
    assert queue.jobs("failed") == [] and test_printer.printed == []
    delay = queue.process_next() or queue.process_next()
    assert 0 < delay <= 30  # still trying, every 30 s at most

    test_printer.set_mode("accept")  # back on
    queue.retry_now()  # the till's health check saw it back
    while queue.process_next() is not None:
        pass
    assert [queue.job(j.id).status for j in jobs] == ["printed", "printed"]
    assert printed_texts(test_printer) == [EXPECTED["refund"], EXPECTED["top_up"]]  # originals, in order
    assert "副本" not in "".join(printed_texts(test_printer))


def test_a_printer_that_closes_the_connection_leaves_the_job_queued_with_the_reason(test_printer, network_printer,
                                                                                   make_queue):
    test_printer.set_mode("drop")
    queue = make_queue(network_printer)
    job = queue.enqueue(samples.card_issue())

    queue.process_next()

    kept = queue.job(job.id)
    assert kept.status == "queued" and kept.error_code == "closed"
    assert kept.last_error == f"打印机 {test_printer.url} 断开了连接"


def test_a_reprint_is_re_rendered_and_carries_the_copy_mark(test_printer, network_printer, make_queue):
    queue = make_queue(network_printer)
    original = queue.enqueue(samples.top_up())
    queue.process_next()
    assert queue.job(original.id).status == "printed"

    copy = queue.reprint(original.id, operator="张三", at=datetime(2025, 3, 4, 12, 30))  # only when asked
    queue.process_next()

    assert copy.copy_of == original.id and copy.receipt.copy
    assert queue.job(copy.id).status == "printed"
    expected = (" " * 12 + "【副本】\n" + EXPECTED["top_up"]).replace(
        "[CUT]\n", "本单为副本（重打）\n重打时间：2025-03-04 12:30:00\n重打人：张三\n[CUT]\n")
    assert printed_texts(test_printer) == [EXPECTED["top_up"], expected]


def test_pending_jobs_survive_a_restart_and_print_in_order(test_printer, network_printer, make_queue, tmp_path):
    path = tmp_path / "terminal" / "print-queue.sqlite3"
    test_printer.set_mode("refuse")
    before = make_queue(network_printer, path=path)
    jobs = [before.enqueue(build()) for build in (samples.meal_charge, samples.top_up, samples.refund)]
    before.process_next()
    del before  # the terminal process ends with three receipts unprinted

    test_printer.set_mode("accept")
    after = make_queue(network_printer, path=path)
    assert [j.id for j in after.jobs("queued")] == [j.id for j in reversed(jobs)]
    after.retry_now()
    after.start()

    assert after.wait_for(jobs[-1].id, lambda j: j.status == "printed", WAIT).status == "printed"
    assert all(after.job(j.id).status == "printed" for j in jobs)
    assert printed_texts(test_printer) == [EXPECTED["meal_charge"], EXPECTED["top_up"], EXPECTED["refund"]]


def test_reprinting_an_unknown_job_is_refused(network_printer, make_queue):
    queue = make_queue(network_printer)

    with pytest.raises(LookupError, match="999"):
        queue.reprint(999)
