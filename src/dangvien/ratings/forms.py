"""Forms of the screening pages. They parse input only; the services judge it.

The ratings entry sheet is not a Django form: it is one radio group (or score box) per
member, read by `views.read_sheet`, so 30 rows stay light on a phone.
"""

from __future__ import annotations

from django import forms

from dangvien.core.forms import VnDateField

from .models import ScreeningOutcome

_COUNT = {"inputmode": "numeric", "autocomplete": "off", "size": "4"}


class VoteForm(forms.Form):
    voted_on = VnDateField(label="Ngày chi bộ biểu quyết")
    official_members = forms.IntegerField(
        label="Số đảng viên chính thức của chi bộ", min_value=0,
        widget=forms.TextInput(attrs=_COUNT),
        error_messages={"invalid": "Hãy nhập một số nguyên.", "required": "Hãy nhập một số."})
    exempt_members = forms.IntegerField(
        label="Trong đó: số được miễn sinh hoạt", min_value=0, initial=0,
        widget=forms.TextInput(attrs=_COUNT),
        error_messages={"invalid": "Hãy nhập một số nguyên.", "required": "Hãy nhập một số."})
    yes_votes = forms.IntegerField(
        label="Số phiếu tán thành đưa vào diện giáo dục, giúp đỡ", min_value=0,
        widget=forms.TextInput(attrs=_COUNT),
        error_messages={"invalid": "Hãy nhập một số nguyên.", "required": "Hãy nhập một số."})


class OutcomeForm(forms.Form):
    outcome = forms.ChoiceField(label="Kết quả", choices=[("", "— chọn —"), *ScreeningOutcome.choices],
                                error_messages={"required": "Hãy chọn kết quả."})
    decision = forms.CharField(label="Số quyết định / nghị quyết", max_length=50,
                               widget=forms.TextInput(attrs={"placeholder": "Ví dụ: 12-QĐ/ĐU"}),
                               error_messages={"required": "Hãy ghi số quyết định."})
    decided_on = VnDateField(label="Ngày quyết định")
    note = forms.CharField(label="Ghi chú", max_length=300, required=False)
