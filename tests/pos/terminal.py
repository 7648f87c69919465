"""A terminal app for tests: the real `pos` app on its own HTTP port, talking to the real server over HTTP."""
from __future__ import annotations

import threading
import time
from pathlib import Path

from werkzeug.serving import make_server

from pos import create_app


class RunningTerminal:
    """The terminal app served on 127.0.0.1 with its till started; `stop()` ends both."""

    def __init__(self, server_url: str, terminal_code: str, terminal_key: str, data_dir: Path, **config) -> None:
        settings = {"CANTEEN_TERMINAL_SERVER_URL": server_url, "CANTEEN_TERMINAL_ID": terminal_code,
                    "CANTEEN_TERMINAL_KEY": terminal_key, "CANTEEN_TERMINAL_DATA_DIR": str(data_dir),
                    "CANTEEN_CARD_READER": "virtual", "CANTEEN_TERMINAL_SECRET_KEY": "test-terminal",
                    "CANTEEN_TERMINAL_TIMEOUT": "3", "POS_HEALTH_SECONDS": 0.5}
        settings.update(config)
        self.app = create_app(settings)
        self.till = self.app.extensions["pos"]
        self._server = make_server("127.0.0.1", 0, self.app, threaded=True)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()
        self.url = f"http://127.0.0.1:{self._server.server_port}"

    def reader(self, timeout: float = 10.0):
        """The reader the supervisor opened (the virtual one unless configured otherwise)."""
        deadline = time.monotonic() + timeout
        while self.till.supervisor.reader is None:
            if time.monotonic() > deadline:
                raise AssertionError("the terminal did not open its reader")
            time.sleep(0.01)
        return self.till.supervisor.reader

    def stop(self) -> None:
        """Stop the HTTP server and the till's threads (again is harmless)."""
        if not self._thread.is_alive():
            return
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(5)
        self.till.stop()


def held(world, person, card) -> tuple[str, str]:
    """The diner's name and card UID, read before the test's session lets go of the database.

    On SQLite the test's session begins its transactions IMMEDIATE, so it must commit before the terminal (another
    connection) can write; reading the attributes first keeps them from starting a new transaction.
    """
    name, uid = person.name, card.uid
    world.session.commit()
    return name, uid
