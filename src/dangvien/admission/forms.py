"""Forms of the candidate pages. They parse input only; the services judge it."""

from __future__ import annotations

from django import forms

from dangvien.core import vn
from dangvien.core.forms import VersionedForm, VnDateField, add_domain_error
from dangvien.people.choices import ETHNIC_GROUPS, KINH, Education, Gender, Occupation, Religion
from dangvien.people.models import Membership, Person
from dangvien.training.models import Enrolment

from . import checks, dossier
from .models import Source, Stage, UnionRoute
from .selectors import STAGE_ALL, STAGE_OPEN, Step

__all__ = [
    "AwarenessForm", "CandidateFilterForm", "CorrectionForm", "DossierForm", "IntroducerForm",
    "Over60Form", "RegistrationForm", "ReopenForm", "StepForm", "VnDateField", "add_domain_error",
]


class CandidateFilterForm(forms.Form):
    """Bộ lọc danh sách: ?don-vi=KB.01&buoc=…&nguon=…&q=…&qua-han=1."""

    don_vi = forms.CharField(label="Đơn vị", required=False, max_length=32)
    buoc = forms.ChoiceField(
        label="Bước", required=False,
        choices=[(STAGE_OPEN, "Đang theo dõi (chưa kết thúc)"), *Stage.choices,
                 (STAGE_ALL, "Tất cả, kể cả đã kết thúc")])
    nguon = forms.ChoiceField(label="Nguồn giới thiệu", required=False,
                              choices=[("", "Tất cả các nguồn"), *Source.choices])
    q = forms.CharField(label="Họ và tên (có dấu hoặc không dấu)", required=False, max_length=200,
                        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off",
                                                      "placeholder": "Ví dụ: ha thi mai"}))
    qua_han = forms.ChoiceField(label="Thời hạn", required=False,
                                choices=[("", "Tất cả"), ("1", "Chỉ hồ sơ quá hạn")])

    def add_prefix(self, field_name: str) -> str:
        # Query parameters read as Vietnamese words: don-vi, qua-han.
        return field_name.replace("_", "-")

    def value(self, name: str, default=""):
        """The cleaned value, or the default when that field was invalid."""
        if not hasattr(self, "cleaned_data"):
            self.is_valid()
        return self.cleaned_data.get(name, default) or default


