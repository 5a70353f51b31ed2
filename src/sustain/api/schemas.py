"""What every API request body shares: strict types, no unknown fields, clean text, and the
one error shape every error answers with."""

from __future__ import annotations

import datetime as dt
import enum
import re
import types
import typing
from typing import Annotated, Any

from ninja import Schema
from pydantic import (
    BeforeValidator,
    ConfigDict,
    ValidationInfo,
    field_validator,
    model_validator,
)

from sustain.lib.validation import text_problem


class Error(Schema):
    """Every API error: a sentence for people, and the messages per field for programs
    (`__all__` when the error is about the request as a whole)."""

    detail: str
    errors: dict[str, list[str]] = {}


def _date_kinds(annotation: object) -> bool:
    """Whether a field's type is (or may be) a date or a datetime."""
    if annotation in (dt.date, dt.datetime):
        return True
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        return any(_date_kinds(a) for a in typing.get_args(annotation))
    return False


ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}([T ].*)?\Z")


def iso_only(value: Any) -> Any:
    """Pydantic reads numbers (and numeric text) as Unix times: `-4.26e-35` would be
    1970-01-01. A date must be written as one."""
    if value is None or isinstance(value, dt.date):
        return value
    if isinstance(value, str) and ISO_DATE.match(value):
        return value
    raise ValueError("Give a date as text, YYYY-MM-DD.")


# A date parameter outside a request body (a query string), ISO text only.
IsoDate = Annotated[dt.date, BeforeValidator(iso_only)]


def _check_text(value: Any) -> None:
    if isinstance(value, str):
        problem = text_problem(value)
        if problem:
            raise ValueError(problem)
    elif isinstance(value, list | tuple):
        for item in value:
            _check_text(item)
    elif isinstance(value, dict):
        for key, item in value.items():
            _check_text(key)
            _check_text(item)


class Input(Schema):
    """Base of every request body and query schema.

    - unknown fields are refused (a typo must not be silently ignored);
    - a body must be a JSON object (`null`, `[]` or a bare number are refused);
    - dates are ISO strings only: pydantic would otherwise read `-4.26e-35` as a Unix time;
    - text may not hold NUL characters or unpaired surrogates, which no database stores.
    """

    model_config = ConfigDict(extra="forbid")

    @model_validator(mode="before")
    @classmethod
    def _an_object(cls, data: Any) -> Any:
        if not isinstance(data, dict) and not hasattr(data, "__dict__"):
            raise ValueError("The request body must be a JSON object.")
        return data

    @field_validator("*", mode="before")
    @classmethod
    def _strict(cls, value: Any, info: ValidationInfo) -> Any:
        _check_text(value)
        field = cls.model_fields.get(info.field_name or "")
        if field is not None and _date_kinds(field.annotation):
            return iso_only(value)
        return value


def api_enum(name: str, choices: type[enum.Enum]) -> type[enum.StrEnum]:
    """The same values as Django `choices`, under a name unique in the OpenAPI document
    (two apps may both call their choices `Direction`)."""
    return enum.StrEnum(name, {m.name: str(m.value) for m in choices})  # type: ignore[return-value]
