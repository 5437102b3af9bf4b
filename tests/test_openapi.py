"""The OpenAPI document partners generate clients from: one name per schema, and a committed snapshot.

django-ninja names each schema by its class name and keeps the last class registered under a name, so two
`DossierIn` classes once made `POST /api/v1/dossiers` document the evaluation's body `{"dossier"}`. The
snapshot `docs/openapi.json` makes every change of the API a visible diff in review.
"""

from __future__ import annotations

import difflib
import typing
from collections import defaultdict

import pydantic

from ocop.api.management.commands.openapi import SNAPSHOT, as_text, document
from ocop.api.urls import api

REFRESH = "Refresh it with `make openapi` (python manage.py openapi --write) and commit docs/openapi.json."


def _models_in(annotation, found: set[type]) -> None:
    """Every pydantic model an annotation names, through list[...], X | None, dict[..., X] and model fields."""
    if isinstance(annotation, type) and issubclass(annotation, pydantic.BaseModel):
        if annotation in found:
            return
        found.add(annotation)
        for field in annotation.model_fields.values():
            _models_in(field.annotation, found)
        return
    for argument in typing.get_args(annotation):
        _models_in(argument, found)


def schema_classes() -> set[type]:
    """The schema classes the routes use: parameters and bodies (through ninja's generated holders) and
    declared responses. ninja's own generated classes are left out: they never reach the document by name."""
    found: set[type] = set()
    for _prefix, router in api._routers:
        for path_operation in router.path_operations.values():
            for operation in path_operation.operations:
                for holder in operation.models:
                    for field in holder.model_fields.values():
                        _models_in(field.annotation, found)
                for response in (operation.response_models or {}).values():
                    if isinstance(response, type) and issubclass(response, pydantic.BaseModel):
                        for field in response.model_fields.values():
                            _models_in(field.annotation, found)
    return {model for model in found if model.__module__.startswith("ocop.")}


def test_the_routes_use_the_schemas_this_test_looks_for():
    names = {model.__name__ for model in schema_classes()}
    assert {"DossierIn", "RoundDossierIn", "TokenIn", "DecisionIn", "ItemIn"} <= names


def test_every_schema_name_is_used_by_one_class():
    by_name: dict[str, set[str]] = defaultdict(set)
    for model in schema_classes():
        by_name[model.__name__].add(f"{model.__module__}.{model.__qualname__}")
    duplicates = {name: sorted(places) for name, places in by_name.items() if len(places) > 1}
    assert not duplicates, (
        "Two schema classes share a name, and the OpenAPI document keeps only one of them: rename one "
        f"(the name says what it is for, e.g. RoundDossierIn): {duplicates}"
    )


def test_each_body_is_documented_with_its_own_fields():
    paths = document()["paths"]
    schemas = document()["components"]["schemas"]

    def body(path: str, method: str = "post") -> set[str]:
        ref = paths[path][method]["requestBody"]["content"]["application/json"]["schema"]["$ref"]
        return set(schemas[ref.rsplit("/", 1)[1]]["properties"])

    assert {"product", "year"} <= body("/api/v1/dossiers")
    assert body("/api/v1/evaluation/rounds/{round_id}/dossiers") == {"dossier"}


def test_the_committed_snapshot_is_the_live_document():
    live = as_text(document())
    committed = SNAPSHOT.read_text(encoding="utf-8") if SNAPSHOT.exists() else ""
    if live != committed:
        diff = "".join(
            list(
                difflib.unified_diff(
                    committed.splitlines(keepends=True),
                    live.splitlines(keepends=True),
                    "docs/openapi.json (committed)",
                    "the API now",
                )
            )[:80]
        )
        raise AssertionError(f"The API changed but docs/openapi.json did not. {REFRESH}\n{diff}")
