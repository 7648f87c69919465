"""``canteen terminal run``: serve the terminal page on 127.0.0.1 for the till's browser.

Flags override the ``CANTEEN_TERMINAL_*`` / ``CANTEEN_CARD_READER`` / ``CANTEEN_PRINTER_URL`` environment.
"""
from __future__ import annotations

import logging
import signal

import click


@click.command("run")
@click.option("--server", "server_url", help="Server URL (CANTEEN_TERMINAL_SERVER_URL)")
@click.option("--terminal-id", help="Terminal code (CANTEEN_TERMINAL_ID)")
@click.option("--terminal-key", help="Terminal key (CANTEEN_TERMINAL_KEY)")
@click.option("--reader", type=click.Choice(["virtual", "pcsc", "wedge"]), help="Card reader (CANTEEN_CARD_READER)")
@click.option("--reader-pattern", help="PC/SC reader name pattern (CANTEEN_READER_PATTERN)")
@click.option("--printer", "printer_url", help="Printer URL, e.g. tcp://192.168.1.50:9100 (CANTEEN_PRINTER_URL)")
@click.option("--data-dir", help="Sequence file and print queue (CANTEEN_TERMINAL_DATA_DIR)")
@click.option("--meal-receipts/--no-meal-receipts", default=None, help="Print a receipt for every diner tap")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5001, show_default=True)
def run_command(server_url, terminal_id, terminal_key, reader, reader_pattern, printer_url, data_dir,
                meal_receipts, host, port):
    """Run this machine's terminal (till or kiosk) against the canteen server."""
    from werkzeug.serving import make_server

    from pos import create_app

    overrides = {"CANTEEN_TERMINAL_SERVER_URL": server_url, "CANTEEN_TERMINAL_ID": terminal_id,
                 "CANTEEN_TERMINAL_KEY": terminal_key, "CANTEEN_CARD_READER": reader,
                 "CANTEEN_READER_PATTERN": reader_pattern, "CANTEEN_PRINTER_URL": printer_url,
                 "CANTEEN_TERMINAL_DATA_DIR": data_dir,
                 "CANTEEN_TERMINAL_MEAL_RECEIPTS": None if meal_receipts is None else ("1" if meal_receipts else "0")}
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    try:
        app = create_app({k: v for k, v in overrides.items() if v is not None})
    except ValueError as exc:
        raise click.ClickException(str(exc)) from exc
    till = app.extensions["pos"]
    server = make_server(host, port, app, threaded=True)
    click.echo(f"terminal {till.settings.terminal_id} on http://{host}:{port}/ (cashier: /cashier) "
               f"-> {till.settings.server_url}")
    signal.signal(signal.SIGTERM, _stop_on_sigterm)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
        till.stop()


def _stop_on_sigterm(signum, frame):
    """systemd and `kill` stop the terminal like Ctrl-C does: threads stopped, queue file closed cleanly."""
    raise KeyboardInterrupt
