"""A course's own table of contents, one reader per format, returning plain data.

Each reader turns a TOC file into `TocEntry`s (the target as written, the module file it names,
its title and TOC id, and the TOC file's line), in reading order. YAML is composed into nodes
with the safe loader and read node by node: a tag (`!ENV`, `!!python/name:…`,
`!!python/object…` in a `mkdocs.yml`) is only a label on a node, never constructed, and a value
with a tag we do not know is read as no value.

`find_toc` applies the precedence: a configured order file, then Jupyter Book `_toc.yml`, MyST
`myst.yml`, Hugging Face `_toctree.yml`, `mkdocs.yml` `nav`, mdBook `SUMMARY.md`, Quarto
`_quarto.yml`, Sphinx/MyST `toctree` directives from the root document.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Collection, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote

import yaml

from glossary_lsp.course.files import MODULE_SUFFIXES
from glossary_lsp.course.order import natural_key, stem_of
from glossary_lsp.text.links import markdown_links

log = logging.getLogger(__name__)

MAX_TOC_BYTES = 1024 * 1024
MAX_ENTRIES = 10_000
MAX_TOCTREE_DEPTH = 32
_YamlLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_PLAIN_TAGS = frozenset(
    f"tag:yaml.org,2002:{name}" for name in ("str", "int", "float", "bool", "null", "timestamp")
)


@dataclass(frozen=True, slots=True)
class TocEntry:
    """One entry of a TOC. `path` is the module file it names, relative to the course root
    (POSIX), or None when that file is missing."""

    target: str
    path: str | None
    title: str | None
    id: str | None
    file: Path  # the TOC file (or toctree document) that lists it
    line: int  # 1-based
    folder: str | None = None  # a README's link to a folder: its modules go at this place


@dataclass(frozen=True, slots=True)
class TocProblem:
    file: Path
    line: int  # 1-based; 0 when the problem is about the file as a whole
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{max(self.line, 1)}: {self.message}"


@dataclass
class Toc:
    source: str  # "_toc.yml", "myst.yml", "_toctree.yml", "mkdocs.yml", "SUMMARY.md", …
    file: Path
    entries: list[TocEntry] = field(default_factory=list)
    problems: list[TocProblem] = field(default_factory=list)
    ignored: list[Path] = field(default_factory=list)  # other TOC files that lost precedence
    usable: bool = True  # False when the file could not be read at all (broken, too large)


# ------------------------------------------------------------------------------ resolution


def resolve_target(root: Path, base: Path, target: str) -> str | None:
    """The module file a TOC target names (`chapter1/1`, `intro.md`, `part/`), relative to
    `root`, or None. Tried as written, then with each module suffix, then as a folder's index."""
    target = target.split("#", 1)[0].split("?", 1)[0].strip()
    if not target or "://" in target or target.startswith("mailto:"):
        return None
    folder = root if target.startswith("/") else base
    candidate = (folder / target.lstrip("/")).resolve()
    tries = [candidate] if candidate.suffix in MODULE_SUFFIXES else []
    tries += [candidate.with_name(candidate.name + suffix) for suffix in MODULE_SUFFIXES]
    tries += [candidate / f"{stem}{s}" for stem in ("index", "README") for s in MODULE_SUFFIXES]
    for path in tries:
        if path.is_file():
            try:
                return path.relative_to(root.resolve()).as_posix()
            except ValueError:
                return None
    return None


def is_external(target: str) -> bool:
    return "://" in target or target.startswith(("mailto:", "#"))


def toc_id(target: str) -> str:
    """A TOC target as an id: without extension, without `./` and trailing slashes."""
    cleaned = target.split("#", 1)[0].strip().strip("/")
    cleaned = cleaned.removeprefix("./")
    stem, dot, suffix = cleaned.rpartition(".")
    return (
        stem
        if dot and "/" not in suffix and f".{suffix}" in (*MODULE_SUFFIXES, ".rst")
        else cleaned
    )


