"""Test selection: tests that start a server process (or Neovim) are marked `e2e`."""

from __future__ import annotations

import pytest

E2E_MODULES = ("_e2e", "test_lifecycle", "test_neovim", "test_soak")


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "e2e: starts a server process (`make e2e`)")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if any(part in item.module.__name__ for part in E2E_MODULES):
            item.add_marker(pytest.mark.e2e)
