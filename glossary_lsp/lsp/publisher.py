"""The one place diagnostics are published, keyed by (source, URI).

Each source (the course analyses of modules, the analyses of glossary files) owns its own list
per URI; what the client sees for a URI is all sources' lists together, published only when one
of them changed. A publication computed for an older version of an open document is dropped.
"""

from __future__ import annotations

from collections.abc import Callable

from lsprotocol import types

from glossary_lsp.text.uris import uri_key

Send = Callable[[types.PublishDiagnosticsParams], None]
CurrentVersion = Callable[[str], "int | None"]


class DiagnosticsPublisher:
    def __init__(self, send: Send, current_version: CurrentVersion) -> None:
        self._send = send
        self._current_version = current_version
        self._by_uri: dict[str, dict[str, list[types.Diagnostic]]] = {}
        self._uris: dict[str, str] = {}  # key -> the URI as first published

    def publish(
        self,
        source: str,
        uri: str,
        diagnostics: list[types.Diagnostic],
        version: int | None = None,
    ) -> bool:
        """Set `source`'s diagnostics of `uri`; False when dropped (stale version) or unchanged."""
        key = uri_key(uri)
        if version is not None and self._current_version(uri) not in (None, version):
            return False
        sources = self._by_uri.setdefault(key, {})
        before = sources.get(source, [])
        if not diagnostics and not before:
            return False
        if diagnostics:
            sources[source] = diagnostics
        else:
            sources.pop(source, None)
        self._uris.setdefault(key, uri)
        merged = [item for found in sources.values() for item in found]
        if not sources:
            self._by_uri.pop(key, None)
        self._send(types.PublishDiagnosticsParams(uri=uri, diagnostics=merged, version=version))
        return True

    def clear(self, uri: str) -> None:
        """Every source's diagnostics of `uri` go (its cells closed, its file deleted)."""
        key = uri_key(uri)
        if self._by_uri.pop(key, None):
            self._send(types.PublishDiagnosticsParams(uri=uri, diagnostics=[]))

    def published(self, source: str) -> list[str]:
        return [self._uris.get(key, key) for key, found in self._by_uri.items() if source in found]