class _Collector:
    """Entries and problems of one TOC, resolved against the course root, with a bound."""

    def __init__(self, root: Path, toc: Toc) -> None:
        self.root = root
        self.toc = toc
        self.full = False

    def add(self, file: Path, base: Path, target: str, title: str | None, line: int) -> None:
        if self.full or is_external(target):
            return
        if len(self.toc.entries) >= MAX_ENTRIES:
            self.full = True
            self.problem(file, line, f"more than {MAX_ENTRIES} entries: the rest are left out")
            return
        path = resolve_target(self.root, base, target)
        if path is None and not _names_other_file(base, target):
            self.problem(file, line, f"'{target}' is listed but no such file exists")
        entry = TocEntry(target, path, title, toc_id(target), file, line)
        self.toc.entries.append(entry)

    def problem(self, file: Path, line: int, message: str) -> None:
        self.toc.problems.append(TocProblem(file, line, message))


def _names_other_file(base: Path, target: str) -> bool:
    """A target that exists but is not a module file (a `.rst` page, an image, a PDF)."""
    path = base / target.split("#", 1)[0].lstrip("/")
    candidates = [path, *(path.with_name(path.name + s) for s in (".rst", ".txt", ".py"))]
    return any(candidate.is_file() for candidate in candidates)


# ------------------------------------------------------------------------------ YAML nodes


def compose_yaml(text: str) -> yaml.Node | None:
    """The YAML document as nodes; nothing is constructed, so no tag is ever acted on."""
    return yaml.compose(text, Loader=_YamlLoader)  # noqa: S506 - composing only, safe loader


def scalar(node: yaml.Node | None) -> str | None:
    """A plain scalar's text; None for collections and for values under a tag we do not know."""
    if not isinstance(node, yaml.ScalarNode) or node.tag not in _PLAIN_TAGS:
        return None
    text = str(node.value).strip()
    return text or None


def fields(node: yaml.Node | None) -> dict[str, yaml.Node]:
    """A mapping node's values by their (plain scalar) keys; `{}` for anything else."""
    if not isinstance(node, yaml.MappingNode):
        return {}
    found: dict[str, yaml.Node] = {}
    for key, value in node.value:
        name = scalar(key)
        if name is not None:
            found.setdefault(name, value)
    return found


def line_of(node: yaml.Node) -> int:
    return node.start_mark.line + 1


_FILE_KEYS = ("file", "local", "root")
_CHILD_KEYS = ("parts", "chapters", "sections", "children", "appendices", "subtrees", "entries")
_GLOB_KEYS = ("glob", "pattern")


@dataclass
class _YamlToc:
    """How one YAML TOC format is read: where its list starts, and what a bare string is."""

    start: tuple[str, ...] = ()  # keys leading from the document to the TOC
    strings_are_files: bool = False  # Quarto: `chapters: [index.qmd, intro.qmd]`
    part_key_is_file: bool = False  # Quarto: `part: intro.qmd` (or a title)


def read_yaml_toc(
    collector: _Collector, file: Path, text: str, shape: _YamlToc, base: Path | None = None
) -> yaml.Node | None:
    try:
        document = compose_yaml(text)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + 1 if mark is not None else 0
        collector.problem(file, line, f"broken YAML: {error.problem or error}")
        collector.toc.usable = False
        return None
    except (yaml.YAMLError, RecursionError, ValueError) as error:
        collector.problem(file, 0, f"broken YAML: {error}")
        collector.toc.usable = False
        return None
    node = document
    for key in shape.start:
        node = fields(node).get(key)
    if node is None:
        collector.problem(file, 1, f"no table of contents ({'.'.join(shape.start)}) in this file")
        collector.toc.usable = False
        return document
    _walk_yaml(collector, file, base or file.parent, node, shape, set())
    return document


