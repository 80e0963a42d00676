"""Everyday English: whether a word is an ordinary English word or an acronym of everyday English.

The list is `english-words.txt` beside this module: SCOWL size 50 (the common words a spell
checker accepts), generated once by `tools/make_english_words.py`; see its header for the
licence. It is read on first use (about 74,000 words), searched as text for the first few
dozen lookups (each ~0.2 ms) and made a set after them.
"""

from __future__ import annotations

import re
import threading
from pathlib import Path

_PATH = Path(__file__).with_name("english-words.txt")
# Lookups answered by searching the list's text before it is made a set: building the set of
# 74,000 words (~50 ms) was a tenth of a session's start on the sample course, where the
# matcher's case rules ask for ~30 words before the first hover; the diagnostics ask for
# thousands, after it.
SEARCHES_BEFORE_SET = 64
_COMMENT = re.compile(r"^#.*\n", re.MULTILINE)

_LOCK = threading.Lock()
_TEXT: str | None = None  # "\n" + the words, one a line (comments left out)
_WORDS: frozenset[str] | None = None
_searches = 0


def _contains(word: str) -> bool:
    """Whether the list holds `word` as written."""
    global _TEXT, _WORDS, _searches
    words = _WORDS
    if words is not None:
        return word in words
    with _LOCK:
        if _WORDS is not None:
            return word in _WORDS
        text = _TEXT
        if text is None:
            text = _TEXT = "\n" + _COMMENT.sub("", _PATH.read_text("utf-8"))
        _searches += 1
        if _searches > SEARCHES_BEFORE_SET:
            _WORDS = frozenset(text.split("\n")) - {""}
            return word in _WORDS
    return bool(word) and "\n" not in word and f"\n{word}\n" in text


def is_english_word(word: str) -> bool:
    """Whether `word`, in lower case, is an ordinary English word (`rope`, `read`, `zero`)."""
    return _contains(word.lower())


def is_everyday_acronym(word: str) -> bool:
    """Whether `word` is an acronym of everyday English written in capitals (`DNA`, `NASA`)."""
    return word.isupper() and _contains(word)


def is_english_in_capitals(word: str) -> bool:
    """A word in capitals that is ordinary English or an everyday acronym, plural `s` allowed:
    `READ`, `WARNING`, `DNA`, `ZIPs`."""
    if is_english_word(word) or is_everyday_acronym(word):
        return True
    if len(word) > 2 and word[-1] in "sS":
        singular = word[:-1]
        return is_english_word(singular) or is_everyday_acronym(singular)
    return False


def is_known_name(word: str) -> bool:
    """Whether `word` is a name in the list as written (`Thomas`, `Paris`, `GitHub`)."""
    return not word.islower() and not word.isupper() and _contains(word)
