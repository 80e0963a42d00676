"""The layer contracts of ARCHITECTURE.md, checked on the import statements of the package.

A module imports only from its own layer or the layers below; only `lsp/` imports pygls and
lsprotocol; no module imports another's private (`_name`) helpers; the imports have no cycles.
"""

from __future__ import annotations

import ast
import functools
import re
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "glossary_lsp"

# bottom to top, as ARCHITECTURE.md lists them
LAYERS = [
    ("glossary", ["glossary_lsp", "glossary_lsp.glossary"]),
    ("text", ["glossary_lsp.text"]),
    ("matching", ["glossary_lsp.matching"]),
    ("course", ["glossary_lsp.course"]),
    ("settings", ["glossary_lsp.settings"]),
    ("features", ["glossary_lsp.features"]),
    ("lsp", ["glossary_lsp.lsp"]),
    ("cli", ["glossary_lsp.commands", "glossary_lsp.cli", "glossary_lsp.__main__"]),
]
EDGE_LIBRARIES = ("pygls", "lsprotocol")


def module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def layer_of(module: str) -> int:
    best, found = -1, -1
    for number, (_name, prefixes) in enumerate(LAYERS):
        for prefix in prefixes:
            if (module == prefix or module.startswith(prefix + ".")) and len(prefix) > best:
                best, found = len(prefix), number
    assert found >= 0, f"{module} is in no layer of ARCHITECTURE.md"
    return found


# The line where an import statement may start; the statement is then parsed alone (parsing
# whole modules was most of this file's time).
IMPORT_START = re.compile(r"^[ \t]*(?:from|import)[ \t]", re.MULTILINE)


def import_statements(text: str) -> list[ast.stmt]:
    """Every import statement of a module's source, with its line in the module."""
    found: list[ast.stmt] = []
    for opening in IMPORT_START.finditer(text):
        start = opening.start()
        end = _found_or_end(text, text.find("\n", start))  # the last line may have no break
        if "(" in text[start:end] and ")" not in text[start:end]:  # names on the next lines
            end = _found_or_end(text, text.find(")", end)) + 1
        try:
            parsed = ast.parse(text[start:end].strip()).body
        except SyntaxError:  # prose in a docstring or a string
            continue
        line = text.count("\n", 0, start) + 1
        for node in parsed:
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                node.lineno = line
                found.append(node)
    return found


def _found_or_end(text: str, offset: int) -> int:
    """`offset` from a `find`, or the end of `text` when nothing was found."""
    return offset if offset >= 0 else len(text)


@functools.cache
def imports_of(path: Path) -> list[tuple[str, list[str], int]]:
    """(module, imported names, line) of every import statement, relative ones resolved."""
    package = module_name(path) if path.name == "__init__.py" else module_name(path.parent)
    found = []
    for node in import_statements(path.read_text(encoding="utf-8")):
        if isinstance(node, ast.Import):
            found += [(alias.name, [], node.lineno) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            found.append((base, [alias.name for alias in node.names], node.lineno))
    return found


def test_the_import_statements_are_those_the_parser_finds():
    """The statement search finds what parsing the whole module finds (checked on a few)."""
    for path in sorted(PACKAGE.rglob("*.py"))[::15]:
        text = path.read_text(encoding="utf-8")
        parsed = sorted(
            (node.lineno, ast.dump(node))
            for node in ast.walk(ast.parse(text))
            if isinstance(node, (ast.Import, ast.ImportFrom))
        )
        searched = sorted((node.lineno, ast.dump(node)) for node in import_statements(text))
        assert searched == parsed, path


def modules() -> dict[str, Path]:
    return {module_name(path): path for path in sorted(PACKAGE.rglob("*.py"))}


def internal_target(module: str, names: list[str], known: dict[str, Path]) -> list[str]:
    """The package modules an import statement depends on."""
    targets = [f"{module}.{name}" for name in names if f"{module}.{name}" in known]
    if module in known and len(targets) < len(names):
        targets.append(module)
    return targets or ([module] if module in known else [])


def test_no_module_imports_from_a_layer_above_it():
    known = modules()
    wrong = []
    for name, path in known.items():
        for module, names, line in imports_of(path):
            if not module.startswith("glossary_lsp"):
                continue
            for target in internal_target(module, names, known):
                if layer_of(target) > layer_of(name):
                    wrong.append(f"{path.relative_to(PACKAGE.parent)}:{line}: imports {target}")
    assert wrong == []


def test_only_the_lsp_package_imports_pygls_and_lsprotocol():
    wrong = [
        f"{path.relative_to(PACKAGE.parent)}:{line}: imports {module}"
        for name, path in modules().items()
        if not name.startswith("glossary_lsp.lsp")
        for module, _names, line in imports_of(path)
        if module.split(".")[0] in EDGE_LIBRARIES
    ]
    assert wrong == []


def test_no_module_imports_another_modules_private_helpers():
    wrong = [
        f"{path.relative_to(PACKAGE.parent)}:{line}: {module}.{imported}"
        for path in modules().values()
        for module, names, line in imports_of(path)
        if module.startswith("glossary_lsp")
        for imported in names
        if imported.startswith("_") and not imported.startswith("__")
    ]
    assert wrong == []


def test_the_imports_have_no_cycles():
    known = modules()
    graph = {
        name: {
            target
            for module, names, _line in imports_of(path)
            if module.startswith("glossary_lsp")
            for target in internal_target(module, names, known)
            if target != name and not name.startswith(target + ".")  # a package's own __init__
        }
        for name, path in known.items()
    }
    cycles = []
    state: dict[str, int] = {}  # 1 on the current path, 2 done

    def visit(node: str, path: list[str]) -> None:
        state[node] = 1
        for target in sorted(graph.get(node, ())):
            if state.get(target) == 1:
                cycles.append(" → ".join([*path[path.index(target) :], target]))
            elif target not in state:
                visit(target, [*path, target])
        state[node] = 2

    for node in sorted(graph):
        if node not in state:
            visit(node, [node])
    assert cycles == []


def test_every_module_is_in_a_layer():
    for name in modules():
        layer_of(name)