def _walk_yaml(
    collector: _Collector,
    file: Path,
    base: Path,
    node: yaml.Node,
    shape: _YamlToc,
    seen: set[int],
) -> None:
    if id(node) in seen or collector.full:
        return  # an alias repeating a part already read (or a billion laughs): read once
    seen.add(id(node))
    if isinstance(node, yaml.SequenceNode):
        for item in node.value:
            _walk_yaml(collector, file, base, item, shape, seen)
        return
    if isinstance(node, yaml.ScalarNode):
        text = scalar(node)
        if text is not None and shape.strings_are_files:
            collector.add(file, base, text, None, line_of(node))
        return
    entry = fields(node)
    title = scalar(entry.get("title")) or scalar(entry.get("caption"))
    for key in _FILE_KEYS:
        target = scalar(entry.get(key))
        if target is not None:
            collector.add(file, base, target, title, line_of(entry[key]))
            break
    part = scalar(entry.get("part"))
    if shape.part_key_is_file and part is not None and part.endswith(MODULE_SUFFIXES):
        collector.add(file, base, part, title, line_of(entry["part"]))
    for key in _GLOB_KEYS:
        pattern = scalar(entry.get(key))
        if pattern is not None:
            for match in _glob(base, pattern):
                collector.add(file, base, match, None, line_of(entry[key]))
    for key in _CHILD_KEYS:
        if key in entry:
            _walk_yaml(collector, file, base, entry[key], shape, seen)


def _glob(base: Path, pattern: str) -> list[str]:
    try:
        found = [p for p in base.glob(pattern) if p.suffix in MODULE_SUFFIXES]
    except (ValueError, OSError):
        return []
    relative = [p.relative_to(base).as_posix() for p in found]
    return sorted(relative, key=natural_key)


# ------------------------------------------------------------------------------ the formats

Reader = Callable[[_Collector, Path, str], None]

JUPYTER_BOOK = _YamlToc()
MYST = _YamlToc(start=("project", "toc"))
HF_TOCTREE = _YamlToc()
QUARTO = _YamlToc(start=("book",), strings_are_files=True, part_key_is_file=True)


def read_jupyter_book(collector: _Collector, file: Path, text: str) -> None:
    read_yaml_toc(collector, file, text, JUPYTER_BOOK)


def read_myst(collector: _Collector, file: Path, text: str) -> None:
    read_yaml_toc(collector, file, text, MYST)


def read_hf_toctree(collector: _Collector, file: Path, text: str) -> None:
    read_yaml_toc(collector, file, text, HF_TOCTREE)


def read_quarto(collector: _Collector, file: Path, text: str) -> None:
    read_yaml_toc(collector, file, text, QUARTO)


def read_generic_yaml(collector: _Collector, file: Path, text: str) -> None:
    read_yaml_toc(collector, file, text, _YamlToc(strings_are_files=True))


def read_mkdocs(collector: _Collector, file: Path, text: str) -> None:
    try:
        document = compose_yaml(text)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = mark.line + 1 if mark is not None else 0
        collector.problem(file, line, f"broken YAML: {getattr(error, 'problem', None) or error}")
        collector.toc.usable = False
        return
    top = fields(document)
    docs_dir = file.parent / (scalar(top.get("docs_dir")) or "docs")
    nav = top.get("nav")
    if nav is None:
        collector.problem(file, 1, "no `nav`: mkdocs orders pages itself; order from folders")
        collector.toc.usable = False
        return
    _walk_nav(collector, file, docs_dir, nav, set())


def _walk_nav(
    collector: _Collector, file: Path, docs_dir: Path, node: yaml.Node, seen: set[int]
) -> None:
    if id(node) in seen or collector.full:
        return
    seen.add(id(node))
    if isinstance(node, yaml.SequenceNode):
        for item in node.value:
            _walk_nav(collector, file, docs_dir, item, seen)
    elif isinstance(node, yaml.ScalarNode):
        target = scalar(node)
        if target is not None:
            collector.add(file, docs_dir, target, None, line_of(node))
    elif isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            title = scalar(key)
            target = scalar(value)
            if target is not None:
                collector.add(file, docs_dir, target, title, line_of(value))
            else:
                _walk_nav(collector, file, docs_dir, value, seen)


_LINK = re.compile(r"\[(?P<title>(?:[^\[\]]|\[[^\]]*\])*)\]\(\s*<?(?P<target>[^)\s>]*)>?[^)]*\)")
_FENCE = re.compile(r"^\s*(```|~~~)")


