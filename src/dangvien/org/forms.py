"""Forms of the organisation pages."""

from __future__ import annotations

from django import forms

from dangvien.core.forms import VnDateField

from .models import CELL_KINDS, OrgUnit, PlaceKind, UnitKind

#: What is usually founded under each kind of unit (the form's first choice).
USUAL_CHILD_KIND = {
    UnitKind.PROVINCE: UnitKind.DISTRICT,
    UnitKind.DISTRICT: UnitKind.GRASSROOTS_COMMITTEE,
    UnitKind.BLOC: UnitKind.GRASSROOTS_COMMITTEE,
    UnitKind.DIRECT: UnitKind.GRASSROOTS_COMMITTEE,
    UnitKind.GRASSROOTS_COMMITTEE: UnitKind.CELL,
}


class UnitCreateForm(forms.Form):
    """Thêm đơn vị trực thuộc: what `org.services.unit_create` needs besides the parent."""

    code = forms.CharField(
        label="Mã đơn vị", widget=forms.TextInput(attrs={"maxlength": "32", "size": "16",
                                                         "autocomplete": "off"}),
        help_text="Mã duy nhất: chữ không dấu, số, dấu chấm, gạch ngang, ví dụ KB.01.03.",
        error_messages={"required": "Hãy nhập mã đơn vị."})
    name = forms.CharField(
        label="Tên đơn vị", max_length=200, help_text="Tên đầy đủ, ví dụ Chi bộ xóm Đồi.",
        error_messages={"required": "Tên đơn vị không được để trống.",
                        "max_length": "Tên đơn vị dài quá 200 ký tự."})
    kind = forms.ChoiceField(
        label="Loại tổ chức", error_messages={
            "required": "Hãy chọn loại tổ chức.",
            "invalid_choice": "Loại tổ chức này không có trong danh mục."})
    place_kind = forms.ChoiceField(
        label="Loại hình", required=False, choices=[("", "(không ghi)"), *PlaceKind.choices],
        error_messages={"invalid_choice": "Loại hình này không có trong danh mục."})
    is_mountainous = forms.BooleanField(
        label="Vùng cao, miền núi, dân tộc thiểu số", required=False)
    valid_from = VnDateField(label="Ngày hiệu lực", help_text="Ngày đơn vị được thành lập.")
    decision = forms.CharField(
        label="Số quyết định", max_length=100, required=False,
        help_text="Không bắt buộc. Ví dụ 125-QĐ/HU.",
        error_messages={"max_length": "Số quyết định dài quá 100 ký tự."})

    def __init__(self, *args, parent: OrgUnit, **kwargs):
        super().__init__(*args, **kwargs)
        self.parent = parent
        #: Why nothing can be founded under `parent` (a cell), shown instead of the form.
        self.refusal = (f"{parent.name} là chi bộ, không thể có tổ chức đảng trực thuộc."
                        if parent.kind in CELL_KINDS else "")
        self.fields["kind"].choices = [] if self.refusal else UnitKind.choices
        self.fields["kind"].initial = USUAL_CHILD_KIND.get(parent.kind)
        self.fields["is_mountainous"].initial = parent.is_mountainous

    def clean(self):
        if self.refusal:
            raise forms.ValidationError(self.refusal)
        return super().clean()
