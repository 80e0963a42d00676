"""Test selection: tests that start a server process (or Neovim) are marked `e2e`; tests that
start another process (a course worker, a browser, the CLI) or run a seeded randomized or
megabyte workload are marked `slow` (by their module here, or by their own mark). `make fast`
leaves out both, without importing the modules it leaves out whole; the README's `pytest` runs
everything."""

from __future__ import annotations

import gc
from pathlib import Path

import pytest
from _pytest.mark.expression import Expression

E2E_MODULES = ("_e2e", "test_lifecycle", "test_neovim", "test_soak", "test_course_view")
SLOW_MODULES = (
    "test_export_browser",
    "test_pool",
    "test_ci_integration",
    "test_defining_quick_looks",  # 65,000 seeded random texts
)


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "e2e: starts a server process (`make e2e`)")
    config.addinivalue_line(
        "markers", "slow: another process or a randomized/megabyte workload (not in `make fast`)"
    )


def module_marks(name: str) -> set[str]:
    """The marks every test of a test module gets from its name."""
    marks = set()
    if any(part in name for part in E2E_MODULES):
        marks.add("e2e")
    if any(part in name for part in SLOW_MODULES):
        marks.add("slow")
    return marks


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        for mark in module_marks(item.module.__name__):
            item.add_marker(getattr(pytest.mark, mark))


def pytest_collection_finish(session: pytest.Session) -> None:
    """What collection leaves alive (modules, plugins, the tests' own data) is moved out of the
    cycle collector's reach, so that the full collections of the run (automatic ones and the
    memory tests' own) walk only what the tests make: half the run's collection time. Unlike
    the server, the test process ends when the run does, so nothing frozen outlives its use."""
    gc.collect()
    gc.freeze()


def pytest_ignore_collect(collection_path: Path, config: pytest.Config) -> bool | None:
    """A module whose every test `-m` deselects is not imported: importing the e2e and browser
    modules (their LSP client, Playwright) was a tenth of `make fast`. Only when the
    expression is false whatever other marks a test has (tried all absent and all present)."""
    marks = module_marks(collection_path.stem) if collection_path.suffix == ".py" else set()
    expression = config.option.markexpr
    if not marks or not expression:
        return None
    try:
        compiled = Expression.compile(expression)
        selected = [
            compiled.evaluate(lambda name, *_, others=others, **__: name in marks or others)
            for others in (False, True)
        ]
    except Exception:  # another pytest's expressions: collect, and let `-m` decide
        return None
    return True if not any(selected) else None
