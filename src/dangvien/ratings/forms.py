"""Forms of the screening pages. They parse input only; the services judge it.

The ratings entry sheet is not a Django form: it is one radio group (or score box) per
member, read by `views.read_sheet`, so 30 rows stay light on a phone.
"""

from __future__ import annotations

from django import forms

from dangvien.core.forms import VersionedForm, VnDateField

from .models import DisciplineForm, LapseKind, RatingLevel, ScreeningOutcome

_COUNT = {"inputmode": "numeric", "autocomplete": "off", "size": "4"}


class CorrectionForm(VersionedForm):
    """Sửa kết quả xếp loại có lý do: the new level (or, from 2025, score) and why."""

    level = forms.ChoiceField(label="Mức xếp loại mới", required=False,
                              choices=[("", "— chọn —"), *RatingLevel.choices])
    score = forms.IntegerField(
        label="Điểm mới (0–100)", required=False, min_value=0, max_value=100,
        widget=forms.TextInput(attrs=_COUNT),
        error_messages={"invalid": "Điểm phải là số nguyên từ 0 đến 100.",
                        "min_value": "Điểm phải từ 0 đến 100.",
                        "max_value": "Điểm phải từ 0 đến 100."})
    reason = forms.CharField(
        label="Lý do sửa", max_length=500,
        widget=forms.Textarea(attrs={"rows": 3, "placeholder": "Ví dụ: chi bộ họp xét lại ngày …"}),
        error_messages={"required": "Hãy ghi lý do sửa (ít nhất 10 ký tự).",
                        "max_length": "Lý do dài quá 500 ký tự: hãy viết gọn lại."})

    def __init__(self, *args, uses_score: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["level" if uses_score else "score"]
        if uses_score:
            self.fields["score"].required = True
            self.fields["score"].error_messages["required"] = "Hãy nhập điểm mới (0–100)."
        else:
            self.fields["level"].required = True
            self.fields["level"].error_messages["required"] = "Hãy chọn mức xếp loại mới."
            self.fields["level"].error_messages["invalid_choice"] = "Hãy chọn một trong bốn mức."


class VoteForm(VersionedForm):
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


class OutcomeForm(VersionedForm):
    outcome = forms.ChoiceField(label="Kết quả", choices=[("", "— chọn —"), *ScreeningOutcome.choices],
                                error_messages={"required": "Hãy chọn kết quả."})
    decision = forms.CharField(label="Số quyết định / nghị quyết", max_length=50,
                               widget=forms.TextInput(attrs={"placeholder": "Ví dụ: 12-QĐ/ĐU"}),
                               error_messages={"required": "Hãy ghi số quyết định."})
    decided_on = VnDateField(label="Ngày quyết định")
    note = forms.CharField(label="Ghi chú", max_length=300, required=False)


class LapseForm(forms.Form):
    """Một tháng đảng viên không sinh hoạt hoặc không đóng đảng phí."""

    member = forms.TypedChoiceField(label="Đảng viên", coerce=int,
                                    error_messages={"required": "Hãy chọn đảng viên."})
    month = forms.TypedChoiceField(label="Tháng", coerce=int,
                                   choices=[(m, f"Tháng {m}") for m in range(1, 13)])
    kind = forms.ChoiceField(label="Vi phạm", choices=LapseKind.choices)
    with_reason = forms.BooleanField(label="Có lý do chính đáng (không tính)", required=False)
    note = forms.CharField(label="Ghi chú", max_length=300, required=False)

    def __init__(self, *args, members=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["member"].choices = [("", "— chọn —"), *members]


class DisciplineRecordForm(forms.Form):
    """Một quyết định kỷ luật đảng viên."""

    member = forms.TypedChoiceField(label="Đảng viên", coerce=int,
                                    error_messages={"required": "Hãy chọn đảng viên."})
    form = forms.ChoiceField(label="Hình thức kỷ luật", choices=DisciplineForm.choices)
    decided_on = VnDateField(label="Ngày quyết định")
    until = VnDateField(label="Chịu kỷ luật đến ngày", required=False)
    decision_number = forms.CharField(label="Số quyết định", max_length=50, required=False)

    def __init__(self, *args, members=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["member"].choices = [("", "— chọn —"), *members]
