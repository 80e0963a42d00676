"""The validated-glossary cache: same glossary, same problems, and a miss on anything unexpected."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from glossary_lsp import cache, loader
from glossary_lsp.loader import GlossaryLoadError, load_glossary_file

# Outside the layout the layout reader reads (a comment inside an entry): only such files,
# read by libyaml, are cached.
GLOSSARY = """\
version: 1
modules:
  - id: distributed-training
    title: Distributed Training
    emoji: "🖥️"
    subtitle: "DDP, ZeRO, FSDP"
terms:
  - term: FSDP
    # a comment inside an entry
    expansion: Fully Sharded Data Parallel
    definition: >-
      Shards parameters, gradients
      and optimizer states.
    module: distributed-training
    aliases: [fully sharded data parallel]
    see_also: [ZeRO]
    context: [pytorch]
    case_sensitive: true
  - term: ZeRO
    module: distributed-training
    inferred: true
  - term: 注意力
    expansion: attention
unattributed:
  - letter: Q
    text: "QLoRA: a seed line without a term"
"""

USES_KNOWN_MODULE = """\
version: 1
terms:
  - term: BPE
    # a comment inside an entry
    module: tokenization
"""


@pytest.fixture
def cache_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A private cache directory, caching files of any size."""
    directory = tmp_path / "cache"
    monkeypatch.setenv(cache.CACHE_DIR_ENV, str(directory))
    monkeypatch.setattr(cache, "MIN_CACHED_BYTES", 0)
    return directory


