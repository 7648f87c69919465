"""Skip a test whose real service is missing, loudly; fail instead under CANTEEN_REQUIRE_SERVICES=1."""
import os

import pytest


def services_required() -> bool:
    """True when CI asked that no service test be skipped."""
    return os.environ.get("CANTEEN_REQUIRE_SERVICES", "") not in ("", "0", "false", "no")


def missing_service(name: str, reason: str) -> None:
    """Skip (locally) or fail (under CANTEEN_REQUIRE_SERVICES=1) because service `name` is not available."""
    message = f"{name} not available: {reason}"
    if services_required():
        pytest.fail(f"{message} (CANTEEN_REQUIRE_SERVICES=1 forbids skipping)", pytrace=False)
    pytest.skip(message)
