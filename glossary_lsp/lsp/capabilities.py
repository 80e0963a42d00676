"""What the client can do, resolved once at `initialize` (pygls' `get_capability`)."""

from __future__ import annotations

from dataclasses import dataclass

from lsprotocol import types
from pygls.capabilities import get_capability

from glossary_lsp.lsp.positions import Encoding, codec_for


@dataclass(frozen=True)
class ClientFeatures:
    """The client capabilities the server acts on; the defaults are a client that declares none."""

    encoding: Encoding = "utf-16"
    configuration: bool = False
    watched_files_dynamic: bool = False
    work_done_progress: bool = False
    document_changes: bool = False
    create_files: bool = False
    # VS Code's language client renders Markdown with `marked` and says so; others do not.
    vscode: bool = False

    @property
    def codec(self) -> Encoding:
        return self.encoding

    @classmethod
    def resolve(
        cls, capabilities: types.ClientCapabilities, encoding: str | None
    ) -> ClientFeatures:
        operations = get_capability(
            capabilities, "workspace.workspace_edit.resource_operations", []
        )
        create_files = types.ResourceOperationKind.Create in operations
        return cls(
            encoding=codec_for(encoding),
            configuration=get_capability(capabilities, "workspace.configuration", False),
            watched_files_dynamic=get_capability(
                capabilities, "workspace.did_change_watched_files.dynamic_registration", False
            ),
            work_done_progress=get_capability(capabilities, "window.work_done_progress", False),
            # Neovim applies `documentChanges` with resource operations but does not declare
            # the former; declaring `create` is taken to include it.
            document_changes=create_files
            or get_capability(capabilities, "workspace.workspace_edit.document_changes", False),
            create_files=create_files,
            vscode=get_capability(capabilities, "general.markdown.parser", "") == "marked",
        )
