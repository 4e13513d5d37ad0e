"""Forms of the member pages: transfer, confirmation, refusal, status change, transfer in."""

from __future__ import annotations

from django import forms

from dangvien.core.forms import VersionedForm, VnDateField

from .choices import ETHNIC_GROUPS, KINH, Education, Gender, MemberStatus, Occupation, Religion
from .models import TransferKind

#: Endings chosen on the member page (a transfer goes through its own form).
END_CHOICES = [
    (s.value, s.label) for s in (MemberStatus.REMOVED, MemberStatus.LEFT, MemberStatus.EXPELLED,
                                 MemberStatus.DECEASED)
]


class TransferForm(VersionedForm):
    """Giới thiệu chuyển sinh hoạt đảng chính thức.

    Nothing preselected: a transfer out of the province ends the membership here, so
    neither the kind nor the letter's day is filled in for the officer (choosing a cell
    from the search picks "trong tỉnh")."""

    kind = forms.ChoiceField(
        label="Chuyển đến", widget=forms.RadioSelect,
        choices=[(TransferKind.WITHIN.value, "Một chi bộ trong tỉnh (chi bộ nơi đến xác nhận tiếp nhận)"),
                 (TransferKind.OUT.value, "Tổ chức đảng ngoài tỉnh")],
        error_messages={"required": "Hãy chọn chuyển đến một chi bộ trong tỉnh hay ra ngoài tỉnh."},
    )
    to_cell = forms.CharField(label="Mã chi bộ nơi đến (trong tỉnh)", required=False, max_length=32,
                              help_text="Tìm chi bộ theo tên ở ô bên trên rồi chọn.")
    outside_unit = forms.CharField(label="Tổ chức đảng nơi đến (ngoài tỉnh)", required=False,
                                   max_length=300)
    letter_no = forms.CharField(label="Số giấy giới thiệu sinh hoạt đảng", max_length=60)
    letter_on = VnDateField(label="Ngày giới thiệu chuyển đi")
    reason = forms.CharField(label="Lý do chuyển (không bắt buộc)", required=False, max_length=300)
    #: A transfer out of the province ends the membership here: recorded only after the
    #: confirmation screen's button.
    confirmed = forms.BooleanField(required=False, widget=forms.HiddenInput)

    ALIASES = {"membership": "__all__", "unit": "__all__"}

    def clean(self):
        data = super().clean()
        if data.get("kind") == TransferKind.WITHIN and not data.get("to_cell"):
            self.add_error("to_cell", "Hãy chọn chi bộ nơi đến.")
        if data.get("kind") == TransferKind.OUT and not (data.get("outside_unit") or "").strip():
            self.add_error("outside_unit", "Hãy ghi tên tổ chức đảng nơi đến.")
        return data


class ConfirmForm(forms.Form):
    received_on = VnDateField(label="Ngày tiếp nhận")


class RefuseForm(forms.Form):
    reason = forms.CharField(label="Lý do không tiếp nhận", max_length=300)


class EndForm(VersionedForm):
    """Biến động thôi sinh hoạt: xóa tên, cho ra khỏi Đảng, khai trừ, từ trần."""

    # Nothing preselected: neither the action nor the day (an irreversible record).
    status = forms.ChoiceField(label="Biến động", choices=[("", "— Chọn biến động —"),
                                                            *END_CHOICES])
    ended_on = VnDateField(label="Ngày có hiệu lực")
    #: Set by the confirmation screen's button: only then is the event recorded.
    confirmed = forms.BooleanField(required=False, widget=forms.HiddenInput)
    decision_no = forms.CharField(label="Số quyết định (không bắt buộc với từ trần)", required=False,
                                  max_length=60)
    decision_on = VnDateField(label="Ngày quyết định", required=False)
    note = forms.CharField(label="Ghi chú", required=False, max_length=500)


class EndCancelForm(VersionedForm):
    """Hủy biến động thôi sinh hoạt ghi nhầm."""

    reason = forms.CharField(label="Lý do hủy", max_length=500,
                             widget=forms.Textarea(attrs={"rows": 2}),
                             help_text="Ví dụ: ghi nhầm người; đảng viên vẫn đang sinh hoạt.")


