from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings

from sustain.notify.models import ChannelKind, NotificationPreferences, time_zone_names
from sustain.notify.targets import MAX_TARGET_LENGTH


class PreferencesForm(forms.ModelForm[NotificationPreferences]):
    class Meta:
        model = NotificationPreferences
        fields = ["digest_email", "alerts_mode", "quiet_start", "quiet_end", "time_zone"]
        widgets = {
            "quiet_start": forms.TimeInput(attrs={"type": "time"}),
            "quiet_end": forms.TimeInput(attrs={"type": "time"}),
        }
        help_texts = {
            "quiet_start": "Messages that fall in your quiet hours wait until they end.",
            "time_zone": "Your quiet hours are in this time zone.",
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        installation = f"The installation's ({settings.TIME_ZONE})"
        self.fields["time_zone"].widget = forms.Select(
            choices=[("", installation), *((z, z) for z in sorted(time_zone_names()))]
        )


class ChannelForm(forms.Form):
    kind = forms.ChoiceField(choices=ChannelKind.choices)
    target = forms.CharField(
        label="Webhook URL or email address",
        max_length=MAX_TARGET_LENGTH,
        help_text="Slack: https://hooks.slack.com/…; Teams: the channel's incoming webhook; "
        "a signed webhook: any https URL.",
    )
    label = forms.CharField(max_length=100, required=False)
    organization_wide = forms.BooleanField(
        required=False,
        label="The organization's channel (gets the weekly organization summary)",
    )

    def __init__(self, *args: object, admin: bool = False, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        if not admin:
            del self.fields["organization_wide"]
