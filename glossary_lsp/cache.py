"""A cache of validated glossaries, so that an unchanged large glossary loads in a fraction.

After a file loads without problems, `store` writes its `Glossary` as plain JSON (no pickle: a
cache file can never run code) into the user's cache directory, never into the workspace:
`$GLOSSARY_LSP_CACHE_DIR` if set (`off` disables the cache), else `$XDG_CACHE_HOME/glossary-lsp`,
else `~/.cache/glossary-lsp`. `load` returns it only when everything that decided the result is
unchanged: the file's bytes, its path as given, the modules known to it, and the code of the
loader, the model and this module. Anything unexpected (a missing, truncated, corrupt or foreign
cache file, a directory others may write) is a miss, and the caller loads the file as usual.

One cache file per (path, known modules): a new version of a file replaces the old entry, so
editing a glossary does not fill the disk. Files smaller than `MIN_CACHED_BYTES` load faster than
a cache lookup pays off and are not cached.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import sys
import tempfile
from collections.abc import Collection
from functools import lru_cache
from pathlib import Path

from glossary_lsp.gc_pause import no_cycle_collection
from glossary_lsp.model import Glossary, Module, SourceLocation, Term, UnattributedLine

log = logging.getLogger(__name__)

CACHE_DIR_ENV = "GLOSSARY_LSP_CACHE_DIR"
MIN_CACHED_BYTES = 1_000_000
_FORMAT = "glossary-lsp-cache 1"
# The code whose behaviour a cached glossary stands for: any change to it is a miss.
_CODE_FILES = ("loader.py", "model.py", "cache.py")


def cache_dir() -> Path | None:
    """Where cached glossaries go; None when the cache is turned off."""
    configured = os.environ.get(CACHE_DIR_ENV, "").strip()
    if configured.lower() == "off":
        return None
    if configured:
        return Path(configured).expanduser()
    xdg = os.environ.get("XDG_CACHE_HOME", "").strip()
    base = Path(xdg) if xdg and Path(xdg).is_absolute() else Path.home() / ".cache"
    return base / "glossary-lsp"


@lru_cache(maxsize=1)
def _code_version() -> str:
    digest = hashlib.sha256(f"{_FORMAT}\0{sys.version_info[:2]}".encode())
    package = Path(__file__).resolve().parent
    for name in _CODE_FILES:
        try:
            digest.update((package / name).read_bytes())
        except OSError:  # e.g. running from a zip: the package version must do
            from glossary_lsp import __version__

            digest.update(f"{name} {__version__}".encode())
    return digest.hexdigest()


def _slot(directory: Path, path: str, known_modules: Collection[str]) -> Path:
    """The cache file of one glossary path read with these known modules."""
    identity = json.dumps([path, sorted(known_modules)])
    return directory / (hashlib.sha256(identity.encode()).hexdigest()[:32] + ".json")


def _header(data: bytes, path: str, known_modules: Collection[str], body: bytes) -> bytes:
    """The first line of a cache file: what it was made from, and a digest of its body."""
    source = hashlib.sha256(data).hexdigest()
    context = json.dumps([_code_version(), path, sorted(known_modules), source])
    made_from = hashlib.sha256(context.encode()).hexdigest()
    return f"{made_from} {hashlib.blake2b(body).hexdigest()}\n".encode()


def _private_dir(directory: Path) -> bool:
    """Whether `directory` is ours alone (on POSIX: owned by us, writable by nobody else)."""
    try:
        status = directory.stat()
    except OSError:
        return False
    if not hasattr(os, "getuid"):
        return True
    return status.st_uid == os.getuid() and not status.st_mode & 0o022


def load(path: str, data: bytes, known_modules: Collection[str]) -> Glossary | None:
    """The cached glossary for `data` read from `path`, or None on a miss."""
    directory = cache_dir()
    if directory is None or len(data) < MIN_CACHED_BYTES or not _private_dir(directory):
        return None
    try:
        cached = _slot(directory, path, known_modules).read_bytes()
        header, _, body = cached.partition(b"\n")
        if header + b"\n" != _header(data, path, known_modules, body):
            return None
        with no_cycle_collection():
            return _decode(json.loads(body), path)
    except FileNotFoundError:
        return None
    except (OSError, ValueError, TypeError, KeyError, IndexError) as error:
        log.info("glossary cache for %s not used: %s", path, error)
        return None


def store(path: str, data: bytes, known_modules: Collection[str], glossary: Glossary) -> None:
    """Cache a glossary loaded without problems from `data`; failures are only logged."""
    directory = cache_dir()
    if directory is None or len(data) < MIN_CACHED_BYTES:
        return
    with no_cycle_collection():
        encoded = _encode(glossary, path)
    if encoded is None:
        return
    try:
        directory.mkdir(mode=0o700, parents=True, exist_ok=True)
        if not _private_dir(directory):
            log.info("glossary cache %s is not private to this user: not used", directory)
            return
        body = json.dumps(encoded, separators=(",", ":")).encode()
        _write_atomically(
            _slot(directory, path, known_modules), _header(data, path, known_modules, body) + body
        )
    except (OSError, ValueError) as error:
        log.info("glossary cache for %s not written: %s", path, error)


def _write_atomically(target: Path, content: bytes) -> None:
    handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=".tmp-", suffix=".json")
    try:
        with os.fdopen(handle, "wb") as file:
            file.write(content)
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


# --- plain data ↔ Glossary ---------------------------------------------------------------------
# Every location of a file's glossary is in that file, so only (line, column) is kept.


def _place(location: SourceLocation | None, path: str) -> list[int] | None:
    if location is None:
        return None
    if location.path != path:
        raise ValueError(f"a location outside {path}: {location}")
    return [location.line, location.column]


def _term_row(term: Term, path: str) -> list:
    return [
        term.term,
        term.expansion,
        term.definition,
        term.module,
        term.aliases,
        term.see_also,
        term.contexts,
        term.case_sensitive,
        term.inferred,
        _place(term.location, path),
    ]


def _term_from_row(row: list, path: str) -> Term:
    name, expansion, definition, module, aliases, see_also, contexts, sensitive, inferred, at = row
    return Term(
        name,
        expansion,
        definition,
        module,
        tuple(aliases),
        tuple(see_also),
        tuple(contexts),
        sensitive,
        inferred,
        _location(at, path),
    )


def _location(place: list[int] | None, path: str) -> SourceLocation | None:
    return None if place is None else SourceLocation(path, *place)


def _encode(glossary: Glossary, path: str) -> dict | None:
    try:
        return {
            "version": glossary.version,
            "sources": glossary.sources,
            "modules": [
                [m.id, m.title, m.emoji, m.subtitle, m.inferred, _place(m.location, path)]
                for m in glossary.modules.values()
            ],
            "terms": [_term_row(term, path) for term in glossary.terms],
            "unattributed": [
                [line.letter, line.text, _place(line.location, path)]
                for line in glossary.unattributed
            ],
        }
    except ValueError as error:
        log.info("glossary %s not cached: %s", path, error)
        return None


def _decode(plain: dict, path: str) -> Glossary:
    """The glossary `_encode` wrote (its digest was checked); raises on anything else."""
    modules = {}
    for module_id, title, emoji, subtitle, inferred, place in plain["modules"]:
        location = _location(place, path)
        modules[module_id] = Module(module_id, title, emoji, subtitle, inferred, location)
    unattributed = [
        UnattributedLine(letter, text, _location(place, path))
        for letter, text, place in plain["unattributed"]
    ]
    return Glossary(
        modules=modules,
        terms=[_term_from_row(row, path) for row in plain["terms"]],
        unattributed=unattributed,
        sources=list(plain["sources"]),
        version=plain["version"],
    )
