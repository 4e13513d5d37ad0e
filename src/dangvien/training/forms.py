"""Forms of the training pages, and the day/month/year date field every form here uses."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.core.exceptions import ValidationError

from dangvien.core import vn
from dangvien.core.errors import DomainError
from dangvien.people.models import Person

from .models import ClassKind, Result


class VnDateField(forms.Field):
    """A date typed as dd/mm/yyyy (or d/m/yyyy, or ISO), shown back as dd/mm/yyyy.

    Django's `vi` locale has no input formats, so a plain DateField would read
    09/03/2022 as 3 September; `vn.parse_date` reads it the Vietnamese way.
    """

    widget = forms.TextInput(attrs={"placeholder": "ngày/tháng/năm", "autocomplete": "off",
                                    "size": "12", "class": "date"})
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


class ClassForm(forms.Form):
    kind = forms.ChoiceField(label="Loại lớp", choices=ClassKind.choices)
    name = forms.CharField(label="Tên lớp", max_length=200,
                           help_text="Ví dụ: Lớp bồi dưỡng nhận thức về Đảng khóa 1 năm 2022")
    organiser = forms.TypedChoiceField(label="Đơn vị tổ chức", coerce=int)
    starts_on = VnDateField(label="Ngày khai giảng")
    ends_on = VnDateField(label="Ngày bế giảng")

    def __init__(self, *args, organisers: list[tuple[int, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organiser"].choices = organisers
        if len(organisers) == 1:
            self.fields["organiser"].initial = organisers[0][0]


class EnrolForm(forms.Form):
    person = forms.ModelChoiceField(
        label="Người đi học", queryset=Person.objects.none(),
        error_messages={"invalid_choice": "Không tìm thấy người này trong đơn vị bạn quản lý."})

    def __init__(self, *args, people, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = people


class ResultForm(forms.Form):
    result = forms.ChoiceField(label="Kết quả", choices=Result.choices)
    certificate_number = forms.CharField(label="Số giấy chứng nhận", max_length=50,
                                         required=False)
    certificate_on = VnDateField(label="Ngày cấp giấy chứng nhận", required=False)
