"""`canteen virtual-card`: tap a virtual card on pcscd's vsmartcard-vpcd reader from the command line."""
from __future__ import annotations

import argparse
import os
import sys

from cardreader.virtual_card import VirtualCard, VirtualCardError
from cardreader.vpcd import DEFAULT_HOST, DEFAULT_PORT, UidAnswer

MAX_UID_BYTES = 16


def _uid(text: str) -> bytes:
    cleaned = text.replace(" ", "").replace(":", "")
    try:
        raw = bytes.fromhex(cleaned)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not hexadecimal (e.g. 04A1B2C3D4E5F6)") from None
    if not 1 <= len(raw) <= MAX_UID_BYTES:
        raise argparse.ArgumentTypeError(f"a UID has 1 to {MAX_UID_BYTES} bytes, not {len(raw)}")
    return raw


def _env_port() -> int:
    value = os.environ.get("CANTEEN_VPCD_PORT", "")
    return int(value) if value.isdigit() else DEFAULT_PORT


def build_parser() -> argparse.ArgumentParser:
    """The argument parser; UIDs of any length are allowed so refusals (random, wrong length) can be shown."""
    parser = argparse.ArgumentParser(
        prog="canteen virtual-card",
        description="Put a virtual card on the vsmartcard-vpcd reader of a running pcscd, hold it, take it away.")
    parser.add_argument("--uid", required=True, type=_uid, help="card UID in hex, e.g. 04A1B2C3D4E5F6")
    parser.add_argument("--hold", type=float, default=1.0, metavar="SECONDS",
                        help="how long the card stays on the reader (default 1.0)")
    parser.add_argument("--host", default=os.environ.get("CANTEEN_VPCD_HOST", DEFAULT_HOST),
                        help="vpcd host (default $CANTEEN_VPCD_HOST or 127.0.0.1)")
    parser.add_argument("--port", type=int, default=_env_port(),
                        help="vpcd port: 35963 for 'Virtual PCD 00 00', 35964 for '... 00 01' "
                             "(default $CANTEEN_VPCD_PORT or 35963)")
    parser.add_argument("--answer", choices=[a.value for a in UidAnswer], default=UidAnswer.UID.value,
                        help="how the card answers GET DATA: uid (normal), pull (leaves mid-read), garbage, error")
    return parser


def virtual_card_main(argv: list[str] | None = None) -> int:
    """Run `canteen virtual-card`; 0 when the card was presented, 1 when vpcd could not be reached."""
    args = build_parser().parse_args(argv)
    if args.hold < 0:
        print("--hold must not be negative", file=sys.stderr)
        return 2
    card = VirtualCard(args.uid, host=args.host, port=args.port, uid_answer=args.answer)
    try:
        card.present(args.hold)
    except VirtualCardError as exc:
        print(f"virtual card: {exc}", file=sys.stderr)
        return 1
    print(f"card {args.uid.hex().upper()} presented on {args.host}:{args.port} for {args.hold:g} s"
          + (" (left early: pulled or pcscd went away)" if card.gone.is_set() else ""))
    return 0


def click_command():
    """The ``canteen virtual-card`` command, registered through the ``flask.commands`` entry point."""
    import click

    @click.command("virtual-card", add_help_option=False, context_settings={"ignore_unknown_options": True},
                   help="Present a virtual card on pcscd's vsmartcard-vpcd reader (--uid HEX [--hold SECONDS]).")
    @click.argument("args", nargs=-1, type=click.UNPROCESSED)
    def virtual_card(args):
        sys.exit(virtual_card_main(list(args)))

    return virtual_card


virtual_card_command = click_command()


if __name__ == "__main__":
    sys.exit(virtual_card_main())
