"""Party forms filled from a candidacy (biểu mẫu kết nạp đảng viên), as Word files an
officer can still edit: 6-KNĐ, 8-KNĐ, 9-KNĐ, 13-KNĐ, 15-KNĐ and the recognition decision.

Each form is a `.docx` template rendered with docxtpl: the default ones are built by
`party_forms_build` and shipped in `reports/party_forms/`; a province administrator may
replace them (`templates_admin`). The context is the same for every form (`VARIABLES`
names and explains each key); what the record does not hold yet is a dotted blank for
the officer to fill by hand, never "None". The header lines (issuer, number, place and
date) come from the party-format helpers the reports use (`document.issuer_of`,
`document.document_date`), so reports and forms share one module of names and dates.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from dataclasses import dataclass
from pathlib import Path

from docxtpl import DocxTemplate
from jinja2 import StrictUndefined
from jinja2.sandbox import SandboxedEnvironment

from dangvien.admission.models import RANK, Candidacy, Stage
from dangvien.core import vn
from dangvien.org.models import OrgUnit

from .document import NUMBER_BLANK, document_date, issuer_of
from .models import PartyFormTemplate

DEFAULTS_DIR = Path(__file__).resolve().parent / "party_forms"
CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

#: What the officer fills by hand: a dotted line, a short one for numbers, a date.
BLANK = "…………………………"
BLANK_SHORT = "……"
BLANK_DATE = "ngày …… tháng …… năm ……"


@dataclass(frozen=True)
class FormSpec:
    """Một biểu mẫu: mã (9-KNĐ), tên, cấp ban hành, bước mà từ đó biểu mẫu được lập."""

    code: str
    slug: str
    title: str
    issuer: str  # "cell", "grassroots" (the grassroots committee) or "decision"
    kind_symbol: str  # "NQ", "QĐ": the number line's symbol when no number is recorded
    ready_from: Stage  # offered from this stage on (the step it prepares comes next)
    needs_committee: bool = False  # a grassroots cell (chi bộ cơ sở) has no such form

    @property
    def file_stem(self) -> str:
        """"9-KND": ASCII, for file names."""
        return vn.fold(self.code).upper()


FORMS: tuple[FormSpec, ...] = (
    FormSpec("6-KNĐ", "6-knd", "Nghị quyết của chi bộ đề nghị kết nạp đảng viên", "cell",
             "NQ", Stage.DOSSIER_DONE),
    FormSpec("8-KNĐ", "8-knd", "Nghị quyết của đảng ủy cơ sở đề nghị kết nạp đảng viên",
             "grassroots", "NQ", Stage.CELL_PROPOSED, needs_committee=True),
    FormSpec("9-KNĐ", "9-knd", "Quyết định kết nạp đảng viên", "decision", "QĐ",
             Stage.GRASSROOTS_PROPOSED),
    FormSpec("13-KNĐ", "13-knd",
             "Nghị quyết của chi bộ đề nghị công nhận đảng viên chính thức", "cell", "NQ",
             Stage.ON_PROBATION),
    FormSpec("15-KNĐ", "15-knd",
             "Nghị quyết của đảng ủy cơ sở đề nghị công nhận đảng viên chính thức",
             "grassroots", "NQ", Stage.ON_PROBATION, needs_committee=True),
    FormSpec("QĐ-CNCT", "qd-cong-nhan", "Quyết định công nhận đảng viên chính thức",
             "decision", "QĐ", Stage.ON_PROBATION),
)
BY_SLUG = {f.slug: f for f in FORMS}

#: Every key of the context, with what it holds (shown on the templates page).
VARIABLES: dict[str, str] = {
    "issuer_superior": "Tên cấp ủy cấp trên (in hoa), dòng đầu góc trái",
    "issuer_name": "Tên cơ quan ban hành (in hoa)",
    "number": "Số và ký hiệu văn bản (để trống khi chưa có số)",
    "place_date": "Địa danh, ngày tháng năm ban hành",
    "sign_for": "Thẩm quyền ký (T/M CHI BỘ, T/M BAN THƯỜNG VỤ…)",
    "sign_title": "Chức vụ người ký",
    "signer_name": "Họ tên người ký (để trống để ghi tay)",
    "candidate_name": "Họ và tên người vào Đảng",
    "candidate_gender": "Giới tính",
    "candidate_birth_date": "Ngày sinh (ngày … tháng … năm …)",
    "candidate_ethnicity": "Dân tộc",
    "candidate_religion": "Tôn giáo",
    "candidate_home_address": "Quê quán, nơi ở",
    "candidate_education": "Trình độ giáo dục phổ thông",
    "candidate_occupation": "Nghề nghiệp",
    "source": "Tổ chức giới thiệu nguồn",
    "union_route": "Cách giới thiệu (hai đảng viên, hoặc nghị quyết Đoàn/Công đoàn và một đảng viên)",
    "introducer_names": "Họ tên các đảng viên giới thiệu, nối bằng “và”",
    "introducers": "Danh sách người giới thiệu (vòng lặp: name, known_since, letter_date)",
    "awareness_certificate_no": "Số giấy chứng nhận học lớp nhận thức về Đảng",
    "awareness_certificate_date": "Ngày cấp giấy chứng nhận nhận thức về Đảng",
    "cell_name": "Tên chi bộ",
    "grassroots_name": "Tên đảng ủy cơ sở (hoặc chi bộ cơ sở)",
    "decision_unit_name": "Tên cấp ủy có thẩm quyền quyết định",
    "decision_board": "Ban Thường vụ (hoặc Đảng ủy) ra quyết định",
    "official_members": "Số đảng viên chính thức của chi bộ vào ngày chi bộ họp",
    "committee_members": "Số cấp ủy viên của đảng ủy cơ sở khi họp xét (8-KNĐ, 15-KNĐ)",
    "members_present": "Số có mặt khi họp xét: đảng viên chính thức (6-, 13-KNĐ) hoặc cấp ủy "
                       "viên (8-, 15-KNĐ)",
    "votes_for": "Số tán thành của nghị quyết",
    "votes_percent": "Tỷ lệ tán thành so với tổng số đảng viên chính thức của chi bộ (6-, "
                     "13-KNĐ) hoặc tổng số cấp ủy viên (8-, 15-KNĐ), ví dụ 88,9%",
    "cell_resolution_no": "Số nghị quyết chi bộ đề nghị kết nạp (6-KNĐ)",
    "cell_resolution_date": "Ngày chi bộ xét kết nạp",
    "grassroots_resolution_no": "Số nghị quyết đảng ủy cơ sở (8-KNĐ)",
    "grassroots_resolution_date": "Ngày đảng ủy cơ sở đề nghị kết nạp",
    "decision_no": "Số quyết định kết nạp (9-KNĐ)",
    "decision_date": "Ngày quyết định kết nạp",
    "ceremony_date": "Ngày lễ kết nạp (ngày vào Đảng)",
    "probation_end_date": "Ngày hết 12 tháng dự bị",
    "new_member_certificate_date": "Ngày cấp giấy chứng nhận lớp đảng viên mới",
    "cell_recognition_no": "Số nghị quyết chi bộ đề nghị công nhận chính thức (13-KNĐ)",
    "cell_recognition_date": "Ngày nghị quyết 13-KNĐ",
    "grassroots_recognition_no": "Số nghị quyết đảng ủy cơ sở đề nghị công nhận (15-KNĐ)",
    "grassroots_recognition_date": "Ngày nghị quyết 15-KNĐ",
    "recognition_no": "Số quyết định công nhận đảng viên chính thức",
    "recognition_date": "Ngày quyết định công nhận",
    "official_from_date": "Ngày là đảng viên chính thức (ngày hết dự bị)",
}


def _text(value) -> str:
    return vn.normalize_spaces(str(value)) if value not in (None, "") else BLANK


def _number(value: str) -> str:
    return value.strip() if value and value.strip() else BLANK_SHORT


def _date(value: dt.date | None) -> str:
    return document_date(value) if value else BLANK_DATE


_PLACE = re.compile(r"(?:xã|phường|thị trấn|huyện|thành phố|thị xã|quận|tỉnh)\s+(.+)$",
                    re.IGNORECASE)
_COMMITTEE = re.compile(r"^(?:tỉnh|thành|huyện|thị|quận)\s+(?:ủy|uỷ)\s+(.+)$", re.IGNORECASE)


def _place(chain: list[OrgUnit]) -> str:
    """The place named in the date line: the nearest commune, district or province in the
    unit's name or its ancestors' ("Chi bộ xóm Mớ Đá" under "Đảng bộ xã Vĩnh Đồng": "Vĩnh
    Đồng")."""
    for unit in reversed(chain):
        for pattern in (_COMMITTEE, _PLACE):  # "Huyện ủy X" before "huyện X"
            found = pattern.search(unit.name)
            if found:
                return found.group(1).strip()
    return chain[-1].name if chain else ""


@dataclass(frozen=True)
class _Units:
    cell: OrgUnit
    grassroots: OrgUnit
    decision: OrgUnit
    chains: dict[int, list[OrgUnit]]  # unit pk -> its ancestors and itself, root first


def _units(candidacy: Candidacy) -> _Units:
    from dangvien.admission.services import default_decision_unit, grassroots_of

    cell = candidacy.cell
    chain = [*OrgUnit.objects.get_ancestors(cell), cell]
    grassroots = grassroots_of(cell)
    decision = candidacy.decision_unit or default_decision_unit(cell)
    chains = {u.pk: chain[: i + 1] for i, u in enumerate(chain)}
    if decision.pk not in chains:
        chains[decision.pk] = [*OrgUnit.objects.get_ancestors(decision), decision]
    return _Units(cell, grassroots, decision, chains)


def _header(spec: FormSpec, units: _Units, *, number: str, on: dt.date | None) -> dict:
    unit = {"cell": units.cell, "grassroots": units.grassroots,
            "decision": units.decision}[spec.issuer]
    chain = units.chains[unit.pk]
    parent = chain[-2].name if len(chain) > 1 else None
    issuer = issuer_of(unit, parent_name=parent)
    # Room for the number written by the office (non-breaking spaces, which strip() eats).
    number = number.strip() or f"{NUMBER_BLANK}-{spec.kind_symbol}/{issuer.symbol}"
    place = _place(chain)
    return {
        "issuer_superior": issuer.superior, "issuer_name": issuer.name,
        "number": number,
        "place_date": f"{place}, {_date(on)}",
        "sign_for": issuer.sign_for, "sign_title": issuer.sign_title, "signer_name": BLANK,
    }


def _dossier(candidacy: Candidacy) -> dict[str, tuple[dt.date, str]]:
    return {d.form: (d.on, d.reference) for d in candidacy.dossier.all()}


def form_context(candidacy: Candidacy, spec: FormSpec) -> dict:
    """Every value a template may use (`VARIABLES`), as text, blanks where unrecorded."""
    from dangvien.admission.services import new_member_certificate_on
    from dangvien.ratings.selectors import official_members_on

    c, person = candidacy, candidacy.person
    units = _units(c)
    dossier = _dossier(c)
    introducers = [
        {"name": i.membership.person.full_name, "known_since": _date(i.known_since),
         "letter_date": _date(i.letter_on)}
        for i in c.introducers.select_related("membership__person").order_by("letter_on", "pk")
    ]
    names = [i["name"] for i in introducers]
    awareness = c.awareness
    cell_rec = dossier.get("13-KNĐ")
    grassroots_rec = dossier.get("15-KNĐ")
    decision_issuer = issuer_of(units.decision)
    # In running text the board is named in full: "Ban Thường vụ Huyện ủy Kim Bôi".
    decision_board = (f"Ban Thường vụ {units.decision.name}"
                      if decision_issuer.board.startswith("Ban Thường vụ")
                      else _committee(units.decision.name))
    own = {
        "6-KNĐ": (c.cell_resolution_no, c.cell_resolution_on),
        "8-KNĐ": (c.grassroots_resolution_no, c.grassroots_resolution_on),
        "9-KNĐ": (c.decision_no, c.decision_on),
        "13-KNĐ": (cell_rec[1] if cell_rec else "", cell_rec[0] if cell_rec else None),
        "15-KNĐ": (grassroots_rec[1] if grassroots_rec else "",
                   grassroots_rec[0] if grassroots_rec else None),
        "QĐ-CNCT": (c.recognition_no, c.recognition_decided_on),
    }[spec.code]
    context = _header(spec, units, number=own[0], on=own[1])
    context.update({
        "candidate_name": person.full_name,
        "candidate_gender": person.get_gender_display(),
        "candidate_birth_date": _date(person.birth_date),
        "candidate_ethnicity": _text(person.ethnicity),
        "candidate_religion": _text(person.get_religion_display()),
        "candidate_home_address": _text(person.home_address),
        "candidate_education": _text(person.get_education_display()),
        "candidate_occupation": _text(person.get_occupation_display()),
        "source": _text(c.get_source_display()),
        "union_route": _text(c.get_union_route_display()),
        "introducer_names": " và ".join(names) if names else BLANK,
        "introducers": introducers,
        "awareness_certificate_no": _number(getattr(awareness, "certificate_number", "") or ""),
        "awareness_certificate_date": _date(getattr(awareness, "certificate_on", None)),
        "cell_name": units.cell.name,
        "grassroots_name": _committee(units.grassroots.name),
        "decision_unit_name": units.decision.name,
        "decision_board": decision_board,
        "official_members": (vn.format_number(official_members_on(units.cell,
                                                                  c.cell_resolution_on))
                             if c.cell_resolution_on else BLANK_SHORT),
        **_votes(c, spec),
        "cell_resolution_no": _number(c.cell_resolution_no),
        "cell_resolution_date": _date(c.cell_resolution_on),
        "grassroots_resolution_no": _number(c.grassroots_resolution_no),
        "grassroots_resolution_date": _date(c.grassroots_resolution_on),
        "decision_no": _number(c.decision_no),
        "decision_date": _date(c.decision_on),
        "ceremony_date": _date(c.ceremony_on),
        "probation_end_date": _date(c.probation_ends_on),
        "new_member_certificate_date": _date(new_member_certificate_on(c)),
        "cell_recognition_no": _number(cell_rec[1] if cell_rec else ""),
        "cell_recognition_date": _date(cell_rec[0] if cell_rec else None),
        "grassroots_recognition_no": _number(grassroots_rec[1] if grassroots_rec else ""),
        "grassroots_recognition_date": _date(grassroots_rec[0] if grassroots_rec else None),
        "recognition_no": _number(c.recognition_no),
        "recognition_date": _date(c.recognition_decided_on),
        "official_from_date": _date(c.probation_ends_on),
    })
    return context


#: The vote counts each form reports: (members in office, present, in favour); a cell's
#: base is its official members on the meeting day.
_VOTES = {
    "6-KNĐ": (None, "cell_present", "cell_votes_for"),
    "8-KNĐ": ("committee_members", "committee_present", "committee_votes_for"),
    "13-KNĐ": (None, "recognition_cell_present", "recognition_cell_votes_for"),
    "15-KNĐ": ("recognition_committee_members", "recognition_committee_present",
               "recognition_committee_votes_for"),
}


def _count(value: int | None) -> str:
    return vn.format_number(value) if value is not None else BLANK_SHORT


def _votes(c: Candidacy, spec: FormSpec) -> dict:
    """members_present, votes_for, votes_percent (and committee_members) of the form's
    resolution; dotted blanks when the votes were not recorded."""
    from dangvien.admission import checks

    members, present, votes = (None, None, None)
    names = _VOTES.get(spec.code)
    if names is not None:
        members = getattr(c, names[0]) if names[0] else None
        present, votes = getattr(c, names[1]), getattr(c, names[2])
    base = members
    if names is not None and names[0] is None and votes is not None:
        stage = Stage.CELL_PROPOSED if spec.code == "6-KNĐ" else Stage.RECOGNISED
        day = c.cell_resolution_on if spec.code == "6-KNĐ" else c.recognition_decided_on
        if day is not None:
            base = checks.cell_official_members(c, stage, day)[1]
    percent = checks.vote_percent(votes, base) if votes is not None and base else ""
    return {
        "committee_members": _count(members),
        "members_present": _count(present),
        "votes_for": _count(votes),
        "votes_percent": percent or BLANK_SHORT,
    }


def _committee(name: str) -> str:
    """"Đảng bộ xã Vĩnh Đồng" -> "Đảng ủy xã Vĩnh Đồng"; a cell's or committee's name as is."""
    if vn.fold(name).startswith("dang bo "):
        return "Đảng ủy " + name[len("Đảng bộ "):]
    return name


def sample_context() -> dict:
    """A filled context for checking a template before it is used."""
    context = {key: f"[{key}]" for key in VARIABLES}
    context["introducers"] = [
        {"name": "Bùi Văn Thành", "known_since": "ngày 01 tháng 9 năm 2019",
         "letter_date": "ngày 20 tháng 02 năm 2022"},
        {"name": "Đinh Thị Nga", "known_since": "ngày 01 tháng 9 năm 2019",
         "letter_date": "ngày 21 tháng 02 năm 2022"},
    ]
    return context


# --- which forms a candidacy offers ---------------------------------------------------------

_STEP_DATE = {
    "6-KNĐ": "cell_resolution_on", "8-KNĐ": "grassroots_resolution_on",
    "9-KNĐ": "decision_on", "QĐ-CNCT": "recognition_decided_on",
}


def form_offered(candidacy: Candidacy, spec: FormSpec, *, grassroots_cell: bool) -> bool:
    """A form is offered once the candidacy reached the step before it (to prepare the
    meeting's papers) and ever after; a closed candidacy (withdrawn, refused, removed)
    keeps only the forms of steps it went through."""
    if spec.needs_committee and grassroots_cell:
        return False
    ready = spec.ready_from
    if spec.code == "9-KNĐ" and grassroots_cell:
        ready = Stage.CELL_PROPOSED
    if candidacy.stage in RANK:
        return RANK[candidacy.stage] >= RANK[ready]
    field = _STEP_DATE.get(spec.code)
    if field is None:  # 13-, 15-KNĐ of a closed candidacy: when the dossier holds them
        return any(d.form == spec.code for d in candidacy.dossier.all())
    return getattr(candidacy, field) is not None


def is_grassroots_cell(candidacy: Candidacy) -> bool:
    from dangvien.admission.services import grassroots_of

    return grassroots_of(candidacy.cell).pk == candidacy.cell_id


# --- rendering ------------------------------------------------------------------------------


def default_template(spec: FormSpec) -> bytes:
    return (DEFAULTS_DIR / f"{spec.file_stem}.docx").read_bytes()


def jinja_env() -> SandboxedEnvironment:
    """Uploaded templates are code: sandboxed, escaped for XML, unknown names an error."""
    return SandboxedEnvironment(autoescape=True, undefined=StrictUndefined)


def render_template(content: bytes, context: dict) -> bytes:
    """A .docx template filled with `context` (raises what docxtpl or Jinja raise)."""
    template = DocxTemplate(io.BytesIO(content))
    template.render(context, jinja_env=jinja_env(), autoescape=True)
    out = io.BytesIO()
    template.save(out)
    return out.getvalue()


def file_name(spec: FormSpec, candidacy: Candidacy) -> str:
    """"9-KND-Ha-Thi-Mai.docx": ASCII only, for every browser."""
    name = vn.fold(candidacy.person.full_name).title().replace(" ", "-")
    safe = "".join(ch if ch.isascii() and (ch.isalnum() or ch == "-") else "-"
                   for ch in f"{spec.file_stem}-{name}")
    return f"{safe}.docx"


@dataclass(frozen=True)
class FormFile:
    content: bytes
    name: str
    title: str
    #: Why the default template was used instead of the uploaded one ("" when it was not).
    fallback: str = ""


def current_template(spec: FormSpec) -> tuple[bytes, PartyFormTemplate | None]:
    """The template in use: the uploaded replacement, else the default."""
    uploaded = PartyFormTemplate.objects.filter(form=spec.code).first()
    if uploaded is not None:
        return bytes(uploaded.content), uploaded
    return default_template(spec), None


def form_file(*, candidacy: Candidacy, spec: FormSpec) -> FormFile:
    """The form filled from the record. An uploaded template that fails now (it was checked
    when uploaded, but the context or docxtpl may have changed since) never stops the
    officer: the default template is used and `fallback` says so."""
    context = form_context(candidacy, spec)
    content, uploaded = current_template(spec)
    fallback = ""
    if uploaded is not None:
        try:
            return FormFile(render_template(content, context), file_name(spec, candidacy),
                            f"{spec.code} {spec.title}")
        except Exception as exc:  # noqa: BLE001 - any failure of an uploaded template
            fallback = (f"Mẫu {spec.code} đã tải lên không dùng được ({type(exc).__name__}), "
                        "văn bản được lập theo mẫu mặc định. Quản trị viên tỉnh cần kiểm tra "
                        "lại mẫu tại trang Mẫu văn bản.")
    return FormFile(render_template(default_template(spec), context),
                    file_name(spec, candidacy), f"{spec.code} {spec.title}", fallback)


def party_forms_for(candidacy: Candidacy) -> list[FormSpec]:
    """The forms the candidate page offers for download, in the path's order."""
    grassroots_cell = is_grassroots_cell(candidacy)
    return [spec for spec in FORMS if form_offered(candidacy, spec, grassroots_cell=grassroots_cell)]
