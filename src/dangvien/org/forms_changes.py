"""Forms of the organisation changes (thay đổi tổ chức): rename, move, dissolve, merge,
split. Each names the service it calls and the arguments it passes; the page previews
the change with them (a rolled-back run) and applies it when the user confirms.

A unit typed by its code is looked up inside the user's scope only: a unit outside it
reads "not found", as on every page.
"""

from __future__ import annotations

from collections.abc import Callable
from types import SimpleNamespace

from django import forms

from dangvien.accounts.models import Role
from dangvien.accounts.scope import can
from dangvien.core.forms import VnDateField
from dangvien.people.models import Membership

from . import services
from .forms import UnitCreateForm
from .models import CELL_KINDS, OrgUnit, UnitKind
from .selectors import unit_by_code

ROLE_CHOICES = [
    ("end", "Chấm dứt phân quyền của cán bộ đơn vị thôi hoạt động"),
    ("move", "Chuyển phân quyền sang đơn vị kế thừa"),
]
MAX_PARTS = 4


class ChangePage:
    """What the change page reads from any change form: its title, heading and message."""

    title = ""
    #: The page's heading; {name} is the unit's name.
    heading_text = "{title} {name}"
    unit: OrgUnit

    @property
    def heading(self) -> str:
        return self.heading_text.format(title=self.title, name=self.unit.name)

    def done_message(self, done, what) -> str:
        return f"Đã ghi thay đổi tổ chức: {what.summary}."


class ChangeForm(ChangePage, forms.Form):
    """Ngày hiệu lực, số và ngày quyết định: what every change records."""

    #: Why this change cannot be made on this unit, shown instead of the form.
    refusal = ""
    service: Callable

    effective = VnDateField(label="Ngày hiệu lực", help_text="Từ ngày này tổ chức có hình dạng mới; "
                            "các ngày trước đó vẫn như cũ.")
    decision = forms.CharField(
        label="Số quyết định", max_length=100, required=False,
        help_text="Ví dụ 125-QĐ/TU.",
        error_messages={"max_length": "Số quyết định dài quá 100 ký tự."})
    decision_date = VnDateField(label="Ngày quyết định", required=False)
    xem_truoc = forms.CharField(widget=forms.HiddenInput, required=False, max_length=40)

    def __init__(self, data=None, *, unit: OrgUnit, user, **kwargs):
        super().__init__(data, **kwargs)
        self.unit, self.user = unit, user
        # The change's own fields first, the decision last.
        order = [n for n in self.fields if n not in ("effective", "decision", "decision_date",
                                                      "xem_truoc")]
        self.order_fields([*order, "effective", "decision", "decision_date", "xem_truoc"])

    def _unit(self, name: str) -> OrgUnit | None:
        code = (self.cleaned_data.get(name) or "").strip()
        if not code:
            return None
        unit = unit_by_code(code)
        if unit is None or not can(self.user, unit):
            self.add_error(name, f"Không tìm thấy đơn vị mã “{code[:40]}” trong phạm vi của bạn.")
            return None
        return unit

    def arguments(self) -> dict:
        d = self.cleaned_data
        return {"by": self.user, "effective": d["effective"], "decision": d.get("decision", ""),
                "decision_date": d.get("decision_date")}


def _code_field(label: str, help_text: str = "", required: bool = True) -> forms.CharField:
    return forms.CharField(
        label=label, max_length=32, required=required, help_text=help_text,
        widget=forms.TextInput(attrs={"list": "don-vi", "autocomplete": "off", "size": "16"}),
        error_messages={"required": f"Hãy nhập {label.lower()}.",
                        "max_length": "Mã đơn vị dài quá 32 ký tự."})


class RenameForm(ChangeForm):
    title = "Đổi tên"
    service = staticmethod(services.unit_rename)

    name = forms.CharField(label="Tên mới", max_length=200,
                           error_messages={"required": "Hãy nhập tên mới.",
                                           "max_length": "Tên mới dài quá 200 ký tự."})

    def arguments(self) -> dict:
        return {**super().arguments(), "unit": self.unit, "name": self.cleaned_data["name"]}


class MoveForm(ChangeForm):
    title = "Điều chuyển"
    service = staticmethod(services.unit_move)

    new_parent = _code_field("Mã đơn vị cấp trên mới",
                             "Gõ mã hoặc chọn trong danh sách, ví dụ TU.")

    def clean(self):
        data = super().clean()
        self.new_parent_unit = self._unit("new_parent")
        return data

    def arguments(self) -> dict:
        return {**super().arguments(), "unit": self.unit, "new_parent": self.new_parent_unit}


