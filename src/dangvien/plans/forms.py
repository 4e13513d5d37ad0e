"""Forms of the plan pages. They parse input only; the services judge it."""

from __future__ import annotations

import re

from django import forms
from django.core.exceptions import ValidationError

from dangvien.core.forms import VersionedForm, VnDateField

from .models import Plan

_GROUPED = re.compile(r"^\d{1,3}(\.\d{3})+$")


class VnCountField(forms.Field):
    """A whole number typed the Vietnamese way: "1600" or "1.600" (dot groups thousands).

    A browser's number input would read "1.600" as one point six, so this is a text input
    with a numeric keypad.
    """

    widget = forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off",
                                    "size": "7", "class": "count"})
    default_error_messages = {
        "invalid": "Hãy nhập một số nguyên không âm (ví dụ 150 hoặc 1.600).",
        "required": "Hãy nhập một số.",
    }

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, int):
            return value
        text = "".join(str(value).split())
        if _GROUPED.match(text):
            text = text.replace(".", "")
        if not text.isdigit() or len(text) > 9:
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        return int(text)

    def prepare_value(self, value):
        return "" if value is None else str(value)


class PlanStartForm(forms.Form):
    """Bước 1: cấp ủy và năm của kế hoạch (?don-vi=KB&nam=2022)."""

    don_vi = forms.ChoiceField(label="Cấp ủy ban hành")
    nam = forms.TypedChoiceField(label="Năm", coerce=int)

    def __init__(self, *args, units: list[tuple[str, str]], years: list[int], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["don_vi"].choices = units
        self.fields["nam"].choices = [(y, str(y)) for y in years]

    def add_prefix(self, field_name: str) -> str:
        return field_name.replace("_", "-")


class PlanForm(forms.Form):
    """Bước 2: số, ký hiệu, trích yếu, chỉ tiêu, kế hoạch cấp trên."""

    number = forms.CharField(label="Số, ký hiệu", max_length=50,
                             widget=forms.TextInput(attrs={"autocomplete": "off"}))
    title = forms.CharField(label="Trích yếu", max_length=300)
    target = VnCountField(label="Chỉ tiêu kết nạp đảng viên mới (trở lên)")
    parent = forms.ChoiceField(label="Thực hiện kế hoạch của cấp trên", required=False)

    def __init__(self, *args, parents: list[Plan], **kwargs):
        super().__init__(*args, **kwargs)
        self.parents = {str(p.pk): p for p in parents}
        self.fields["parent"].choices = [
            ("", "Không (kế hoạch không thực hiện kế hoạch cấp trên nào)"),
            *((str(p.pk), f"Kế hoạch số {p.number} của {p.unit.name}") for p in parents),
        ]

    def parent_plan(self) -> Plan | None:
        return self.parents.get(self.cleaned_data.get("parent") or "")


class AllocationForm(VersionedForm):
    """Chỉ tiêu của bản dự thảo và một ô chỉ tiêu giao cho mỗi đơn vị trực thuộc (`u<id>`)."""

    target = VnCountField(label="Chỉ tiêu của kế hoạch (trở lên)")

    def __init__(self, *args, rows, **kwargs):
        super().__init__(*args, **kwargs)
        self.rows = rows
        for row in rows:
            self.fields[self.key(row.unit)] = VnCountField(label=row.name, required=False,
                                                           initial=row.allocated)

    @staticmethod
    def key(unit) -> str:
        return f"u{unit.pk}"

    def allocations(self) -> dict:
        """{unit: target} for every filled box; an empty box gives the unit no target."""
        out = {}
        for row in self.rows:
            value = self.cleaned_data.get(self.key(row.unit))
            if value is not None:
                out[row.unit] = value
        return out

    def boxes(self):
        """(row, bound field) pairs in table order, for the template."""
        return [(row, self[self.key(row.unit)]) for row in self.rows]


class IssueForm(VersionedForm):
    issued_on = VnDateField(label="Ngày ban hành")


class ReviseForm(forms.Form):
    target = VnCountField(label="Chỉ tiêu sau điều chỉnh (trở lên)")
    note = forms.CharField(label="Nội dung, lý do điều chỉnh", max_length=2000,
                           widget=forms.Textarea(attrs={"rows": 3}))
