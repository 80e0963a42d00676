"""Everyday English: whether a word is an ordinary English word or an acronym of everyday English.

The list is `english-words.txt` beside this module: SCOWL size 50 (the common words a spell
checker accepts), generated once by `tools/make_english_words.py`; see its header for the
licence. It is read on first use (about 74,000 words, a few milliseconds).
"""

from __future__ import annotations

import threading
from importlib import resources

_LOCK = threading.Lock()
_WORDS: frozenset[str] | None = None


def _words() -> frozenset[str]:
    global _WORDS
    words = _WORDS
    if words is None:
        with _LOCK:
            if _WORDS is None:
                text = resources.files(__package__).joinpath("english-words.txt").read_text("utf-8")
                _WORDS = frozenset(
                    line for line in text.splitlines() if line and not line.startswith("#")
                )
            words = _WORDS
    return words


def is_english_word(word: str) -> bool:
    """Whether `word`, in lower case, is an ordinary English word (`rope`, `read`, `zero`)."""
    return word.lower() in _words()


def is_everyday_acronym(word: str) -> bool:
    """Whether `word` is an acronym of everyday English written in capitals (`DNA`, `NASA`)."""
    return word.isupper() and word in _words()


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
    return not word.islower() and not word.isupper() and word in _words()