@pytest.fixture
def parses(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The paths the loader really parses (a cache hit parses nothing)."""
    parsed: list[str] = []
    parse = loader.load_glossary_text

    def counting(text: str, path: str, known_modules=(), **options):  # noqa: ANN001, ANN202
        parsed.append(path)
        return parse(text, path, known_modules, **options)

    monkeypatch.setattr(loader, "load_glossary_text", counting)
    return parsed


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def cache_files(directory: Path) -> list[Path]:
    return sorted(directory.glob("*.json")) if directory.is_dir() else []


def test_an_unchanged_file_loads_from_the_cache_as_the_same_glossary(tmp_path, cache_dir, parses):
    path = write(tmp_path / "glossary.yaml", GLOSSARY)
    first = load_glossary_file(path)
    second = load_glossary_file(path)
    assert parses == [str(path)]
    assert second == first
    assert [term.location for term in second.terms] == [term.location for term in first.terms]
    assert (
        second.modules["distributed-training"].location
        == first.modules["distributed-training"].location
    )
    assert second.terms[0].aliases == ("fully sharded data parallel",)
    assert second.lookup("Fully Sharded Data Parallel") is second.terms[0]
    assert second.unattributed == first.unattributed
    assert second.sources == [str(path)]


def test_the_cache_directory_is_private_and_outside_the_workspace(tmp_path, cache_dir):
    path = write(tmp_path / "glossary.yaml", GLOSSARY)
    load_glossary_file(path)
    assert len(cache_files(cache_dir)) == 1
    assert stat.S_IMODE(cache_dir.stat().st_mode) == 0o700
    assert sorted(p.name for p in tmp_path.iterdir()) == ["cache", "glossary.yaml"]


def test_a_changed_file_is_parsed_again_and_replaces_its_entry(tmp_path, cache_dir, parses):
    path = write(tmp_path / "glossary.yaml", GLOSSARY)
    load_glossary_file(path)
    write(path, GLOSSARY.replace("Fully Sharded Data Parallel", "Fully Sharded DP"))
    changed = load_glossary_file(path)
    assert changed.terms[0].expansion == "Fully Sharded DP"
    assert parses == [str(path), str(path)]
    assert len(cache_files(cache_dir)) == 1


def test_a_file_that_fails_is_never_cached_and_fails_the_same_way(tmp_path, cache_dir, parses):
    path = write(tmp_path / "glossary.yaml", USES_KNOWN_MODULE)
    problems = []
    for _ in range(2):
        with pytest.raises(GlossaryLoadError) as error:
            load_glossary_file(path)
        problems.append(error.value.problems)
    assert problems[0] == problems[1]
    assert "module 'tokenization' is not defined" in problems[0][0].message
    assert cache_files(cache_dir) == []


def test_the_known_modules_are_part_of_the_key(tmp_path, cache_dir):
    path = write(tmp_path / "glossary.yaml", USES_KNOWN_MODULE)
    assert load_glossary_file(path, {"tokenization"}).terms[0].module == "tokenization"
    with pytest.raises(GlossaryLoadError):
        load_glossary_file(path)


def test_the_same_bytes_at_another_path_keep_their_own_locations(tmp_path, cache_dir):
    first = load_glossary_file(write(tmp_path / "a.yaml", GLOSSARY))
    other = tmp_path / "b.yaml"
    second = load_glossary_file(write(other, GLOSSARY))
    assert second.terms[0].location.path == str(other)
    assert second.sources == [str(other)] and first.sources != second.sources


@pytest.mark.parametrize(
    "damage",
    [
        lambda content: content[: len(content) // 2],  # truncated
        lambda content: content[:-10] + b"X" + content[-9:],  # a changed byte in the body
        lambda content: b"not a header\n" + content.partition(b"\n")[2],
        lambda content: b"",
        lambda content: b"\xff\xfe garbage",
    ],
)
def test_a_damaged_cache_file_is_a_miss(tmp_path, cache_dir, parses, damage):
    path = write(tmp_path / "glossary.yaml", GLOSSARY)
    expected = load_glossary_file(path)
    (entry,) = cache_files(cache_dir)
    entry.write_bytes(damage(entry.read_bytes()))
    assert load_glossary_file(path) == expected
    assert parses == [str(path), str(path)]


def test_a_body_that_is_not_a_glossary_is_a_miss_even_with_a_valid_header(
    tmp_path, cache_dir, parses
):
    path = write(tmp_path / "glossary.yaml", GLOSSARY)
    data = path.read_bytes()
    expected = load_glossary_file(path)
    (entry,) = cache_files(cache_dir)
    body = b'{"terms": [[1, 2]], "modules": [], "unattributed": []}'
    entry.write_bytes(cache._header(data, str(path), (), body) + body)
    assert load_glossary_file(path) == expected
    assert len(parses) == 2


def test_other_loader_code_is_a_miss(tmp_path, cache_dir, parses, monkeypatch):
    path = write(tmp_path / "glossary.yaml", GLOSSARY)
    load_glossary_file(path)
    monkeypatch.setattr(cache, "_code_version", lambda: "another version")
    load_glossary_file(path)
    assert len(parses) == 2


def test_off_turns_the_cache_off(tmp_path, monkeypatch, parses):
    monkeypatch.setenv(cache.CACHE_DIR_ENV, "off")
    monkeypatch.setattr(cache, "MIN_CACHED_BYTES", 0)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    path = write(tmp_path / "glossary.yaml", GLOSSARY)
    load_glossary_file(path)
    load_glossary_file(path)
    assert cache.cache_dir() is None
    assert len(parses) == 2
    assert not (tmp_path / "xdg").exists()


def test_small_files_are_not_cached(tmp_path, monkeypatch):
    directory = tmp_path / "cache"
    monkeypatch.setenv(cache.CACHE_DIR_ENV, str(directory))
    load_glossary_file(write(tmp_path / "glossary.yaml", GLOSSARY))
    assert cache_files(directory) == []


@pytest.mark.skipif(not hasattr(os, "getuid"), reason="POSIX permissions")
def test_a_directory_others_may_write_is_not_used(tmp_path, cache_dir, parses):
    path = write(tmp_path / "glossary.yaml", GLOSSARY)
    load_glossary_file(path)
    cache_dir.chmod(0o777)
    load_glossary_file(path)
    assert len(parses) == 2


def test_where_the_cache_lives(tmp_path, monkeypatch):
    monkeypatch.delenv(cache.CACHE_DIR_ENV, raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert cache.cache_dir() == tmp_path / "xdg" / "glossary-lsp"
    monkeypatch.delenv("XDG_CACHE_HOME")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert cache.cache_dir() == tmp_path / "home" / ".cache" / "glossary-lsp"
    monkeypatch.setenv(cache.CACHE_DIR_ENV, str(tmp_path / "mine"))
    assert cache.cache_dir() == tmp_path / "mine"
