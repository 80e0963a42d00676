"""File paths ↔ `file:` URIs, as editors write them (percent-encoded, forward slashes).

Documents are known by URI at the edge and by path inside; a URI that is not `file:` (an
untitled buffer, a notebook cell) has no path.
"""

from __future__ import annotations

import functools
import os
import re
from pathlib import Path
from urllib.parse import unquote, urlsplit

_WINDOWS_DRIVE = re.compile(r"^/[A-Za-z]:")


@functools.lru_cache(maxsize=4096)
def path_to_uri(path: str | os.PathLike[str]) -> str:
    """The `file:` URI of a path (made absolute; remembered, as results name a few files
    many times)."""
    return Path(os.path.abspath(path)).as_uri()


@functools.lru_cache(maxsize=4096)
def uri_to_path(uri: str) -> Path | None:
    """The path of a `file:` URI; None for any other scheme (remembered: every request on a
    document asks it again)."""
    parts = urlsplit(uri)
    if parts.scheme != "file":
        return None
    path = unquote(parts.path)
    if _WINDOWS_DRIVE.match(path):
        path = path[1:]
    if parts.netloc and parts.netloc != "localhost":
        path = f"//{parts.netloc}{path}"
    return Path(path)


def uri_key(uri: str) -> str:
    """One spelling of a URI for lookups: clients differ in what they percent-encode."""
    return unquote(uri)