def read_summary(collector: _Collector, file: Path, text: str) -> None:
    """mdBook's (and GitBook's) `SUMMARY.md`: every link, in order; `[Draft]()` has no file."""
    in_fence = False
    for number, line in enumerate(text.splitlines(), 1):
        if _FENCE.match(line):
            in_fence = not in_fence
            continue
        if in_fence:
            continue
        for link in _LINK.finditer(line):
            target = link.group("target")
            if target:
                collector.add(file, file.parent, target, link.group("title").strip(), number)


def read_plain_list(collector: _Collector, file: Path, text: str) -> None:
    """A configured order file that is just paths, one a line (`#` starts a comment)."""
    for number, line in enumerate(text.splitlines(), 1):
        target = line.split("#", 1)[0].strip() if not line.lstrip().startswith("#") else ""
        target = target.lstrip("-* ").strip()
        if target:
            collector.add(file, file.parent, target, None, number)


# ------------------------------------------------------------------------- toctree directives

_MYST_TOCTREE = re.compile(r"^(?P<fence>`{3,}|:{3,})\s*\{toctree\}(?P<rest>.*)$")
_RST_TOCTREE = re.compile(r"^\.\.\s+toctree::")
_TITLED = re.compile(r"^(?P<title>.*?)\s*<(?P<target>[^<>]+)>\s*$")
ROOT_DOCUMENTS = ("index.md", "index.rst", "index.ipynb", "README.md")


def toctree_entries(text: str) -> Iterator[tuple[int, str, str | None, bool]]:
    """(line, target, title, glob) for each entry of each toctree directive in a document."""
    lines = text.splitlines()
    index = 0
    while index < len(lines):
        line = lines[index]
        myst = _MYST_TOCTREE.match(line.strip())
        if myst is not None or _RST_TOCTREE.match(line.strip()):
            fence = myst.group("fence") if myst is not None else None
            glob = False
            index += 1
            while index < len(lines):
                body = lines[index]
                stripped = body.strip()
                if fence is not None and stripped.startswith(fence[:3]) and not stripped[3:4]:
                    break
                if fence is None and stripped and not body[:1].isspace():
                    break
                if stripped.startswith(":") or stripped.startswith("---"):
                    glob = glob or stripped.startswith(":glob:")
                elif stripped:
                    titled = _TITLED.match(stripped)
                    if titled is not None:
                        yield index + 1, titled.group("target"), titled.group("title") or None, glob
                    else:
                        yield index + 1, stripped, None, glob
                index += 1
        index += 1


def read_toctrees(collector: _Collector, root_document: Path, text: str) -> None:
    """The root document, then every document its toctrees list, depth first, once each."""
    root_folder = root_document.parent
    listed = {root_document.resolve()}
    relative = resolve_target(collector.root, root_folder, root_document.name)
    collector.toc.entries.append(
        TocEntry(root_document.name, relative, None, toc_id(root_document.name), root_document, 1)
    )
    _follow(collector, root_folder, root_document, text, listed, 0)


def _follow(
    collector: _Collector, root_folder: Path, document: Path, text: str, listed: set, depth: int
) -> None:
    if depth > MAX_TOCTREE_DEPTH:
        collector.problem(document, 1, f"toctrees nested deeper than {MAX_TOCTREE_DEPTH}")
        return
    for line, target, title, glob in toctree_entries(text):
        base = root_folder if target.startswith("/") else document.parent
        targets = _glob(base, target.lstrip("/")) if glob and "*" in target else [target]
        for each in targets:
            relative = resolve_target(collector.root, base, each)
            path = (collector.root / relative).resolve() if relative is not None else None
            path = path or _other_document(base, each)
            if path is not None and path in listed:
                collector.problem(document, line, f"'{each}' is already in the toctree (a cycle)")
                continue
            before = len(collector.toc.entries)
            collector.add(document, base, each, title, line)
            if path is None or (len(collector.toc.entries) == before and relative is not None):
                continue
            listed.add(path)
            child_text = _read(collector, path)
            if child_text is not None:
                _follow(collector, root_folder, path, child_text, listed, depth + 1)


def _other_document(base: Path, target: str) -> Path | None:
    """A toctree document that is not a module (a `.rst` page): followed, never a module."""
    path = base / target.lstrip("/")
    for candidate in (path, path.with_name(path.name + ".rst")):
        if candidate.is_file():
            return candidate.resolve()
    return None


