"""The deployment files name real commands and real settings."""
import re
import shutil
import subprocess
import sys
from pathlib import Path

from canteen.config import DEFAULTS
from tests.services import missing_service

DEPLOY = Path(__file__).resolve().parents[2] / "deploy"
README = (DEPLOY.parent / "README.md").read_text()
#: Read from the environment outside the config (instance folder, config file, gunicorn's access log).
ENVIRONMENT_ONLY = {"INSTANCE_DIR", "CONFIG", "ACCESS_LOG"}


def test_every_setting_in_the_production_example_exists_and_is_documented():
    keys = re.findall(r"^CANTEEN_([A-Z_]+)=", (DEPLOY / "canteen.env.example").read_text(), re.M)
    assert keys
    for key in keys:
        assert key in DEFAULTS or key in ENVIRONMENT_ONLY, key
        assert f"`CANTEEN_{key}`" in README, f"CANTEEN_{key} is not in README's Configuration"


def test_every_unit_runs_a_canteen_command_that_exists():
    canteen = Path(sys.executable).parent / "canteen"
    units = sorted((DEPLOY / "systemd").glob("*.service"))
    assert {u.name for u in units} >= {"canteen@.service", "canteen-rollup.service", "canteen-forecast.service",
                                       "canteen-noshow.service", "canteen-terminal.service"}
    for unit in units:
        text = unit.read_text()
        line = re.search(r"^ExecStart=\S+/canteen (.*)$", text, re.M).group(1)
        words = [w for w in line.split() if not w.startswith("-")]
        command = []
        for word in words:  # the subcommand words come before the first option
            if line.split().index(word) != len(command):
                break
            command.append(word)
        done = subprocess.run([str(canteen), *command, "--help"], capture_output=True, text=True, timeout=60)
        assert done.returncode == 0, (unit.name, command, done.stderr[-500:])
        options = re.findall(r"(--[a-z-]+)", line)
        for option in options:
            assert option in done.stdout, (unit.name, option)
    for timer in ("rollup", "forecast", "noshow", "backup", "restore-drill"):
        assert (DEPLOY / "systemd" / f"canteen-{timer}.timer").exists()


def test_the_pgbackrest_example_holds_only_options_pgbackrest_knows(tmp_path):
    if shutil.which("pgbackrest") is None:
        missing_service("pgbackrest", "not installed (Debian: apt-get install pgbackrest)")
    config = DEPLOY / "pgbackrest" / "pgbackrest.conf"
    (tmp_path / "conf.d").mkdir()
    done = subprocess.run(
        ["pgbackrest", f"--config={config}", f"--config-include-path={tmp_path / 'conf.d'}", "--stanza=canteen",
         f"--repo1-path={tmp_path / 'repo'}", f"--log-path={tmp_path}", "info"],
        capture_output=True, text=True, timeout=60, env={"PGBACKREST_REPO1_CIPHER_PASS": "example", "PATH": "/usr/bin"})
    assert done.returncode == 0, done.stderr
    assert "invalid option" not in done.stderr and "stanza: canteen" in done.stdout
    for kind in ("full", "diff"):
        unit = (DEPLOY / "pgbackrest" / f"pgbackrest-{kind}.service").read_text()
        assert f"--stanza=canteen --type={kind} backup" in unit
        assert (DEPLOY / "pgbackrest" / f"pgbackrest-{kind}.timer").exists()
    # The archive_command the README and the example give is the one the tested procedure uses.
    assert "archive_command = 'pgbackrest --stanza=canteen archive-push %p'" in README
