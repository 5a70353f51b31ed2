"""The OpenAPI document describes what the API really accepts and answers."""

from __future__ import annotations

import enum
import typing
from collections import defaultdict
from collections.abc import Iterator
from typing import Any

from django.test import Client
from ninja.operation import Operation
from pydantic import BaseModel

from sustain.api.urls import api


def _operations() -> Iterator[tuple[str, Operation]]:
    for _prefix, router in api._routers:
        for path, view in router.path_operations.items():
            for op in view.operations:
                yield path, op


def _named_types(annotation: object, seen: set[object]) -> Iterator[type]:
    if annotation in seen:
        return
    seen.add(annotation)
    if isinstance(annotation, type) and issubclass(annotation, enum.Enum):
        yield annotation
    elif isinstance(annotation, type) and issubclass(annotation, BaseModel):
        if annotation.__name__ not in (
            "NinjaResponseSchema",
        ) and not annotation.__name__.startswith(
            ("BodyParams", "QueryParams", "PathParams", "FormParams", "FileParams")
        ):
            yield annotation
        for field in annotation.model_fields.values():
            yield from _named_types(field.annotation, seen)
    for arg in typing.get_args(annotation):
        yield from _named_types(arg, seen)


def _paged_item(model: type) -> object:
    """@paginate makes a `Paged<Item>` wrapper per endpoint: two lists of one item schema
    are one schema, so they are told apart by the item."""
    if model.__name__.startswith("Paged") and issubclass(model, BaseModel):
        return model.model_fields["items"].annotation
    return None


def test_it_gives_every_schema_and_enumeration_its_own_name() -> None:
    by_name: dict[str, set[object]] = defaultdict(set)
    seen: set[object] = set()
    for _path, op in _operations():
        for model in [*op.models, *op.response_models.values()]:
            for named in _named_types(model, seen):
                by_name[named.__name__].add(_paged_item(named) or named)
    clashes = {name: classes for name, classes in by_name.items() if len(classes) > 1}
    assert clashes == {}


def test_it_documents_the_error_codes_each_operation_answers(client: Client) -> None:
    doc = client.get("/api/v1/openapi.json").json()
    restart = doc["paths"]["/api/v1/plans/{plan_id}/restart"]["post"]["responses"]
    assert {"200", "400", "401", "403", "404", "422"} <= set(restart)
    error = restart["404"]["content"]["application/json"]["schema"]
    assert "Error" in str(error)


def test_it_declares_enumerations(client: Client) -> None:
    schemas = client.get("/api/v1/openapi.json").json()["components"]["schemas"]
    assert schemas["KpiDirection"]["enum"] == ["up", "down"]
    assert schemas["GoalDirection"]["enum"] == ["increase", "decrease"]


def test_it_does_not_offer_null_for_columns_that_cannot_hold_it(client: Client) -> None:
    schemas = client.get("/api/v1/openapi.json").json()["components"]["schemas"]
    person = schemas["PersonPatch"]["properties"]
    assert person["title"]["type"] == "string"
    assert "anyOf" not in person["title"]
    # A nullable column keeps null: it clears the value.
    assert {"type": "null"} in person["hire_date"]["anyOf"]


def test_it_answers_every_column_of_a_model_response(client: Client) -> None:
    schemas = client.get("/api/v1/openapi.json").json()["components"]["schemas"]
    check_in = schemas["CheckInOut"]
    # Blank text and a column with a default are still always answered, never null.
    assert {"id", "applied", "struggled", "rating", "week"} <= set(check_in["required"])
    assert check_in["properties"]["applied"]["type"] == "string"
    # A nullable column answers null.
    enrollment = schemas["EnrollmentOut"]["properties"]
    assert {"type": "null"} in enrollment["attended"]["anyOf"]


# Text whose format bounds its length (a date, a time, an address) needs no maxLength.
IMPLIED_LENGTH = {"date", "date-time", "time", "email", "uri", "uuid", "binary", "duration"}


def _unbounded_text(
    schema: dict[str, Any], schemas: dict[str, Any], where: str, seen: set[str]
) -> list[str]:
    """The string properties (and string list items) under `schema` that declare no
    maxLength, as `Schema.property`."""
    if "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[-1]
        if name in seen:
            return []
        seen.add(name)
        return _unbounded_text(schemas[name], schemas, name, seen)
    found = []
    for option in schema.get("anyOf", []) + schema.get("allOf", []):
        found += _unbounded_text(option, schemas, where, seen)
    if "items" in schema:
        found += _unbounded_text(schema["items"], schemas, f"{where}[]", seen)
    for name, prop in schema.get("properties", {}).items():
        for option in prop.get("anyOf", [prop]):
            if (
                option.get("type") == "string"
                and option.get("format") not in IMPLIED_LENGTH
                and not {"enum", "const", "pattern"} & set(option)
                and "maxLength" not in option
                and "maxLength" not in prop
            ):
                found.append(f"{where}.{name}")
        found += _unbounded_text(prop, schemas, f"{where}.{name}", seen)
    if (
        where.endswith("[]")  # a list's items
        and schema.get("type") == "string"
        and "maxLength" not in schema
        and not {"enum", "pattern", "format"} & set(schema)
    ):
        found.append(where)
    return found


def test_it_bounds_every_text_a_request_may_send(client: Client) -> None:
    doc = client.get("/api/v1/openapi.json").json()
    schemas = doc["components"]["schemas"]
    unbounded = []
    for path, operations in doc["paths"].items():
        for method, operation in operations.items():
            for content in operation.get("requestBody", {}).get("content", {}).values():
                unbounded += _unbounded_text(content["schema"], schemas, f"{method} {path}", set())
    assert sorted(set(unbounded)) == []


def test_it_documents_every_list_as_one_page(client: Client) -> None:
    doc = client.get("/api/v1/openapi.json").json()
    people = doc["paths"]["/api/v1/people"]["get"]
    assert {p["name"] for p in people["parameters"]} >= {"limit", "offset", "role"}
    page = people["responses"]["200"]["content"]["application/json"]["schema"]["$ref"]
    schema = doc["components"]["schemas"][page.rsplit("/", 1)[1]]
    assert set(schema["required"]) == {"items", "count"}
    lists = [
        (path, op)
        for path, item in doc["paths"].items()
        for method, op in item.items()
        if method == "get"
        and op["responses"]["200"]
        .get("content", {})
        .get("application/json", {})
        .get("schema", {})
        .get("type")
        == "array"
    ]
    assert lists == []
