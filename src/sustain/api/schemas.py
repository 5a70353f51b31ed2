"""What every API request body shares: strict types, no unknown fields, clean text, and the
one error shape every error answers with."""

from __future__ import annotations

import datetime as dt
import enum
import re
import types
import typing
from decimal import Decimal
from typing import Annotated, Any, ClassVar

import annotated_types
from django.core import validators
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from ninja import Schema
from pydantic import (
    BeforeValidator,
    ConfigDict,
    ValidationInfo,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticUndefined

from sustain.lib.validation import text_problem


class Error(Schema):
    """Every API error: a sentence for people, and the messages per field for programs
    (`__all__` when the error is about the request as a whole)."""

    detail: str
    errors: dict[str, list[str]] = {}


def _kinds(annotation: object) -> set[object]:
    """The plain types a field accepts: `int | None` → {int, NoneType}."""
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        return set().union(*(_kinds(a) for a in typing.get_args(annotation)))
    if typing.get_origin(annotation) is Annotated:
        return _kinds(typing.get_args(annotation)[0])
    return {annotation}


NUMBERS = {int, float, Decimal}


def _strict_scalar(kinds: set[object], value: Any) -> Any:
    """JSON types as the schema says: pydantic would take `0` for `false`, `false` for
    `0`, and `"12"` for 12."""
    if value is None:
        return value
    if kinds & {dt.date, dt.datetime}:
        return iso_only(value)
    if bool in kinds and not isinstance(value, bool):
        raise ValueError("Give true or false.")
    if kinds & NUMBERS and bool not in kinds and isinstance(value, bool):
        raise ValueError("Give a number.")
    if kinds & {int, float} and not kinds & {Decimal, str} and isinstance(value, str):
        raise ValueError("Give a number.")
    return value


DECIMAL_TEXT = r"^-?\d{1,15}(\.\d{1,6})?$"


def _model_of(cls: Any) -> type[models.Model] | None:
    """The model a schema is made from (`Meta.model` of a ModelSchema) or edits
    (`__model__`)."""
    meta = getattr(cls, "Meta", None)
    return getattr(meta, "model", None) or getattr(cls, "__model__", None)


def _column(cls: Any, name: str) -> models.Field[Any, Any] | None:
    model = _model_of(cls)
    if model is None:
        return None
    try:
        field = model._meta.get_field(name)
    except FieldDoesNotExist:
        return None
    return field if isinstance(field, models.Field) and not field.is_relation else None


def _not_null(cls: Any, name: str) -> bool:
    """Whether the model column behind field `name` refuses NULL."""
    field = _column(cls, name)
    return field is not None and not field.null


POSITIVE_INTEGERS = (
    models.PositiveBigIntegerField,
    models.PositiveIntegerField,
    models.PositiveSmallIntegerField,
)


def _column_limits(field: models.Field[Any, Any], *, blank_ok: bool) -> list[object]:
    """A column's limits as pydantic constraints: its length (CharField and
    LongTextField), its MinValue/MaxValue validators, and for text that may not be blank
    at least one character (unless the schema's own default is "")."""
    limits: list[object] = []
    if isinstance(field, models.CharField | models.TextField):
        if field.max_length:
            limits.append(annotated_types.MaxLen(field.max_length))
        if not field.blank and not field.choices and not blank_ok:
            limits.append(annotated_types.MinLen(1))
    for validator in field._validators:  # type: ignore[attr-defined]  # the declared ones only
        if isinstance(validator, validators.MinValueValidator):
            limits.append(annotated_types.Ge(validator.limit_value))
        elif isinstance(validator, validators.MaxValueValidator):
            limits.append(annotated_types.Le(validator.limit_value))
    if isinstance(field, POSITIVE_INTEGERS) and not any(
        isinstance(limit, annotated_types.Ge) for limit in limits
    ):
        limits.append(annotated_types.Ge(0))
    return limits


def _limits_from_model(cls: type[Schema]) -> None:
    """A ModelSchema request body takes each column's limits from the model, so they are
    declared once: ninja copies a CharField's max_length only. Text that may be blank
    defaults to "" as in Django (ninja would make it None); a patch
    (`Meta.fields_optional`) has no defaults."""
    changed = False
    patch = getattr(cls.Meta, "fields_optional", None) is not None  # type: ignore[attr-defined]
    for name, info in cls.model_fields.items():
        field = _column(cls, name)
        if field is None:
            continue
        if patch and not info.is_required() and info.default is not None:
            # A field left out of a patch keeps its value: no default to document.
            info.default = None
            changed = True
        present = {type(m) for m in info.metadata}
        accepts = _kinds(info.annotation)
        for limit in _column_limits(field, blank_ok=info.default == ""):
            fits = (
                str in accepts
                if isinstance(limit, annotated_types.MaxLen | annotated_types.MinLen)
                else bool(accepts & NUMBERS)
            )
            if fits and type(limit) not in present:
                info.metadata.append(limit)
                changed = True
        text = isinstance(field, models.CharField | models.TextField)
        if text and not patch and field.blank and not field.null and info.default is None:
            info.default = ""
            changed = True
    if changed:
        cls.model_rebuild(force=True)


def _schema_extra(schema: dict[str, Any], cls: type) -> None:
    """What the JSON schema says beyond pydantic: a decimal may be sent as a number or as
    text (which keeps its precision), and text matching DECIMAL_TEXT is one; an optional
    field of a patch whose column cannot hold NULL may be left out, not sent as null."""
    for name, prop in schema.get("properties", {}).items():
        if _not_null(cls, name) and prop.get("anyOf"):
            options = [o for o in prop["anyOf"] if o != {"type": "null"}]
            prop.pop("anyOf")
            if len(options) == 1:
                prop.update(options[0])
            else:
                prop["anyOf"] = options
            if prop.get("default", 0) is None:
                prop.pop("default")
        options = prop.get("anyOf")
        if (
            options
            and {"type": "string"} in options
            and any(o.get("type") == "number" for o in options)
        ):
            # A number with a lower bound of 0 has no minus sign as text either.
            signed = not any(o.get("minimum", -1) >= 0 for o in options)
            pattern = DECIMAL_TEXT if signed else DECIMAL_TEXT.replace("^-?", "^")
            prop["anyOf"] = [
                {"type": "string", "pattern": pattern} if o == {"type": "string"} else o
                for o in options
            ]


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


def _clean_text(value: Any) -> Any:
    """NUL characters are dropped (no database stores them, and they carry nothing);
    text with a lone surrogate is refused. A choice stays a choice (its value is checked)."""
    if isinstance(value, enum.Enum):
        return value
    if isinstance(value, str):
        value = value.replace("\x00", "")
        problem = text_problem(value)
        if problem:
            raise ValueError(problem)
        return value
    if isinstance(value, list):
        return [_clean_text(item) for item in value]
    if isinstance(value, dict):
        return {_clean_text(k): _clean_text(v) for k, v in value.items()}
    return value


class Input(Schema):
    """Base of every request body and query schema.

    - unknown fields are refused (a typo must not be silently ignored);
    - a body must be a JSON object (`null`, `[]` or a bare number are refused);
    - JSON types are strict: dates are ISO strings only (pydantic would otherwise read
      `-4.26e-35` as a Unix time), booleans are true/false, numbers are numbers;
    - text loses NUL characters and may not hold unpaired surrogates (no database
      stores either).
    """

    model_config = ConfigDict(extra="forbid", json_schema_extra=_schema_extra)
    # The model a patch edits: its NOT NULL columns refuse `null` (see `_not_null`).
    __model__: ClassVar[type[models.Model] | None] = None

    @classmethod
    def __pydantic_init_subclass__(cls, **kwargs: Any) -> None:
        super().__pydantic_init_subclass__(**kwargs)
        if getattr(getattr(cls, "Meta", None), "model", None) is not None:
            _limits_from_model(cls)

    @model_validator(mode="before")
    @classmethod
    def _an_object(cls, data: Any) -> Any:
        if not isinstance(data, dict) and not hasattr(data, "__dict__"):
            raise ValueError("The request body must be a JSON object.")
        return data

    @field_validator("*", mode="before")
    @classmethod
    def _strict(cls, value: Any, info: ValidationInfo) -> Any:
        field = cls.model_fields.get(info.field_name or "")
        if value is None and _not_null(cls, info.field_name or ""):
            raise ValueError("This field cannot be null: leave it out to keep its value.")
        if field is not None:
            value = _strict_scalar(_kinds(field.annotation), value)
        return value

    @field_validator("*", mode="after")
    @classmethod
    def _clean(cls, value: Any) -> Any:
        # After the schema's own checks, so that "\x00" is valid text that becomes "".
        return _clean_text(value)


def _not_optional(annotation: Any) -> Any:
    """`int | None` → `int`."""
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        kept = [a for a in typing.get_args(annotation) if a is not type(None)]
        return typing.Union[tuple(kept)] if len(kept) > 1 else kept[0]  # noqa: UP007
    return annotation


class Output(Schema):
    """Base of a response schema made from a model (`Meta.model` of a ModelSchema): every
    field is always answered, and may be null only where its column may (ninja makes a
    column optional when it has a default or may be blank, which suits a request, not a
    response), and no length is enforced on what is stored."""

    @classmethod
    def __pydantic_init_subclass__(cls, **kwargs: Any) -> None:
        super().__pydantic_init_subclass__(**kwargs)
        model = _model_of(cls)
        if model is None:
            return
        changed = False
        # The fields made from columns; those the schema declares itself are as declared.
        made = getattr(cls.Meta, "fields", None)  # type: ignore[attr-defined]
        for name, info in cls.model_fields.items():
            if made != "__all__" and name not in (made or ()):
                continue
            try:
                column = model._meta.get_field(name)
            except FieldDoesNotExist:
                continue
            if not column.concrete or column.many_to_many:
                continue
            if not column.null and info.annotation is not None:
                info.annotation = _not_optional(info.annotation)
            # An answer describes what is stored: a length is a request's limit (SQLite
            # keeps longer text, and it must not turn a read into an error).
            info.metadata = [m for m in info.metadata if not isinstance(m, annotated_types.MaxLen)]
            if not info.is_required():
                info.default = PydanticUndefined
                info.default_factory = None
            changed = True
        if changed:
            cls.model_rebuild(force=True)


def api_enum(name: str, choices: type[enum.Enum]) -> type[enum.StrEnum]:
    """The same values as Django `choices`, under a name unique in the OpenAPI document
    (two apps may both call their choices `Direction`)."""
    # The functional API is typed as returning a plain Enum; it is a StrEnum.
    return enum.StrEnum(name, {m.name: str(m.value) for m in choices})  # type: ignore[return-value]
