from __future__ import annotations

from django import forms

from sustain.orgs.models import Person


class EmailForm(forms.Form):
    """The address a password reset is sent to: as long as a login email may be."""

    email = forms.EmailField(max_length=Person._meta.get_field("email").max_length)
