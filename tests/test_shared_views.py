"""One view per text of a large open document: two threads asking for it at once (an edit's
snapshot and the index reading the open document) get one view, the second waiting for the
first's; and the index splices its view from the one before by the edit it finds between the
two texts, as the snapshot does."""

from __future__ import annotations

import threading
import time

from glossary_lsp.text import documents


def test_concurrent_builds_of_one_text_share_one_view(monkeypatch) -> None:
    parses = []
    parse = documents.cell_region

    def slow_parse(*args, **kwargs):
        parses.append(1)
        time.sleep(0.05)
        return parse(*args, **kwargs)

    monkeypatch.setattr(documents, "cell_region", slow_parse)
    source = "# Title\n\nSome prose about FSDP.\n" * 100
    views = []
    threads = [
        threading.Thread(target=lambda: views.append(documents.view_document("a.md", source)))
        for _ in range(4)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(parses) == 1
    assert all(view is views[0] for view in views)
    assert not documents._BUILDING


def _shared_ends(old: str, new: str) -> tuple[int, int]:
    prefix = 0
    while prefix < min(len(old), len(new)) and old[prefix] == new[prefix]:
        prefix += 1
    suffix = 0
    while suffix < min(len(old), len(new)) - prefix and old[-1 - suffix] == new[-1 - suffix]:
        suffix += 1
    return prefix, suffix


def test_the_edit_between_two_texts_is_their_shared_prefix_and_suffix(monkeypatch) -> None:
    import random

    from glossary_lsp.course import workspace

    monkeypatch.setattr(workspace, "_COMPARED", 7)  # blocks shorter than the texts
    rng = random.Random(3)
    for _ in range(2000):
        old = "".join(rng.choice("ab\n😀") for _ in range(rng.randrange(60)))
        low = rng.randrange(len(old) + 1)
        high = rng.randrange(low, len(old) + 1)
        new = old[:low] + "".join(rng.choice("ab\n😀") for _ in range(rng.randrange(5)))
        new += old[high:]
        edit = workspace.edit_between(old, new)
        assert (edit.prefix, edit.suffix) == _shared_ends(old, new)
