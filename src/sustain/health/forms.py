"""The settings form: one weight/ok/bad triple per signal, enabled/threshold/escalation per
rule, and the refresher interval cap; field names `s-<key>-<part>` and `r-<key>-<part>`."""

from __future__ import annotations

from typing import Any

from django import forms

from sustain.health import rules as rules_mod
from sustain.health import signals as sig
from sustain.health.models import HealthSettings


class HealthSettingsForm(forms.Form):
    # The column's limits, as in the API.
    refresher_max_interval_days = HealthSettings._meta.get_field(
        "refresher_max_interval_days"
    ).formfield(label="Longest refresher interval (days)", help_text="")

    def __init__(self, *args: Any, table: dict[str, Any], **kwargs: Any) -> None:
        initial = {"refresher_max_interval_days": table["settings"].refresher_max_interval_days}
        for row in table["signals"]:
            for part in ("weight", "ok", "bad"):
                initial[f"s-{row['signal'].key}-{part}"] = row[part]
        for row in table["rules"]:
            initial[f"r-{row['rule'].key}-enabled"] = row["enabled"]
            initial[f"r-{row['rule'].key}-threshold"] = row["threshold"]
            initial[f"r-{row['rule'].key}-escalate"] = row["escalate_after_days"]
        super().__init__(*args, **{**kwargs, "initial": initial})
        for s in sig.SIGNALS:
            self.fields[f"s-{s.key}-weight"] = forms.FloatField(min_value=0, max_value=10)
            self.fields[f"s-{s.key}-ok"] = forms.FloatField()
            self.fields[f"s-{s.key}-bad"] = forms.FloatField()
        for r in rules_mod.RULES:
            self.fields[f"r-{r.key}-enabled"] = forms.BooleanField(required=False)
            self.fields[f"r-{r.key}-threshold"] = forms.FloatField(min_value=0)
            self.fields[f"r-{r.key}-escalate"] = forms.IntegerField(min_value=1, max_value=90)

    def rows(self) -> dict[str, list[Any]]:
        return {
            "signals": [
                (s, [self[f"s-{s.key}-{p}"] for p in ("weight", "ok", "bad")]) for s in sig.SIGNALS
            ],
            "rules": [
                (r, [self[f"r-{r.key}-{p}"] for p in ("enabled", "threshold", "escalate")])
                for r in rules_mod.RULES
            ],
        }

    def overrides(self) -> dict[str, Any]:
        d = self.cleaned_data
        return {
            "signals": {
                s.key: {p: d[f"s-{s.key}-{p}"] for p in ("weight", "ok", "bad")}
                for s in sig.SIGNALS
            },
            "rules": {
                r.key: {
                    "enabled": d[f"r-{r.key}-enabled"],
                    "threshold": d[f"r-{r.key}-threshold"],
                    "escalate_after_days": d[f"r-{r.key}-escalate"],
                }
                for r in rules_mod.RULES
            },
            "refresher_max_interval_days": d["refresher_max_interval_days"],
        }


class SnoozeForm(forms.Form):
    until = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
