"""A cashier at the terminal, over HTTP: signs in through the page's form and calls the till's JSON endpoints."""
from __future__ import annotations

import requests

from tests.world import PASSWORD


class CashierAt:
    """One browser session at the terminal."""

    def __init__(self, terminal_url: str) -> None:
        self.url = terminal_url
        self.http = requests.Session()

    def login(self, username: str, password: str = PASSWORD) -> requests.Response:
        """Sign in through the form."""
        return self.http.post(self.url + "/cashier/login", data={"username": username, "password": password},
                              allow_redirects=False, timeout=10)

    def post(self, path: str, data: dict | None = None) -> requests.Response:
        """A JSON action as the page's script sends it."""
        return self.http.post(self.url + "/cashier/api" + path, json=data or {}, timeout=15,
                              headers={"X-Requested-With": "pos"})

    def get(self, path: str, **params) -> requests.Response:
        """A JSON look-up."""
        return self.http.get(self.url + "/cashier/api" + path, params=params, timeout=15)