# ------------------------------------------------------------------------------ precedence


@dataclass(frozen=True)
class TocFormat:
    source: str
    locate: Callable[[Path], Path | None]  # the TOC file in a folder, if this format is there
    read: Reader


def _named(name: str) -> Callable[[Path], Path | None]:
    def locate(folder: Path) -> Path | None:
        path = folder / name
        return path if path.is_file() else None

    return locate


def _summary_file(folder: Path) -> Path | None:
    book = folder / "book.toml"
    if book.is_file():
        try:
            found = re.search(r"(?m)^\s*src\s*=\s*[\"']([^\"']+)[\"']", book.read_text("utf-8"))
        except (OSError, UnicodeDecodeError):
            found = None
        summary = folder / (found.group(1) if found else "src") / "SUMMARY.md"
        if summary.is_file():
            return summary
    summary = folder / "SUMMARY.md"
    return summary if summary.is_file() else None


def _quarto_file(folder: Path) -> Path | None:
    path = folder / "_quarto.yml"
    if not path.is_file():
        return None
    try:
        has_book = re.search(r"(?m)^book\s*:", path.read_text("utf-8", errors="replace"))
    except OSError:
        return None
    return path if has_book else None


def _root_document(folder: Path) -> Path | None:
    for name in ROOT_DOCUMENTS:
        path = folder / name
        if not path.is_file():
            continue
        try:
            head = path.read_text("utf-8", errors="replace")[:MAX_TOC_BYTES]
        except OSError:
            return None
        if "{toctree}" in head or ".. toctree::" in head:
            return path
    return None


FORMATS = (
    TocFormat("_toc.yml", _named("_toc.yml"), read_jupyter_book),
    TocFormat("myst.yml", _named("myst.yml"), read_myst),
    TocFormat("_toctree.yml", _named("_toctree.yml"), read_hf_toctree),
    TocFormat("mkdocs.yml", _named("mkdocs.yml"), read_mkdocs),
    TocFormat("SUMMARY.md", _summary_file, read_summary),
    TocFormat("_quarto.yml", _quarto_file, read_quarto),
    TocFormat("toctree", _root_document, read_toctrees),
)
_BY_NAME = {f.source: f.read for f in FORMATS if f.source != "toctree"}


def reader_for(path: Path) -> Reader:
    """How a configured order file is read: by its name, else by its suffix."""
    if path.name in _BY_NAME:
        return _BY_NAME[path.name]
    if path.suffix in (".yml", ".yaml"):
        return read_generic_yaml
    if path.suffix in (".md", ".markdown"):
        return read_summary
    return read_plain_list


def read_toc(root: Path, path: Path, source: str, read: Reader) -> Toc:
    """One TOC file read with its format's reader; problems instead of exceptions."""
    toc = Toc(source, path)
    collector = _Collector(root, toc)
    text = _read(collector, path)
    if text is None:
        toc.usable = False
        return toc
    try:
        read(collector, path, text)
    except RecursionError:
        collector.problem(path, 0, "nested too deeply to read")
        toc.usable = False
    return toc


def _read(collector: _Collector, path: Path) -> str | None:
    try:
        size = path.stat().st_size
        if size > MAX_TOC_BYTES:
            collector.problem(
                path, 1, f"{size} bytes is over the {MAX_TOC_BYTES} byte limit for a TOC"
            )
            return None
        return path.read_text(encoding="utf-8-sig", errors="replace")
    except OSError as error:
        collector.problem(path, 0, f"unreadable: {error.strerror or error}")
        return None


