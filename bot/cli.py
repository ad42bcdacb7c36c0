"""The `wipbot` command: run the bot, the local Telegram sandbox, or the rehearsal."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from bot.settings import SettingsError, load_settings

TOKEN_HELP = (
    "TELEGRAM_BOT_TOKEN is not set: create a bot with @BotFather in Telegram "
    "(https://t.me/BotFather, command /newbot) and put its token in .env or the environment."
)


def _build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="wipbot", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    run = commands.add_parser("run", help="run the bot against Telegram (needs TELEGRAM_BOT_TOKEN)")
    run.add_argument(
        "--webhook",
        action="store_true",
        help="serve Telegram's webhook (WIPBOT_WEBHOOK_URL, WIPBOT_WEBHOOK_SECRET, ...) "
        "instead of polling; several workers may share one PostgreSQL database",
    )
    sandbox = commands.add_parser("sandbox", help="run the local Telegram stand-in")
    sandbox.add_argument("--host", default="127.0.0.1")
    sandbox.add_argument("--port", type=int, default=8081, help="0 picks a free port")
    sandbox.add_argument("--token", default=None, help="the bot token the sandbox accepts")
    demo = commands.add_parser("demo", help="rehearse a whole workshop locally, no token needed")
    demo.add_argument("--speed", type=float, default=None, help="virtual seconds per second")
    demo.add_argument("--out", default="demo-output", help="folder for the database and export")
    demo.add_argument("--participants", type=int, default=36)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Parses the command line and runs the chosen command."""
    args = _build_parser().parse_args(argv)
    try:
        if args.command == "run":
            settings = load_settings()
            if settings.token is None:
                print(TOKEN_HELP, file=sys.stderr)
                return 2
            from bot.runner import run_bot

            return run_bot(settings, webhook=args.webhook)
        if args.command == "sandbox":
            from sandbox.server import main as sandbox_main

            sandbox_argv = ["--host", args.host, "--port", str(args.port)]
            if args.token:
                sandbox_argv += ["--token", args.token]
            return int(sandbox_main(sandbox_argv))
        if args.command == "demo":
            from bot.rehearsal.run import run_demo

            return int(run_demo(args))
    except SettingsError as exc:
        print(exc, file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    return 1


if __name__ == "__main__":
    sys.exit(main())
