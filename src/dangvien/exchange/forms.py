"""The upload form: one .xlsx file."""

from __future__ import annotations

from django import forms


class UploadForm(forms.Form):
    tep = forms.FileField(
        label="Tệp Excel (.xlsx)",
        error_messages={"required": "Hãy chọn tệp Excel để tải lên.",
                        "empty": "Tệp đã chọn rỗng (0 byte)."},
        widget=forms.ClearableFileInput(attrs={
            "accept": ".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}))