def find_toc(root: Path, folders: Sequence[Path], configured: Path | None = None) -> Toc | None:
    """The TOC that orders the course at `root`: the configured file, else the first format in
    precedence found in the first of `folders` that holds any. Other TOC files found in that
    folder are recorded as ignored."""
    if configured is not None:
        path = configured if configured.is_absolute() else root / configured
        if not path.is_file():
            toc = Toc(path.name, path, usable=False)
            toc.problems.append(TocProblem(path, 0, "the configured order file does not exist"))
            return toc
        return read_toc(root, path, path.name, reader_for(path))
    for folder in folders:
        found = [(f, p) for f in FORMATS if (p := f.locate(folder)) is not None]
        if not found:
            continue
        winner, path = found[0]
        toc = read_toc(root, path, winner.source, winner.read)
        toc.ignored = [p for _, p in found[1:]]
        for other in toc.ignored:
            log.info("%s: %s wins over %s (precedence)", folder, path.name, other.name)
        return toc
    return None


# ------------------------------------------------------------------------- a README's links

README_NAMES = ("README.md", "readme.md", "Readme.md", "index.md")
MIN_README_TOP_LEVELS = 2
# Links to these say how to take part, not where the course goes: they never make a README
# the order source.
_META_STEMS = frozenset(
    ("contributing", "code_of_conduct", "changelog", "changes", "history", "license")
    + ("security", "support", "citation", "authors")
)


def read_readme_order(root: Path, folder: Path, modules: Collection[str]) -> Toc | None:
    """The order a course's README (or `index.md`) in `folder` states by its links, when it
    links to at least `MIN_README_TOP_LEVELS` top-level files or folders of the course holding
    `modules` (POSIX paths relative to `root`); else None, and the tree order stands. Entries
    are its links to modules and to folders (`folder`), in document order; no problems are
    reported (a README's other links are not a TOC's)."""
    readme = next((folder / name for name in README_NAMES if (folder / name).is_file()), None)
    if readme is None:
        return None
    try:
        if readme.stat().st_size > MAX_TOC_BYTES:
            log.info("%s: too large to state the course order", readme)
            return None
        text = readme.read_text(encoding="utf-8-sig", errors="replace")
    except OSError:
        return None
    try:
        base = readme.parent.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return None
    toc = Toc(readme.name, readme)
    folders = {ancestor for path in modules for ancestor in _ancestors(path)}
    for link in markdown_links(text)[:MAX_ENTRIES]:
        entry = _readme_entry(root, readme, link.destination, link.line, modules, folders)
        if entry is not None and not _is_meta(entry, base):
            toc.entries.append(entry)
    reached = {_top_level(entry, base) for entry in toc.entries}
    return toc if len(reached) >= MIN_README_TOP_LEVELS else None


def _readme_entry(
    root: Path, readme: Path, target: str, line: int, modules: Collection[str], folders: set
) -> TocEntry | None:
    target = unquote(target.split("#", 1)[0].split("?", 1)[0]).strip()
    if not target or is_external(target) or target.startswith("/"):
        return None
    path = (readme.parent / target).resolve()
    try:
        relative = path.relative_to(root.resolve()).as_posix()
    except ValueError:
        return None
    if relative == "." or path == readme.resolve():
        return None
    if relative in folders and path.is_dir():
        return TocEntry(target, None, None, None, readme, line, folder=relative)
    if relative not in modules:  # `setup/README`, `intro`: a module named without its suffix
        relative = resolve_target(root, readme.parent, target) or ""
    if relative in modules:
        return TocEntry(target, relative, None, None, readme, line)
    return None


def _ancestors(path: str) -> list[str]:
    """`a/b/c.md` → `a`, `a/b`."""
    parts = path.split("/")[:-1]
    return ["/".join(parts[: depth + 1]) for depth in range(len(parts))]


def _under(entry: TocEntry, base: str) -> str:
    """An entry's path relative to the README's folder `base` (`""` when outside it)."""
    relative = entry.folder or entry.path or ""
    if base == ".":
        return relative
    return relative.removeprefix(base + "/") if relative.startswith(base + "/") else ""


def _top_level(entry: TocEntry, base: str) -> str | None:
    """The file or folder right under the README's folder that an entry reaches."""
    return _under(entry, base).split("/", 1)[0] or None


def _is_meta(entry: TocEntry, base: str) -> bool:
    """A link to CONTRIBUTING.md, LICENSE and the like next to the README."""
    relative = _under(entry, base)
    return (
        entry.path is not None
        and "/" not in relative
        and stem_of(relative).casefold() in _META_STEMS
    )
