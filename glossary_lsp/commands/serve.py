"""`glossary-lsp [serve] [--stdio | --tcp HOST:PORT]`: serve LSP.

On stdio, stdout carries only the protocol; logs go to stderr and `window/logMessage`.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys


def add_arguments(parser: argparse.ArgumentParser) -> None:
    transport = parser.add_mutually_exclusive_group()
    transport.add_argument("--stdio", action="store_true", help="serve on stdin/stdout (default)")
    transport.add_argument("--tcp", metavar="HOST:PORT", help="serve on a TCP socket")
    parser.add_argument(
        "--log-level", default="INFO", choices=["DEBUG", "INFO", "WARNING", "ERROR"]
    )
    parser.add_argument("--version", action="store_true", help="print the version and exit")


def parse_address(text: str) -> tuple[str, int]:
    host, _, port = text.rpartition(":")
    if not host or not port.isdigit():
        raise SystemExit(f"glossary-lsp: --tcp expects HOST:PORT, got {text!r}")
    return host, int(port)


def run(args: argparse.Namespace) -> int:
    from glossary_lsp import __version__

    if args.version:
        print(f"glossary-lsp {__version__}")
        return 0
    address = parse_address(args.tcp) if args.tcp else None
    logging.basicConfig(
        stream=sys.stderr, level=args.log_level, format="glossary-lsp %(levelname)s: %(message)s"
    )
    # pygls logs every message at INFO; only its warnings are worth an author's attention.
    logging.getLogger("pygls").setLevel(max(logging.WARNING, logging.getLevelName(args.log_level)))
    from glossary_lsp.lsp.handlers import create_server

    server = create_server()
    if address:
        server.start_tcp(*address)
    else:
        server.start_io()
    code = server.exit_code
    # Analyses still running in worker threads are abandoned, not waited for: the interpreter
    # would join them at exit (an `exit` then takes as long as the slowest analysis).
    logging.shutdown()
    os._exit(code)
