"""An edit burst (issue 17, bad input): after it only the last version's diagnostics are
published, those of the final text, and no publication goes back to an older version."""

from __future__ import annotations

import asyncio

import pytest_lsp
from lsp_helpers import SERVER_COMMAND, copy_course, open_file, start_session
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient
from test_snapshots_e2e import insert_at_start

EDITS = 40
SETTLED = 10.0  # seconds to wait for each expected publication (none is timed)


@pytest_lsp.fixture(config=ClientServerConfig(server_command=SERVER_COMMAND))
async def client(lsp_client: LanguageClient, tmp_path_factory):
    await start_session(lsp_client, "vscode", copy_course(tmp_path_factory.mktemp("ws")))
    received: list[types.PublishDiagnosticsParams] = []
    features = lsp_client.protocol.fm.features
    keep = features[types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS]

    def record(params: types.PublishDiagnosticsParams) -> None:
        received.append(params)
        keep(params)

    features[types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS] = record
    lsp_client.received = received
    yield
    await lsp_client.shutdown_session()


def of(client: LanguageClient, uri: str) -> list[types.PublishDiagnosticsParams]:
    return [params for params in client.received if params.uri == uri]


async def publication(client: LanguageClient, uri: str, version: int):
    """The first publication for `uri` carrying `version`, once it has arrived."""
    deadline = asyncio.get_running_loop().time() + SETTLED
    while asyncio.get_running_loop().time() < deadline:
        found = [params for params in of(client, uri) if params.version == version]
        if found:
            return found[0]
        await asyncio.sleep(0.05)
    return None


def keys(params: types.PublishDiagnosticsParams) -> list[tuple]:
    return sorted(
        (d.range.start.line, d.range.start.character, d.range.end.character, str(d.code))
        for d in params.diagnostics
    )


async def test_after_a_burst_only_the_last_versions_diagnostics_are_published(client):
    path = client.course / "04-high-level-overview.md"
    uri = path.as_uri()
    open_file(client, path)
    assert await publication(client, uri, 1) is not None, "the opened module's diagnostics"
    for version in range(2, EDITS + 2):  # faster than any debounce: none of these settles
        insert_at_start(client, uri, f"Edit {version} uses QZXW and QZXW again.\n", version)
    last = EDITS + 1
    final = await publication(client, uri, last)
    assert final is not None, "the last version's diagnostics"
    await asyncio.sleep(1.5)  # the course consequences of the edit, and their publications
    burst = [params for params in of(client, uri) if params.version != 1]
    assert [params.version for params in burst] == [last] * len(burst)
    assert any(d.code == "unknownAcronym" for d in final.diagnostics)
    insert_at_start(client, uri, "", last + 1)  # the same text, one version later
    again = await publication(client, uri, last + 1)
    assert again is not None
    assert keys(of(client, uri)[-2]) == keys(again) == keys(final)
