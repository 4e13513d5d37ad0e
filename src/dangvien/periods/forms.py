"""Forms of the period pages: a period, the report's narrative, a reviewer's comment."""

from __future__ import annotations

from django import forms
from django.core.validators import ProhibitNullCharactersValidator

from dangvien.core.forms import VersionedForm, VnDateField

from .models import PeriodKind


class _Text(forms.CharField):
    """Text whose NUL bytes and length the service judges, with its Vietnamese message."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.validators = [v for v in self.validators
                           if not isinstance(v, ProhibitNullCharactersValidator)]


class PeriodForm(VersionedForm):
    kind = forms.ChoiceField(label="Loại kỳ", choices=PeriodKind.choices,
                             error_messages={"required": "Hãy chọn loại kỳ.",
                                             "invalid_choice": "Hãy chọn quý, 6 tháng hoặc năm."})
    label = _Text(label="Tên kỳ", required=False, strip=False,
                  widget=forms.TextInput(attrs={"placeholder": "Quý II/2022", "maxlength": 80}))
    starts_on = VnDateField(label="Từ ngày")
    ends_on = VnDateField(label="Đến ngày")
    due_cell = VnDateField(label="Hạn nộp của chi bộ")
    due_grassroots = VnDateField(label="Hạn nộp của đảng bộ cơ sở")
    due_district = VnDateField(label="Hạn nộp của huyện ủy và tương đương")
    due_province = VnDateField(label="Hạn nộp của tỉnh ủy")


class NarrativeForm(VersionedForm):
    narrative = _Text(label="Nội dung báo cáo (tồn tại, hạn chế; nguyên nhân; giải pháp)",
                      required=False, strip=False,
                      widget=forms.Textarea(attrs={"rows": 14}))


class ReviewForm(VersionedForm):
    comment = _Text(label="Ý kiến (bắt buộc khi trả lại hoặc mở lại)", required=False,
                    strip=False, widget=forms.Textarea(attrs={"rows": 3}))
