from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings

from sustain.notify.models import Channel, ChannelKind, NotificationPreferences, time_zone_names
from sustain.web.formfields import choice_field


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


class ChannelForm(forms.ModelForm[Channel]):
    organization_wide = forms.BooleanField(
        required=False,
        label="The organization's channel (gets the weekly organization summary)",
    )

    class Meta:
        model = Channel
        fields = ["kind", "target", "label"]
        labels = {"target": "Webhook URL or email address"}
        help_texts = {
            "target": "Slack: https://hooks.slack.com/…; Teams: the channel's incoming webhook; "
            "a signed webhook: any https URL."
        }

    def __init__(self, *args: Any, admin: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Email is preselected, as a kind is always chosen.
        choice_field(self, "kind").choices = ChannelKind.choices
        if not admin:
            del self.fields["organization_wide"]
