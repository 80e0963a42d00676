"""The `glossaryLsp/course` request as the editors' course views use it: the modules in course
order, each with the terms it introduces (`course_outline`: tests/test_course_structure.py)."""

from __future__ import annotations

from typing import Any

import pytest_lsp
from lsp_helpers import SERVER_COMMAND, copy_course, eventually, start_session
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient

COURSE_REQUEST = "glossaryLsp/course"


@pytest_lsp.fixture(config=ClientServerConfig(server_command=SERVER_COMMAND))
async def client(lsp_client: LanguageClient, tmp_path_factory):
    await start_session(lsp_client, "vscode", copy_course(tmp_path_factory.mktemp("ws")))
    yield
    await lsp_client.shutdown_session()


def plain(value: Any) -> Any:
    """pygls hands an untyped response over as named tuples: back to JSON's dicts and lists."""
    if hasattr(value, "_asdict"):
        return {key: plain(item) for key, item in value._asdict().items()}
    if isinstance(value, (list, tuple)):
        return [plain(item) for item in value]
    return value


async def course(client: LanguageClient) -> dict:
    return plain(await client.protocol.send_request_async(COURSE_REQUEST, {}))


async def test_course_request_lists_the_sample_course_in_order(client: LanguageClient):
    answer = await eventually(lambda: course(client))

    assert answer["root"] == str(client.course)
    assert answer["order_source"] == "folders"
    assert answer["language"] is None
    assert [module["path"] for module in answer["modules"]] == [
        "01-tokenization.md",
        "02-embeddings.md",
        "03-self-attention.md",
        "04-high-level-overview.md",
        "05-distributed-training.md",
        "06-serving.ipynb",
    ]
    serving = answer["modules"][-1]
    assert serving["uri"] == (client.course / "06-serving.ipynb").as_uri()
    assert "Prefill" in serving["introduces"]
    everything = [term for module in answer["modules"] for term in module["introduces"]]
    assert len(everything) == len(set(everything)), "a term is introduced once"


async def test_each_introduced_term_is_where_go_to_first_introduction_jumps(
    client: LanguageClient,
):
    answer = await eventually(lambda: course(client))
    for module in answer["modules"]:
        for term in module["introduces"][:3]:
            location = await client.workspace_execute_command_async(
                types.ExecuteCommandParams(
                    command="glossaryLsp.firstIntroduction", arguments=[term]
                )
            )
            assert location is not None, term
            assert plain(location)["uri"] == module["uri"], term
