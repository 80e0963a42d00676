"""A real headless Chromium for the exported page: Debian's `chromium` driven by Playwright.

Playwright (the PyPI package) talks to the system browser through `executable_path`; it never
downloads a browser of its own. `python tests/browser_helpers.py PAGE.html OUT.png` takes the
screenshot the tests take (how the picture in docs/export-and-ci.md was made).
"""

from __future__ import annotations

import os
import shutil
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

# What works on a machine with a closed network (see the project's CI notes): no sandbox as
# root, and none of Chromium's background connections.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1000, "height": 900}


def chromium_path() -> str | None:
    configured = os.environ.get("GLOSSARY_LSP_CHROMIUM")
    if configured:
        return configured
    return next(
        (found for name in ("chromium", "chromium-browser") if (found := shutil.which(name))),
        None,
    )


def why_no_browser() -> str | None:
    """None when the browser tests can run, else why not."""
    configured = os.environ.get("GLOSSARY_LSP_CHROMIUM")
    if configured and not Path(configured).is_file():
        return f"GLOSSARY_LSP_CHROMIUM={configured} is no file"
    if chromium_path() is None:
        return "no chromium on PATH (Debian: apt-get install -y chromium)"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "the playwright package is not installed (pip install '.[test]')"
    return None


@contextmanager
def browser() -> Iterator[Any]:
    """A headless Chromium with a fresh profile (Playwright makes a new user-data dir)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=chromium_path(), headless=True, args=CHROMIUM_ARGS
        )
        try:
            yield launched
        finally:
            launched.close()


def open_file(chromium: Any, path: Path, viewport: dict[str, int] = DESKTOP) -> Any:
    """A new page showing the file at `path` (a `file://` URL), network requests refused."""
    context = chromium.new_context(viewport=viewport)
    page = context.new_page()
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    page.goto(path.resolve().as_uri())
    page.requests = requests  # every URL the page asked for, to prove it loads nothing else
    return page


def screenshot(html: Path, png: Path, viewport: dict[str, int] = DESKTOP) -> Path:
    png.parent.mkdir(parents=True, exist_ok=True)
    with browser() as chromium:
        page = open_file(chromium, html, viewport)
        page.screenshot(path=str(png))
    return png


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit("usage: python tests/browser_helpers.py PAGE.html OUT.png")
    print(screenshot(Path(sys.argv[1]), Path(sys.argv[2])))