class RegistrationForm(forms.Form):
    """Thêm quần chúng ưu tú: người đã có hồ sơ, hoặc lý lịch người mới; chi bộ và nguồn."""

    person = forms.ModelChoiceField(
        label="Người đã có hồ sơ", queryset=Person.objects.none(), required=False,
        error_messages={"invalid_choice": "Không tìm thấy người này trong đơn vị bạn quản lý."})
    full_name = forms.CharField(label="Họ và tên", max_length=120, required=False)
    gender = forms.ChoiceField(label="Giới tính", required=False,
                               choices=[("", "— chọn —"), *Gender.choices])
    birth_date = VnDateField(label="Ngày sinh", required=False)
    ethnicity = forms.ChoiceField(label="Dân tộc", choices=[(e, e) for e in ETHNIC_GROUPS],
                                  initial=KINH, required=False)
    religion = forms.ChoiceField(label="Tôn giáo", choices=Religion.choices,
                                 initial=Religion.NONE, required=False)
    cccd = forms.CharField(label="Số CCCD", max_length=30, required=False,
                           help_text="12 chữ số; để trống nếu chưa có.",
                           widget=forms.TextInput(attrs={"inputmode": "numeric",
                                                         "autocomplete": "off"}))
    education = forms.ChoiceField(label="Trình độ giáo dục phổ thông", choices=Education.choices,
                                  initial=Education.UPPER_SECONDARY, required=False)
    occupation = forms.ChoiceField(label="Nghề nghiệp", choices=Occupation.choices,
                                   initial=Occupation.OTHER, required=False)
    home_address = forms.CharField(label="Quê quán, nơi ở", max_length=300, required=False)

    cell = forms.TypedChoiceField(label="Chi bộ", coerce=int)
    source = forms.ChoiceField(label="Nguồn giới thiệu", choices=Source.choices,
                               initial=Source.YOUTH_UNION)
    identified_on = VnDateField(label="Ngày đưa vào danh sách nguồn")
    union_route = forms.ChoiceField(
        label="Cách giới thiệu", required=False,
        choices=[("tu-dong", "Theo nguồn: đoàn viên do Đoàn giới thiệu, còn lại hai đảng viên"),
                 *UnionRoute.choices],
        initial="tu-dong")
    is_village_elder = forms.BooleanField(
        label="Già làng, trưởng bản có uy tín (chỉ cần biết đọc, biết viết)", required=False)

    PERSON_FIELDS = ("full_name", "gender", "birth_date", "ethnicity", "religion", "cccd",
                     "education", "occupation", "home_address")
    #: Service field names that differ from the form's.
    ALIASES = {"unit": "cell", "on": "identified_on"}

    def __init__(self, *args, people, cells: list[tuple[int, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = people
        self.fields["cell"].choices = ([] if len(cells) == 1 else [("", "— chọn chi bộ —")]) + cells

    def person_data(self) -> dict:
        return {name: self.cleaned_data.get(name) for name in self.PERSON_FIELDS}

    def chosen_union_route(self) -> str | None:
        value = self.cleaned_data.get("union_route")
        return None if value in (None, "tu-dong") else value


#: Labels of the vote counts (biểu quyết), by model field.
VOTE_LABELS = {
    "cell_present": "Số đảng viên chính thức có mặt",
    "cell_votes_for": "Số tán thành",
    "committee_members": "Số cấp ủy viên đương nhiệm",
    "committee_present": "Số cấp ủy viên có mặt",
    "committee_votes_for": "Số tán thành",
    "recognition_cell_present": "Chi bộ xét công nhận (13-KNĐ): số đảng viên chính thức có mặt",
    "recognition_cell_votes_for": "Chi bộ xét công nhận (13-KNĐ): số tán thành",
    "recognition_committee_members": "Đảng ủy cơ sở xét công nhận (15-KNĐ): số cấp ủy viên",
    "recognition_committee_present": "Đảng ủy cơ sở xét công nhận (15-KNĐ): số có mặt",
    "recognition_committee_votes_for": "Đảng ủy cơ sở xét công nhận (15-KNĐ): số tán thành",
}


class CountField(forms.IntegerField):
    """A head count; a string of digits too long for any number says "too large" (Python
    refuses to read more than 4.300 digits, which would read as "not a number")."""

    def to_python(self, value):
        text = str(value or "").strip().lstrip("+")
        if len(text) > 9 and text.isdigit():
            raise forms.ValidationError(self.error_messages["max_value"], code="max_value")
        return super().to_python(value)


def count_field(label: str) -> forms.IntegerField:
    """An optional head count: a whole number from 0 to `checks.MAX_COUNT`."""
    top = vn.format_number(checks.MAX_COUNT)
    return CountField(
        label=label, required=False, min_value=0, max_value=checks.MAX_COUNT,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "size": "5",
                                      "autocomplete": "off"}),
        error_messages={"invalid": "Hãy nhập một số nguyên (ví dụ 9).",
                        "min_value": "Không nhập số âm.",
                        "max_value": f"Số quá lớn: nhiều nhất {top}."})


def add_vote_fields(form: forms.Form, stage: str) -> list[str]:
    """Add the optional vote counts of `stage`'s resolutions to `form`; their names."""
    names = [f for spec in checks.VOTES.get(stage, ()) for f in spec.fields]
    for name in names:
        form.fields[name] = count_field(VOTE_LABELS[name])
    return names


class StepForm(VersionedForm):
    """Một bước trên đường kết nạp: ngày, số văn bản, và lý do khi cần (và phiên bản hồ sơ)."""

    on = VnDateField(label="Ngày")
    document_no = forms.CharField(label="Số văn bản", max_length=50, required=False)
    received_on = VnDateField(label="Ngày chi bộ nhận quyết định", required=False,
                              help_text="Để trống nếu nhận ngay trong ngày ký.")
    reason = forms.CharField(label="Lý do", required=False, max_length=2000,
                             widget=forms.Textarea(attrs={"rows": 3}))
    override_reason = forms.CharField(
        label="Lý do vẫn chấp thuận khi chưa đủ điều kiện", required=False, max_length=2000,
        help_text="Ghi rõ văn bản, ý kiến của cấp ủy cho phép (ít nhất 15 ký tự).",
        widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, step: Step, **kwargs):
        super().__init__(*args, **kwargs)
        self.step = step
        self.fields["on"].label = step.date_label
        if step.document_label:
            self.fields["document_no"].label = step.document_label
        else:
            del self.fields["document_no"]
        if step.stage != Stage.DECIDED:
            del self.fields["received_on"]
        if not step.closes:
            del self.fields["reason"]
        else:
            self.fields["reason"].label = "Lý do"
        if not step.gated:
            del self.fields["override_reason"]
        self.vote_names = add_vote_fields(self, step.stage)

    @property
    def main_fields(self):
        return [self[n] for n in ("on", "document_no", "received_on", "reason") if n in self.fields]

    @property
    def vote_fields(self):
        return [self[n] for n in self.vote_names]

    def votes(self) -> dict:
        """The counts typed (model field -> int or None), for the service's `votes`."""
        return {n: self.cleaned_data.get(n) for n in self.vote_names}


class DossierForm(forms.Form):
    """Đánh dấu đã có một mẫu trong hồ sơ."""

    form = forms.ChoiceField(choices=[(f.code, f.code) for f in dossier.HAND_FORMS])
    on = VnDateField(label="Ngày")
    reference = forms.CharField(label="Số, ký hiệu hoặc ghi chú", max_length=100, required=False)


class IntroducerForm(forms.Form):
    membership = forms.ModelChoiceField(
        label="Đảng viên chính thức giới thiệu", queryset=Membership.objects.none(),
        empty_label="— chọn đảng viên —",
        error_messages={"invalid_choice": "Hãy chọn một đảng viên chính thức trong danh sách."})
    known_since = VnDateField(label="Cùng công tác, học tập, sinh sống từ ngày")
    letter_on = VnDateField(label="Ngày giấy giới thiệu (3-KNĐ)")

    def __init__(self, *args, members: list[Membership], **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["membership"]
        field.queryset = Membership.objects.filter(pk__in=[m.pk for m in members])
        # The page already loaded the members: label them without another query.
        field.choices = [("", field.empty_label)] + [
            (m.pk, f"{m.person.full_name} ({m.cell.name})") for m in members]


class AwarenessForm(forms.Form):
    enrolment = forms.ModelChoiceField(
        label="Giấy chứng nhận", queryset=Enrolment.objects.none(),
        empty_label="— chọn giấy chứng nhận —",
        error_messages={"invalid_choice": "Hãy chọn một giấy chứng nhận trong danh sách."})

    def __init__(self, *args, enrolments: list[Enrolment], **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["enrolment"]
        field.queryset = Enrolment.objects.filter(pk__in=[e.pk for e in enrolments])
        field.choices = [("", field.empty_label)] + [
            (e.pk, f"Số {e.certificate_number or '—'}, cấp ngày "
                   f"{e.certificate_on:%d/%m/%Y} — {e.training_class.name}") for e in enrolments]


REASON_HELP = "Ít nhất 10 ký tự, ví dụ: ghi nhầm ngày, đã đối chiếu với bản gốc quyết định."


class CorrectionForm(VersionedForm):
    """Đính chính một bước đã ghi: các giá trị mới và lý do sửa."""

    on = VnDateField(label="Ngày")
    document_no = forms.CharField(label="Số văn bản", max_length=50, required=False)
    received_on = VnDateField(label="Ngày chi bộ nhận quyết định", required=False)
    decision_unit = forms.TypedChoiceField(label="Cấp ủy ra quyết định", coerce=int,
                                           required=False, empty_value=None)
    reason = forms.CharField(label="Lý do sửa", max_length=2000, help_text=REASON_HELP,
                             widget=forms.Textarea(attrs={"rows": 3}),
                             error_messages={"required": "Hãy ghi lý do sửa."})
    override_reason = forms.CharField(
        label="Lý do vẫn chấp thuận khi chưa đủ điều kiện", required=False, max_length=2000,
        help_text="Chỉ khi có điều kiện chưa đạt ở ngày mới (ít nhất 15 ký tự).",
        widget=forms.Textarea(attrs={"rows": 2}))

    #: Service field -> form field.
    ALIASES = {"decision_no": "document_no", "cell_resolution_no": "document_no",
               "grassroots_resolution_no": "document_no", "recognition_no": "document_no"}

    def __init__(self, *args, spec, date_label: str, document_label: str,
                 units: list[tuple[int, str]] | None = None, offer_override: bool = False,
                 **kwargs):
        super().__init__(*args, **kwargs)
        self.spec = spec
        self.fields["on"].label = date_label
        if spec.number_field:
            self.fields["document_no"].label = document_label
            self.fields["document_no"].required = True
            self.fields["document_no"].error_messages["required"] = "Hãy nhập số văn bản."
        else:
            del self.fields["document_no"]
        if "decision_received_on" not in spec.fields:
            del self.fields["received_on"]
        if "decision_unit" in spec.fields and units:
            self.fields["decision_unit"].choices = units
        else:
            del self.fields["decision_unit"]
        if not offer_override:
            del self.fields["override_reason"]
        self.vote_names = [n for n in add_vote_fields(self, spec.stage) if n in spec.fields]
        for name in set(checks.VOTE_FIELDS) & set(self.fields) - set(self.vote_names):
            del self.fields[name]

    @property
    def main_fields(self):
        return [self[n] for n in ("on", "document_no", "received_on", "decision_unit")
                if n in self.fields]

    @property
    def vote_fields(self):
        return [self[n] for n in self.vote_names]

    def values(self) -> dict:
        """The service's `values` (model field -> new value)."""
        data, spec = self.cleaned_data, self.spec
        out = {spec.date_field: data.get("on")}
        if spec.number_field:
            out[spec.number_field] = data.get("document_no")
        if "received_on" in self.fields:
            out["decision_received_on"] = data.get("received_on")
        if "decision_unit" in self.fields and data.get("decision_unit"):
            from dangvien.org.models import OrgUnit

            out["decision_unit"] = OrgUnit.objects.filter(pk=data["decision_unit"]).first()
        for name in self.vote_names:
            out[name] = data.get(name)
        return out


class ReopenForm(VersionedForm):
    """Hủy việc dừng theo dõi / không kết nạp / xóa tên dự bị ghi nhầm."""

    reason = forms.CharField(label="Lý do hủy", max_length=2000, help_text=REASON_HELP,
                             widget=forms.Textarea(attrs={"rows": 3}),
                             error_messages={"required": "Hãy ghi lý do hủy."})


class Over60Form(VersionedForm):
    """Văn bản đồng ý của ban thường vụ tỉnh ủy kết nạp người trên 60 tuổi."""

    over60_approval = forms.CharField(label="Số văn bản", max_length=100,
                                      error_messages={"required": "Hãy nhập số văn bản."},
                                      widget=forms.TextInput(attrs={"placeholder": "125-CV/TU"}))
    over60_approval_on = VnDateField(label="Ngày văn bản")
    over60_approval_by = forms.CharField(label="Cấp ủy ban hành", max_length=200,
                                         error_messages={"required": "Hãy ghi cấp ủy ban hành."})
    reason = forms.CharField(label="Lý do sửa (khi sửa văn bản đã ghi)", max_length=2000,
                             required=False, help_text=REASON_HELP,
                             widget=forms.Textarea(attrs={"rows": 2}))
