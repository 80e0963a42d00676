"""Test selection: tests that start a server process (or Neovim) are marked `e2e`; tests that
start another process (a course worker, a browser, the CLI) or run a seeded randomized or
megabyte workload are marked `slow` (by their module here, or by their own mark). `make fast`
leaves out both; the README's `pytest` runs everything."""

from __future__ import annotations

import pytest

E2E_MODULES = ("_e2e", "test_lifecycle", "test_neovim", "test_soak", "test_course_view")
SLOW_MODULES = ("test_export_browser", "test_pool", "test_ci_integration")


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "e2e: starts a server process (`make e2e`)")
    config.addinivalue_line(
        "markers", "slow: another process or a randomized/megabyte workload (not in `make fast`)"
    )


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if any(part in item.module.__name__ for part in E2E_MODULES):
            item.add_marker(pytest.mark.e2e)
        if any(part in item.module.__name__ for part in SLOW_MODULES):
            item.add_marker(pytest.mark.slow)
