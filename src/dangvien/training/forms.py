"""Forms of the training pages."""

from __future__ import annotations

from django import forms

from dangvien.core import versions
from dangvien.core.forms import VersionedForm, VnDateField
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


REASON_HELP = "Bắt buộc khi sửa kết quả đã ghi (ít nhất 10 ký tự), ví dụ: ghi nhầm theo sổ lớp."


class ResultForm(VersionedForm):
    """Ghi hoặc sửa kết quả của một học viên."""

    result = forms.ChoiceField(label="Kết quả", choices=Result.choices)
    certificate_number = forms.CharField(label="Số giấy chứng nhận", max_length=50,
                                         required=False)
    certificate_on = VnDateField(label="Ngày cấp giấy chứng nhận", required=False)
    reason = forms.CharField(label="Lý do sửa", max_length=500, required=False,
                             help_text=REASON_HELP)


KEEP = [("", "— Giữ nguyên —")]


class ClassResultsForm(forms.Form):
    """Kết quả cả lớp: một dòng mỗi học viên (ô trống giữ nguyên), "Tất cả đạt" cho mọi
    học viên chưa có kết quả, ngày cấp chung, lý do khi sửa kết quả đã ghi."""

    certificate_on = VnDateField(label="Ngày cấp giấy chứng nhận (chung)", required=False,
                                 help_text="Để trống: ngày bế giảng lớp.")
    reason = forms.CharField(label="Lý do sửa", max_length=500, required=False,
                             help_text=REASON_HELP)

    def __init__(self, *args, enrolments, **kwargs):
        super().__init__(*args, **kwargs)
        self.enrolments = enrolments
        self.stale_lines: dict[int, list] = {}
        for e in enrolments:
            self.fields[f"kq-{e.pk}"] = forms.ChoiceField(
                label=f"Kết quả của {e.person.full_name}", choices=KEEP + list(Result.choices),
                required=False)
            self.fields[f"so-{e.pk}"] = forms.CharField(
                label=f"Số giấy chứng nhận của {e.person.full_name}", max_length=50,
                required=False)
            self.fields[f"ng-{e.pk}"] = VnDateField(
                label=f"Ngày cấp giấy của {e.person.full_name}", required=False)
            self.fields[f"pb-{e.pk}"] = forms.CharField(widget=forms.HiddenInput, required=False,
                                                        max_length=40)
            for prefix in ("kq", "so", "ng"):
                f = self.fields[f"{prefix}-{e.pk}"]
                f.widget.attrs["aria-label"] = f.label
            if not self.is_bound:
                self.initial[f"pb-{e.pk}"] = versions.token(e)

    def line(self, e) -> dict:
        """The bound fields of one learner's line, for the template."""
        return {"e": e, "result": self[f"kq-{e.pk}"], "number": self[f"so-{e.pk}"],
                "on": self[f"ng-{e.pk}"], "version": self[f"pb-{e.pk}"],
                "stale": self.stale_lines.get(e.pk, [])}

    def entries(self):
        from .services import ResultEntry

        data = self.cleaned_data
        return [ResultEntry(e.pk, result=data.get(f"kq-{e.pk}") or "",
                            certificate_number=(data.get(f"so-{e.pk}") or "").strip(),
                            certificate_on=data.get(f"ng-{e.pk}"),
                            version=data.get(f"pb-{e.pk}") or "") for e in self.enrolments]

    def refused(self, error) -> None:
        """Show each refused line's message on its line."""
        for pk, message in error.lines.items():
            name = f"kq-{pk}"
            if name in self.fields:
                self.add_error(name, message)
        self.add_error(None, error.message)

    @classmethod
    def after_conflicts(cls, post, *, enrolments, conflicts) -> ClassResultsForm:
        """The page after a save where some lines were changed by someone else meanwhile:
        those lines keep the user's input with the fresh version (one more "Lưu" applies
        them on purpose); the saved lines show what is stored now."""
        data = {k: post.get(k, "") for k in ("certificate_on", "reason")}
        for e in enrolments:
            if e.pk in conflicts:
                for prefix in ("kq", "so", "ng"):
                    data[f"{prefix}-{e.pk}"] = post.get(f"{prefix}-{e.pk}", "")
                data[f"pb-{e.pk}"] = conflicts[e.pk].fresh_token
            else:
                data[f"pb-{e.pk}"] = versions.token(e)
        form = cls(data, enrolments=enrolments)
        form.is_valid()
        form.stale_lines = {pk: c.changes for pk, c in conflicts.items()}
        for pk, conflict in conflicts.items():
            if f"kq-{pk}" in form.fields:
                form.add_error(f"kq-{pk}", conflict.message)
        return form


class LearnersForm(forms.Form):
    """Thêm học viên: dán danh sách, mỗi dòng một số CCCD hoặc một họ tên."""

    danh_sach = forms.CharField(
        label="Danh sách học viên", max_length=60_000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="Mỗi dòng một người: số CCCD (12 chữ số) hoặc họ và tên (có dấu hoặc không "
                  "dấu) của người thuộc đơn vị bạn quản lý.")
