"""Course order from the tree, for a course without a table of contents.

Every level of a path is compared on its own: a folder's `README.md`/`index.md` first, then its
other files and subfolders by their order (front matter `order:`/`sidebar_position`, else a
numeric prefix such as `01-`), files before folders among equals, then by natural sort
(`chapter2` before `chapter10`); appendices come after their other siblings, as in a book. The
result is stable and explainable: two paths compare by their first differing level.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping

INDEX_STEMS = ("readme", "index", "_index")
ORDER_KEYS = ("order", "sidebar_position", "weight", "nav_order")
BACK_MATTER = ("appendix", "appendices")  # after the chapters, as books have them
_NUMERIC_PREFIX = re.compile(r"^(\d+(?:\.\d+)?)(?=[-_. ]|[^\d]|$)")
_DIGITS = re.compile(r"(\d+)")


def natural_key(text: str) -> tuple:
    """`chapter2` < `chapter10`; case folded; numbers compare as numbers."""
    return tuple(
        (0, int(part), "") if part.isdigit() else (1, 0, part.casefold())
        for part in _DIGITS.split(text)
        if part
    )


def stem_of(name: str) -> str:
    return name.rsplit(".", 1)[0] if "." in name[1:] else name


def is_index_name(name: str) -> bool:
    """A folder's landing page: README.md, index.md, _index.md (any module suffix)."""
    return stem_of(name).casefold() in INDEX_STEMS


def numeric_prefix(name: str) -> float | None:
    found = _NUMERIC_PREFIX.match(name)
    return float(found.group(1)) if found else None


def front_matter_order(front_matter: Mapping) -> float | None:
    """The sibling order a module states in its front matter, if any."""
    for key in ORDER_KEYS:
        value = front_matter.get(key)
        if isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value):
            return float(value)
        if isinstance(value, str):
            try:
                return float(value)
            except ValueError:
                continue
    return None


def tree_order(paths: Iterable[str], stated: Mapping[str, float] | None = None) -> list[str]:
    """POSIX paths relative to the course root, in tree order.

    `stated` maps a path to the order its front matter states; a folder takes the order its
    README/index states.
    """
    stated = stated or {}
    folder_orders: dict[str, float] = {}
    for path, value in stated.items():
        folder, _, name = path.rpartition("/")
        if folder and is_index_name(name):
            folder_orders.setdefault(folder, value)
    return sorted(paths, key=lambda path: tree_key(path, stated, folder_orders))


def tree_key(path: str, stated: Mapping[str, float], folder_orders: Mapping[str, float]) -> tuple:
    parts = path.split("/")
    key: list[tuple] = []
    for depth, name in enumerate(parts):
        is_file = depth == len(parts) - 1
        if is_file and is_index_name(name):
            key.append((0, False, 0.0, 0, ()))
            continue
        here = "/".join(parts[: depth + 1])
        order = stated.get(here) if is_file else folder_orders.get(here)
        if order is None:
            order = numeric_prefix(name)
        back = stem_of(name).casefold().startswith(BACK_MATTER)
        rank = math.inf if order is None else order
        key.append((1, back, rank, 0 if is_file else 1, natural_key(name)))
    return tuple(key)
