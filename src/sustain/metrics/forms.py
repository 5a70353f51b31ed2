"""The KPI pages' forms: a KPI's meaning and a source's mapping edit their models (the
API's schemas take the same limits from them); the upload starts an import."""

from __future__ import annotations

from typing import Any

from django import forms

from sustain.metrics import importer
from sustain.metrics.models import ImportMapping, KpiDefinition, Source
from sustain.metrics.services import MAPPING_FIELDS
from sustain.web.forms import UploadField


class UploadForm(forms.Form):
    file = UploadField(help_text="CSV/TSV, XLSX or Parquet, as your CRM exports it.")
    source = forms.ChoiceField(choices=Source.choices)
    format = forms.ChoiceField(
        choices=[("", "Guess from the header"), ("wide", "Wide"), ("long", "Long")],
        required=False,
        help_text="Panels only.",
    )
    dry_run = forms.BooleanField(
        required=False,
        label="Preview only",
        help_text="Show what would be imported and replaced; write nothing yet.",
    )


class MappingForm(forms.ModelForm[ImportMapping]):
    """The reading options, and one field per column of the source (`col_<name>`) with the
    KPIs to import, which the service saves as the mapping's `columns`."""

    kpis = forms.CharField(
        required=False,
        label="KPIs to import",
        help_text="Comma-separated columns (wide panels) or KPI keys; blank: all.",
    )

    class Meta:
        model = ImportMapping
        fields = list(MAPPING_FIELDS)
        labels = {"blanks_are_no_data": "Blank values mean no data"}
        help_texts = {
            "blanks_are_no_data": "Skip and count blank or NaN values instead of refusing "
            "the file.",
            "currency": "ISO code of the amounts, e.g. USD. Blank: read.",
        }

    def __init__(self, *args: Any, source: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.source = source
        # A delimiter may be a space or a tab.
        self.fields["delimiter"].strip = False  # type: ignore[attr-defined]
        columns = self.instance.columns or {}
        self.initial["kpis"] = ", ".join(columns.get("kpis", []))
        for name, candidates in importer.DEFAULT_COLUMNS[source].items():
            self.fields[f"col_{name}"] = forms.CharField(
                required=False,
                label=f"Column for {name.replace('_', ' ')}",
                help_text=f"Blank: the first of {', '.join(candidates[:3])}.",
            )
            self.initial[f"col_{name}"] = columns.get(name, "")


class KpiForm(forms.ModelForm[KpiDefinition]):
    class Meta:
        model = KpiDefinition
        fields = ["name", "unit", "direction", "monetary", "currency"]
        labels = {"direction": "Better is", "currency": "Currency (ISO code)"}
