"""One diagnostics publisher, keyed by (source, URI): sources never overwrite each other and a
publication for an older version of an open document is dropped."""

from __future__ import annotations

from lsprotocol import types

from glossary_lsp.lsp.publisher import DiagnosticsPublisher


def diagnostic(message: str) -> types.Diagnostic:
    start = types.Position(0, 0)
    return types.Diagnostic(range=types.Range(start, start), message=message)


def publisher(versions: dict[str, int]):
    sent: list[types.PublishDiagnosticsParams] = []
    return DiagnosticsPublisher(sent.append, versions.get), sent


def test_each_source_keeps_its_own_diagnostics_of_a_uri():
    publish, sent = publisher({})
    publish.publish("glossary", "file:///g.yaml", [diagnostic("schema")])
    publish.publish("course", "file:///g.yaml", [diagnostic("unused")])
    assert [d.message for d in sent[-1].diagnostics] == ["schema", "unused"]
    publish.publish("glossary", "file:///g.yaml", [])
    assert [d.message for d in sent[-1].diagnostics] == ["unused"]


def test_a_stale_version_is_dropped_and_nothing_new_is_not_sent():
    publish, sent = publisher({"file:///a.md": 3})
    assert not publish.publish("course", "file:///a.md", [diagnostic("old")], version=2)
    assert publish.publish("course", "file:///a.md", [diagnostic("now")], version=3)
    assert not publish.publish("course", "file:///b.md", [])  # never had any
    assert [p.version for p in sent] == [3]


def test_clear_removes_every_source():
    publish, sent = publisher({})
    publish.publish("course", "file:///a.md", [diagnostic("x")])
    publish.clear("file:///a.md")
    assert sent[-1].diagnostics == []
    assert publish.published("course") == []
