"""Starts the glossary-lsp server that the VS Code extension carries, from bundled/libs.

The libraries there are the server and its pure-Python dependencies; compiled modules are left
out, so rapidfuzz and PyYAML use their pure-Python implementations on every platform.
"""

import os
import sys

if sys.version_info < (3, 10):  # noqa: UP036 (this file runs under whatever Python it is given)
    found = ".".join(str(part) for part in sys.version_info[:3])
    sys.exit(f"glossary-lsp needs Python 3.10 or newer; {sys.executable} is Python {found}")

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "libs"))

from glossary_lsp.cli import main  # noqa: E402 (after the path is set)

raise SystemExit(main())
