"""`canteen virtual-card` taps a card through pcscd; it says clearly when vpcd is not there."""
import socket

import pytest

from cardreader.cli import virtual_card_main
from cardreader.events import CONNECTED, CardPresented, CardRemoved, ReaderState
from tests.cardreader.pcsc_stack import SLOT1_PORT, SLOT1_READER


def test_the_virtual_card_command_taps_its_uid_on_the_reader(start_monitor, capsys):
    monitor, log = start_monitor(SLOT1_READER)
    log.wait_for(lambda e: isinstance(e, ReaderState) and e.state == CONNECTED, "reader connected")
    assert virtual_card_main(["--uid", "04a1b2c3d4e5f6", "--hold", "1.5", "--port", str(SLOT1_PORT)]) == 0
    log.wait_for(lambda e: isinstance(e, CardRemoved), "the card's removal")
    assert [t.uid for t in log.of_type(CardPresented)] == ["04A1B2C3D4E5F6"]
    assert "card 04A1B2C3D4E5F6 presented" in capsys.readouterr().out


def test_the_virtual_card_command_explains_when_vpcd_is_not_listening(capsys):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        free_port = probe.getsockname()[1]
    assert virtual_card_main(["--uid", "04A1B2C3", "--port", str(free_port)]) == 1
    assert "is pcscd running with the vsmartcard-vpcd driver" in capsys.readouterr().err


@pytest.mark.parametrize("uid", ["04A1B2CZ", "", "00" * 17])
def test_the_virtual_card_command_refuses_a_uid_that_is_not_hex(uid, capsys):
    with pytest.raises(SystemExit) as exited:
        virtual_card_main(["--uid", uid])
    assert exited.value.code == 2
    assert "--uid" in capsys.readouterr().err
