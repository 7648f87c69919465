"""Printer configuration from a URL, a mapping or the environment."""
import pytest

from printers import config_from_env, printer_config


def test_a_url_names_the_backend_and_carries_settings_and_backend_options():
    config = printer_config("serial:///dev/ttyUSB0?baudrate=115200&paper=80&qr=yes&timeout=2.5")

    assert config.backend == "serial"
    assert (config.paper, config.line_columns, config.qr, config.timeout) == (80, 48, True, 2.5)
    assert config.options == {"baudrate": "115200"}
    assert config.label == "serial:///dev/ttyUSB0"


@pytest.mark.parametrize(("url", "backend"), [("tcp://10.0.0.5", "network"), ("network://10.0.0.5:9100", "network"),
                                              ("usb://0x0416:0x5011", "usb"), ("file:///dev/usb/lp0", "file")])
def test_each_backend_has_a_url_scheme(url, backend):
    assert printer_config(url).backend == backend


def test_defaults_suit_a_58_mm_chinese_printer():
    config = printer_config("tcp://10.0.0.5")

    assert (config.paper, config.line_columns, config.codec, config.cut, config.qr) == (58, 32, "gb18030",
                                                                                        "partial", False)
    assert config.chinese_mode and config.status


def test_mapping_settings_win_over_the_urls_query():
    config = printer_config({"url": "tcp://10.0.0.5?paper=58&codec=gbk", "paper": 80, "columns": 42})

    assert (config.paper, config.line_columns, config.codec) == (80, 42, "gbk")


def test_the_environment_configures_the_terminals_printer():
    env = {"CANTEEN_PRINTER_URL": "tcp://10.0.0.5:9100", "CANTEEN_PRINTER_PAPER": "80",
           "CANTEEN_PRINTER_QR": "1", "CANTEEN_PRINTER_CUT": "full", "CANTEEN_PRINTER_STATUS": "off", "HOME": "/"}
    config = config_from_env(env)

    assert (config.url, config.paper, config.qr, config.cut, config.status) == ("tcp://10.0.0.5:9100", 80, True,
                                                                                "full", False)
    assert config_from_env({"HOME": "/"}) is None


@pytest.mark.parametrize("bad", [{"url": "ftp://printer"}, {"url": "tcp://p", "paper": 76},
                                 {"url": "tcp://p", "codec": "no-such-codec"}, {"url": "tcp://p", "cut": "half"},
                                 {"url": "tcp://p", "qr": "maybe"}, {"url": "tcp://p", "colour": "red"}, {},
                                 {"url": "tcp://p", "timeout": 0}, {"url": "tcp://p", "columns": 10}])
def test_bad_printer_configuration_is_refused_with_a_clear_error(bad):
    with pytest.raises((ValueError, LookupError)):
        printer_config(bad)
