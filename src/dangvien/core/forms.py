"""Form pieces every page uses: the Vietnamese date field and showing a refused write."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.core.exceptions import ValidationError

from dangvien.core import vn
from dangvien.core.errors import DomainError


class VnDateField(forms.Field):
    """A date typed as dd/mm/yyyy (or d/m/yyyy, or ISO), shown back as dd/mm/yyyy.

    Django's `vi` locale has no input formats, so a plain DateField would read
    09/03/2022 as 3 September; `vn.parse_date` reads it the Vietnamese way.
    """

    # On a phone the digit keypad with a dot: 31.05.2022 is read like 31/05/2022.
    widget = forms.TextInput(attrs={"placeholder": "ngày/tháng/năm", "autocomplete": "off",
                                    "size": "12", "class": "date", "inputmode": "decimal"})
    default_error_messages = {"required": "Hãy nhập ngày (ngày/tháng/năm)."}

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, dt.date):
            return value
        try:
            return vn.parse_date(str(value))
        except ValueError as exc:
            raise ValidationError(str(exc), code="invalid") from None

    def prepare_value(self, value):
        if isinstance(value, dt.date):
            return vn.format_date(value)
        return value


def add_domain_error(form: forms.Form, error: DomainError, aliases: dict | None = None) -> None:
    """Show a refused write on the field it names, or above the form when it names none."""
    name = (aliases or {}).get(error.field, error.field)
    form.add_error(name if name in form.fields else None, error.message)


class VersionedForm(forms.Form):
    """A form that carries the version token of the record it edits (`core.versions`).

    Build it with `initial={"phien_ban": versions.token(obj)}`; pass
    `form.cleaned_data["phien_ban"]` to the service. When the service refuses with
    `StaleRecord`, `form.stale(error)` shows who changed what, keeps what the user typed
    and puts the fresh token in, so the next "Lưu" re-applies the input on purpose.
    """

    phien_ban = forms.CharField(widget=forms.HiddenInput, required=False, max_length=40)

    stale_changes: list = []

    def stale(self, error) -> None:
        data = self.data.copy()
        data["phien_ban"] = error.fresh_token
        self.data = data
        self.stale_changes = error.changes
        self.add_error(None, error.message)
