"""The deployment files name real commands and real settings."""
import re
import subprocess
import sys
from pathlib import Path

from canteen.config import DEFAULTS

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
    for timer in ("rollup", "forecast", "noshow"):
        assert (DEPLOY / "systemd" / f"canteen-{timer}.timer").exists()