class IncomingForm(forms.Form):
    """Tiếp nhận đảng viên từ ngoài tỉnh chuyển đến."""

    cell = forms.ChoiceField(label="Chi bộ tiếp nhận")
    full_name = forms.CharField(label="Họ và tên", max_length=120)
    gender = forms.ChoiceField(label="Giới tính", choices=Gender.choices)
    birth_date = VnDateField(label="Ngày sinh")
    ethnicity = forms.ChoiceField(label="Dân tộc", choices=[(e, e) for e in ETHNIC_GROUPS], initial=KINH)
    cccd = forms.CharField(label="Số CCCD", required=False, max_length=20)
    outside_unit = forms.CharField(label="Tổ chức đảng nơi đi (ngoài tỉnh)", max_length=300)
    letter_no = forms.CharField(label="Số giấy giới thiệu sinh hoạt đảng", max_length=60)
    letter_on = VnDateField(label="Ngày giới thiệu chuyển đi")
    received_on = VnDateField(label="Ngày tiếp nhận")
    admitted_on = VnDateField(label="Ngày vào Đảng (theo giấy giới thiệu)")
    recognized_on = VnDateField(label="Ngày chính thức (để trống nếu còn dự bị)", required=False)
    card_number = forms.CharField(label="Số thẻ đảng viên", required=False, max_length=20)

    ALIASES = {"to_cell": "cell", "unit": "cell", "person": "__all__"}

    def __init__(self, *args, cells, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cell"].choices = [(c.pk, f"{c.name} ({c.code})") for c in cells]

    def person_data(self) -> dict:
        d = self.cleaned_data
        return {k: d[k] for k in ("full_name", "gender", "birth_date", "ethnicity", "cccd")}


class PersonCorrectForm(VersionedForm):
    """Sửa lý lịch có lý do: every biography field, shown with the stored values."""

    full_name = forms.CharField(label="Họ và tên", max_length=120)
    gender = forms.ChoiceField(label="Giới tính", choices=Gender.choices)
    birth_date = VnDateField(label="Ngày sinh")
    ethnicity = forms.ChoiceField(label="Dân tộc", choices=[(e, e) for e in ETHNIC_GROUPS])
    religion = forms.ChoiceField(label="Tôn giáo", choices=Religion.choices)
    cccd = forms.CharField(label="Số CCCD", required=False, max_length=20)
    home_address = forms.CharField(label="Quê quán, nơi ở", required=False, max_length=300)
    education = forms.ChoiceField(label="Trình độ giáo dục phổ thông", choices=Education.choices)
    occupation = forms.ChoiceField(label="Nghề nghiệp", choices=Occupation.choices)
    reason = forms.CharField(label="Lý do sửa", max_length=500,
                             widget=forms.Textarea(attrs={"rows": 2}),
                             help_text="Ví dụ: ghi nhầm năm sinh so với lý lịch gốc (mẫu 2-KNĐ).")

    FIELDS = ("full_name", "gender", "birth_date", "ethnicity", "religion", "cccd",
              "home_address", "education", "occupation")

    def person_data(self) -> dict:
        return {k: self.cleaned_data[k] for k in self.FIELDS}


class TransferCorrectForm(VersionedForm):
    """Sửa số, ngày giấy giới thiệu, ngày tiếp nhận của lần chuyển đã hoàn tất, có lý do."""

    letter_no = forms.CharField(label="Số giấy giới thiệu sinh hoạt đảng", max_length=60)
    letter_on = VnDateField(label="Ngày giới thiệu chuyển đi")
    received_on = VnDateField(label="Ngày tiếp nhận (chuyển trong tỉnh)", required=False)
    reason = forms.CharField(label="Lý do sửa", max_length=500,
                             widget=forms.Textarea(attrs={"rows": 2}),
                             help_text="Ví dụ: ghi nhầm ngày tiếp nhận so với sổ theo dõi.")
