"""Health of a program (fixed contract), its settings, and alerts (fixed contract)."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from django.db.models import QuerySet
from ninja import Field, ModelSchema, Router, Schema

from sustain.api.pagination import paginated
from sustain.api.schemas import Input, Output
from sustain.health import alerts as alert_services
from sustain.health import selectors, services
from sustain.health.models import Alert, HealthDay, HealthSettings
from sustain.orgs import access
from sustain.orgs.http import AuthenticatedHttpRequest

router = Router(tags=["health"])


class SignalOut(Schema):
    key: str
    value: float | None
    status: Literal["ok", "warn", "bad"]
    detail: str


class HealthOut(Schema):
    id: int
    name: str
    score: int = Field(ge=0, le=100)
    signals: list[SignalOut]

    @staticmethod
    def resolve_id(obj: HealthDay) -> int:
        return obj.subject_id

    @staticmethod
    def resolve_signals(obj: HealthDay) -> list[dict[str, Any]]:
        return obj.explained


class ProgramHealthOut(Schema):
    day: dt.date | None = Field(description="The day computed; null until the first sweep.")
    program: HealthOut | None
    regions: list[HealthOut]
    teams: list[HealthOut]
    managers: list[HealthOut]
    reps: list[HealthOut]


@router.get("/programs/{program_id}/health", response=ProgramHealthOut)
def program_health(request: AuthenticatedHttpRequest, program_id: int) -> dict[str, Any]:
    program = access.get_program_for(request.user, program_id)
    return selectors.health_for(viewer=request.user, program=program)


class SignalConfig(Input):
    weight: float | None = Field(default=None, ge=0, le=10)
    ok: float | None = None
    bad: float | None = None


class RuleConfig(Input):
    enabled: bool | None = None
    threshold: float | None = Field(default=None, ge=0)
    escalate_after_days: int | None = Field(default=None, ge=1, le=90)


class SettingsIn(Input, ModelSchema):
    signals: dict[str, SignalConfig] | None = None
    rules: dict[str, RuleConfig] | None = None

    class Meta:
        model = HealthSettings
        fields = ["refresher_max_interval_days"]
        fields_optional = "__all__"


class SettingsOut(Schema):
    signals: dict[str, dict[str, float]]
    rules: dict[str, dict[str, Any]]
    refresher_max_interval_days: int


def _settings_out(program: Any) -> dict[str, Any]:
    table = selectors.settings_table(program)
    return {
        "signals": {
            r["signal"].key: {k: r[k] for k in ("weight", "ok", "bad")} for r in table["signals"]
        },
        "rules": {
            r["rule"].key: {k: r[k] for k in ("enabled", "threshold", "escalate_after_days")}
            for r in table["rules"]
        },
        "refresher_max_interval_days": table["settings"].refresher_max_interval_days,
    }


@router.get("/programs/{program_id}/health/settings", response=SettingsOut)
def health_settings(request: AuthenticatedHttpRequest, program_id: int) -> dict[str, Any]:
    program = access.get_program_health_settings_for(request.user, program_id)
    return _settings_out(program)


@router.patch("/programs/{program_id}/health/settings", response=SettingsOut)
def health_settings_update(
    request: AuthenticatedHttpRequest, program_id: int, payload: SettingsIn
) -> dict[str, Any]:
    program = access.get_program_health_settings_for(request.user, program_id, write=True)
    data = payload.dict(exclude_none=True)
    services.health_settings_update(
        program=program,
        signals={
            k: {a: b for a, b in v.items() if b is not None}
            for k, v in data.get("signals", {}).items()
        }
        if "signals" in data
        else None,
        rules={
            k: {a: b for a, b in v.items() if b is not None}
            for k, v in data.get("rules", {}).items()
        }
        if "rules" in data
        else None,
        refresher_max_interval_days=data.get("refresher_max_interval_days"),
    )
    return _settings_out(program)


class SubjectOut(Schema):
    type: str
    id: int
    name: str


class AlertOut(Output, ModelSchema):
    subject: SubjectOut
    recipient: str = Field(description="The recipient's name.")
    escalated_to: str | None = Field(description="The name of whom it was escalated to.")

    class Meta:
        model = Alert
        fields = ["id", "rule", "severity", "detail", "opened_at", "status", "snoozed_until"]

    @staticmethod
    def resolve_subject(obj: Alert) -> dict[str, Any]:
        return {"type": obj.subject_type, "id": obj.subject_id, "name": obj.subject_name}

    @staticmethod
    def resolve_recipient(obj: Alert) -> str:
        return obj.recipient.name

    @staticmethod
    def resolve_escalated_to(obj: Alert) -> str | None:
        return obj.escalated_to.name if obj.escalated_to else None


@router.get("/alerts", response=list[AlertOut])
@paginated
def alerts_list(
    request: AuthenticatedHttpRequest,
    status: Literal["open", "snoozed", "acknowledged", "resolved", "all"] = "open",
) -> QuerySet[Alert]:
    """The alerts the caller may see, newest first (then by id)."""
    return selectors.alerts_for(viewer=request.user, status=status).order_by("-opened_at", "-id")


@router.post("/alerts/{alert_id}/ack", response=AlertOut)
def alert_ack(request: AuthenticatedHttpRequest, alert_id: int) -> Alert:
    alert = access.get_alert_for(request.user, alert_id, write=True)
    return alert_services.alert_acknowledge(alert=alert, person=request.user)


class SnoozeIn(Input):
    until: dt.date


@router.post("/alerts/{alert_id}/snooze", response=AlertOut)
def alert_snooze(request: AuthenticatedHttpRequest, alert_id: int, payload: SnoozeIn) -> Alert:
    alert = access.get_alert_for(request.user, alert_id, write=True)
    return alert_services.alert_snooze(alert=alert, person=request.user, until=payload.until)
