"""Translation trees: which files belong to which language of a course.

A translation container is a folder whose subfolders are named by language tags (`en`, `fr`,
`pt-BR`, `zh-CN`): one of the usual names (`chapters/`, `units/`, `docs/`, `i18n/`,
`translations/`, `locales/`…) holding at least one, or any folder holding at least two that are
ISO 639-1 codes, where language-like names are at least half of its subfolders. Files outside
every container are the untranslated tree (language `None`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

CONTAINER_NAMES = frozenset(
    {"chapters", "units", "docs", "i18n", "translations", "translated", "locales", "lang", "langs"}
)
MAX_CONTAINER_DEPTH = 3  # root/a/b/<lang>/: deeper folders named `de` are not translations
DEFAULT_LANGUAGE = "en"
_TAG = re.compile(r"^(?P<base>[a-z]{2})(?:[-_](?P<region>[A-Za-z]{2}|[A-Za-z]{4}|\d{3}))?$")
ISO_639_1 = frozenset(
    [
        "aa",
        "ab",
        "ae",
        "af",
        "ak",
        "am",
        "an",
        "ar",
        "as",
        "av",
        "ay",
        "az",
        "ba",
        "be",
        "bg",
        "bh",
        "bi",
        "bm",
        "bn",
        "bo",
        "br",
        "bs",
        "ca",
        "ce",
        "ch",
        "co",
        "cr",
        "cs",
        "cu",
        "cv",
        "cy",
        "da",
        "de",
        "dv",
        "dz",
        "ee",
        "el",
        "en",
        "eo",
        "es",
        "et",
        "eu",
        "fa",
        "ff",
        "fi",
        "fj",
        "fo",
        "fr",
        "fy",
        "ga",
        "gd",
        "gl",
        "gn",
        "gu",
        "gv",
        "ha",
        "he",
        "hi",
        "ho",
        "hr",
        "ht",
        "hu",
        "hy",
        "hz",
        "ia",
        "id",
        "ie",
        "ig",
        "ii",
        "ik",
        "io",
        "is",
        "it",
        "iu",
        "ja",
        "jv",
        "ka",
        "kg",
        "ki",
        "kj",
        "kk",
        "kl",
        "km",
        "kn",
        "ko",
        "kr",
        "ks",
        "ku",
        "kv",
        "kw",
        "ky",
        "la",
        "lb",
        "lg",
        "li",
        "ln",
        "lo",
        "lt",
        "lu",
        "lv",
        "mg",
        "mh",
        "mi",
        "mk",
        "ml",
        "mn",
        "mr",
        "ms",
        "mt",
        "my",
        "na",
        "nb",
        "nd",
        "ne",
        "ng",
        "nl",
        "nn",
        "no",
        "nr",
        "nv",
        "ny",
        "oc",
        "oj",
        "om",
        "or",
        "os",
        "pa",
        "pi",
        "pl",
        "ps",
        "pt",
        "qu",
        "rm",
        "rn",
        "ro",
        "ru",
        "rw",
        "sa",
        "sc",
        "sd",
        "se",
        "sg",
        "si",
        "sk",
        "sl",
        "sm",
        "sn",
        "so",
        "sq",
        "sr",
        "ss",
        "st",
        "su",
        "sv",
        "sw",
        "ta",
        "te",
        "tg",
        "th",
        "ti",
        "tk",
        "tl",
        "tn",
        "to",
        "tr",
        "ts",
        "tt",
        "tw",
        "ty",
        "ug",
        "uk",
        "ur",
        "uz",
        "ve",
        "vi",
        "vo",
        "wa",
        "wo",
        "xh",
        "yi",
        "yo",
        "za",
        "zh",
        "zu",
    ]
)


def is_language_like(name: str) -> bool:
    return _TAG.match(name) is not None


def is_known_language(name: str) -> bool:
    found = _TAG.match(name)
    return found is not None and found.group("base") in ISO_639_1


@dataclass
class LanguageLayout:
    """The translation containers of a course and the language of each file."""

    containers: dict[str, frozenset[str]] = field(default_factory=dict)  # folder -> languages

    @property
    def languages(self) -> list[str]:
        return sorted({language for found in self.containers.values() for language in found})

    def split(self, relative: str) -> tuple[str | None, str]:
        """(language, path inside that language's tree) of a path relative to the root."""
        parts = relative.split("/")
        for depth in range(min(len(parts) - 1, MAX_CONTAINER_DEPTH + 1)):
            container = "/".join(parts[:depth])
            languages = self.containers.get(container)
            if languages is not None and parts[depth] in languages:
                return parts[depth], "/".join(parts[depth + 1 :])
        return None, relative

    def language_of(self, relative: str) -> str | None:
        return self.split(relative)[0]

    def tree_of(self, language: str | None) -> list[str]:
        """The folders (relative to the root) holding the tree of a language; `[""]` for None."""
        if language is None:
            return [""]
        return [
            f"{container}/{language}" if container else language
            for container, languages in self.containers.items()
            if language in languages
        ]


def detect_languages(relative_files: Iterable[str]) -> LanguageLayout:
    """The translation containers among the folders of these files."""
    children: dict[str, set[str]] = {}
    for relative in relative_files:
        parts = relative.split("/")[:-1]
        for depth in range(min(len(parts), MAX_CONTAINER_DEPTH + 1)):
            children.setdefault("/".join(parts[:depth]), set()).add(parts[depth])
    layout = LanguageLayout()
    for folder, names in children.items():
        if _inside_container(folder, layout):
            continue
        languages = frozenset(name for name in names if is_language_like(name))
        if _is_container(folder, names, languages):
            layout.containers[folder] = languages
    return layout


def _inside_container(folder: str, layout: LanguageLayout) -> bool:
    return folder != "" and layout.split(folder + "/x")[0] is not None


def _is_container(folder: str, names: set[str], languages: frozenset[str]) -> bool:
    known = [name for name in languages if is_known_language(name)]
    if not known:
        return False
    name = folder.rsplit("/", 1)[-1]
    if name in CONTAINER_NAMES:
        return True
    return len(known) >= 2 and len(languages) * 2 >= len(names)


def course_language(
    layout: LanguageLayout, configured: str | None, has_untranslated: bool
) -> str | None:
    """The language that is the course: configured, else `en`, else the untranslated tree, else
    the first language."""
    languages = layout.languages
    if configured and (configured in languages or not languages):
        return configured if configured in languages else None
    if DEFAULT_LANGUAGE in languages:
        return DEFAULT_LANGUAGE
    if has_untranslated or not languages:
        return None
    return languages[0]