class DissolveForm(ChangeForm):
    title = "Giải thể / sáp nhập vào đơn vị khác"
    heading_text = "Giải thể / sáp nhập {name} vào đơn vị khác"
    service = staticmethod(services.unit_dissolve)

    successor = _code_field(
        "Mã đơn vị kế thừa",
        "Đơn vị nhận các tổ chức trực thuộc (hoặc đảng viên, nếu là chi bộ) và chỉ tiêu năm "
        "đang thực hiện, ví dụ TU khi các tổ chức cơ sở về trực thuộc Tỉnh ủy.")
    roles = forms.ChoiceField(label="Phân quyền trên đơn vị này", choices=ROLE_CHOICES,
                              initial="end", widget=forms.RadioSelect)

    def __init__(self, *args, unit, **kwargs):
        super().__init__(*args, unit=unit, **kwargs)
        parent = OrgUnit.objects.get_parent(unit)
        if parent is not None:
            self.fields["successor"].initial = parent.code

    def clean(self):
        data = super().clean()
        self.successor_unit = self._unit("successor")
        return data

    def arguments(self) -> dict:
        return {**super().arguments(), "unit": self.unit, "successor": self.successor_unit,
                "roles": self.cleaned_data["roles"]}


class MergeForm(ChangeForm):
    """Sáp nhập các đơn vị trực thuộc `unit` vào một trong số chúng hoặc vào đơn vị mới."""

    title = "Sáp nhập các đơn vị trực thuộc"
    NEW = "__moi__"

    units = forms.MultipleChoiceField(
        label="Các đơn vị sáp nhập", widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Hãy chọn ít nhất hai đơn vị.",
                        "invalid_choice": "Đơn vị “%(value)s” không trực thuộc đơn vị này."})
    into = forms.ChoiceField(label="Sáp nhập vào")
    new_code = forms.CharField(label="Mã đơn vị mới", max_length=32, required=False,
                               help_text="Chỉ khi sáp nhập vào đơn vị mới.")
    new_name = forms.CharField(label="Tên đơn vị mới", max_length=200, required=False)
    new_kind = forms.ChoiceField(label="Loại tổ chức của đơn vị mới", required=False,
                                 choices=[("", "(như các đơn vị sáp nhập)"), *UnitKind.choices])
    roles = forms.ChoiceField(label="Phân quyền trên các đơn vị thôi hoạt động",
                              choices=ROLE_CHOICES, initial="end", widget=forms.RadioSelect)

    def __init__(self, *args, unit, **kwargs):
        super().__init__(*args, unit=unit, **kwargs)
        self.children = list(OrgUnit.objects.get_children(unit).filter(valid_to__isnull=True))
        if len(self.children) < 2:
            self.refusal = (f"{unit.name} có ít hơn hai đơn vị trực thuộc đang hoạt động: không có "
                            "gì để sáp nhập. Để sáp nhập {unit.name} vào đơn vị khác, hãy dùng "
                            "Giải thể / sáp nhập trên trang của nó.").replace("{unit.name}",
                                                                              unit.name)
        choices = [(c.code, f"{c.name} ({c.code})") for c in self.children]
        self.fields["units"].choices = choices
        self.fields["into"].choices = [(self.NEW, "Một đơn vị mới (ghi mã, tên bên dưới)"),
                                       *choices]

    @property
    def service(self):
        return (services.unit_merge_new if self.cleaned_data.get("into") == self.NEW
                else services.unit_merge)

    def clean(self):
        if self.refusal:
            raise forms.ValidationError(self.refusal)
        data = super().clean()
        codes = data.get("units") or []
        if codes and len(codes) < 2 and data.get("into") == self.NEW:
            self.add_error("units", "Hợp nhất vào đơn vị mới cần ít nhất hai đơn vị.")
        if data.get("into") == self.NEW:
            if not (data.get("new_code") or "").strip():
                self.add_error("new_code", "Hãy nhập mã đơn vị mới.")
            if not (data.get("new_name") or "").strip():
                self.add_error("new_name", "Hãy nhập tên đơn vị mới.")
        elif data.get("into") and [c for c in codes if c != data["into"]] == []:
            self.add_error("units", "Hãy chọn ít nhất một đơn vị khác với đơn vị nhận sáp nhập.")
        return data

    def arguments(self) -> dict:
        d = self.cleaned_data
        by_code = {c.code: c for c in self.children}
        args = {**super().arguments(), "roles": d["roles"]}
        if d["into"] == self.NEW:
            sources = [by_code[c] for c in d["units"]]
            return {**args, "units": sources, "parent": self.unit, "code": d["new_code"],
                    "name": d["new_name"], "kind": d.get("new_kind") or sources[0].kind}
        return {**args, "units": [by_code[c] for c in d["units"] if c != d["into"]],
                "into": by_code[d["into"]]}


