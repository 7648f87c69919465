"""A checkpoint signing key, configured as CANTEEN_CHECKPOINT_KEY would set it."""
import pytest

from canteen.ledger.checkpoints import generate_key


@pytest.fixture
def signing_key(app, tmp_path):
    """A checkpoint key in the app's configuration; yields (path, public key hex)."""
    path = tmp_path / "checkpoint.pem"
    public = generate_key(path)
    app.config["CHECKPOINT_KEY"] = str(path)
    return path, public
