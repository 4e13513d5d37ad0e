"""Forms of the training pages."""

from __future__ import annotations

from django import forms

from dangvien.core.forms import VnDateField
from dangvien.people.models import Person

from .models import ClassKind, Result


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