class SplitForm(ChangeForm):
    """Chia tách: 2–4 đơn vị mới; mỗi đơn vị trực thuộc, mỗi đảng viên giao cho một."""

    title = "Chia tách"
    service = staticmethod(services.unit_split)

    roles = forms.ChoiceField(label="Phân quyền trên đơn vị này", choices=ROLE_CHOICES,
                              initial="end", widget=forms.RadioSelect,
                              help_text="Đơn vị kế thừa là đơn vị mới thứ nhất.")

    def __init__(self, *args, unit, **kwargs):
        super().__init__(*args, unit=unit, **kwargs)
        parts = [(str(i), f"Đơn vị mới {i}") for i in range(1, MAX_PARTS + 1)]
        for i in range(1, MAX_PARTS + 1):
            need = "bắt buộc" if i <= 2 else "để trống nếu không cần"
            self.fields[f"part{i}_code"] = forms.CharField(
                label=f"Mã đơn vị mới {i}", max_length=32, required=False,
                help_text=need)
            self.fields[f"part{i}_name"] = forms.CharField(
                label=f"Tên đơn vị mới {i}", max_length=200, required=False)
        self.children = list(OrgUnit.objects.get_children(unit).filter(valid_to__isnull=True))
        for c in self.children:
            self.fields[f"dv_{c.code}"] = forms.ChoiceField(
                label=f"{c.name} ({c.code}) chuyển sang", choices=[("", "(chưa giao)"), *parts],
                required=False)
        self.members = []
        if unit.kind in CELL_KINDS:
            self.members = list(Membership.objects.filter(cell=unit, ended_on__isnull=True)
                                .select_related("person").order_by("person__sort_key"))
            for m in self.members:
                self.fields[f"tv_{m.pk}"] = forms.ChoiceField(
                    label=f"{m.person.full_name} ({m.person.birth_date.year}) chuyển sang",
                    choices=[("", "(chưa giao)"), *parts], required=False)

    def clean(self):
        data = super().clean()
        self.parts = []
        for i in range(1, MAX_PARTS + 1):
            code = (data.get(f"part{i}_code") or "").strip()
            name = (data.get(f"part{i}_name") or "").strip()
            if code or name or i <= 2:
                if not code:
                    self.add_error(f"part{i}_code", f"Hãy nhập mã đơn vị mới {i}.")
                if not name:
                    self.add_error(f"part{i}_name", f"Hãy nhập tên đơn vị mới {i}.")
                self.parts.append(services.SplitPart(code=code, name=name))
            else:
                self.parts.append(None)
        for c in self.children:
            self._assign(data.get(f"dv_{c.code}"), f"dv_{c.code}", lambda p, c=c: p.children.append(c.code))
        for m in self.members:
            self._assign(data.get(f"tv_{m.pk}"), f"tv_{m.pk}", lambda p, m=m: p.members.append(m.pk))
        return data

    def _assign(self, value, name, put) -> None:
        if not value:
            return  # the service names every unit or member left unassigned
        part = self.parts[int(value) - 1] if value.isdigit() and 0 < int(value) <= MAX_PARTS else None
        if part is None:
            self.add_error(name, "Đơn vị mới này chưa có mã và tên.")
            return
        put(part)

    def arguments(self) -> dict:
        return {**super().arguments(), "unit": self.unit, "roles": self.cleaned_data["roles"],
                "parts": [p for p in self.parts if p is not None]}


class CreateForm(ChangePage, UnitCreateForm):
    """Thêm đơn vị trực thuộc, with the decision's date and the same preview as the others."""

    title = "Thêm đơn vị trực thuộc"
    service = staticmethod(services.unit_create)

    decision_date = VnDateField(label="Ngày quyết định", required=False)
    xem_truoc = forms.CharField(widget=forms.HiddenInput, required=False, max_length=40)

    def __init__(self, data=None, *, unit, user, **kwargs):
        super().__init__(data, parent=unit, **kwargs)
        self.unit, self.user = unit, user

    def done_message(self, done, what) -> str:
        return f"Đã thêm {done.name} (mã {done.code}) trực thuộc {self.unit.name}."

    def arguments(self) -> dict:
        d = {k: v for k, v in self.cleaned_data.items() if k != "xem_truoc"}
        return {**d, "by": self.user, "parent": self.unit}


#: The change pages: url slug -> (form, the role needed and where: "parent" or "unit").
FORMS = {
    "doi-ten": (RenameForm, "parent"),
    "dieu-chuyen": (MoveForm, "parent"),
    "giai-the": (DissolveForm, "parent"),
    "chia-tach": (SplitForm, "parent"),
    "sap-nhap": (MergeForm, "unit"),
    "them-don-vi": (CreateForm, "unit"),
}


def allowed(user, unit: OrgUnit, where: str) -> bool:
    """Whether `user` may open this change page of `unit` (the services check again)."""
    if unit.valid_to is not None:
        return False
    if where == "unit":
        return can(user, unit, Role.ADMIN)
    if unit.depth == 1:
        return bool(getattr(user, "is_superuser", False))
    # The parent's path is the unit's without its last step: no query for the parent.
    return can(user, SimpleNamespace(path=unit.path[:-OrgUnit.steplen]), Role.ADMIN)
