"""The dossier (hồ sơ kết nạp): which forms exist, which each step needs, what is missing.

Form numbers follow Hướng dẫn 12-HD/BTCTW (18/1/2022). 3-KNĐ is one letter per
introducer (kept as `Introducer` rows); 6-, 8- and 9-KNĐ are the resolutions and the
decision themselves, recorded by the steps that create them.
"""

from __future__ import annotations

from dataclasses import dataclass

from dangvien.org.models import UnitKind

from .models import Candidacy, Stage, UnionRoute

ADMISSION = "ket_nap"
RECOGNITION = "chinh_thuc"


@dataclass(frozen=True)
class Form:
    code: str
    name: str
    phase: str
    #: The step that cannot be taken without it (None: optional).
    needed_for: str | None
    #: Recorded by a step rather than ticked by hand.
    by_step: bool = False


FORMS: list[Form] = [
    Form("1-KNĐ", "Đơn xin vào Đảng", ADMISSION, Stage.CELL_PROPOSED),
    Form("2-KNĐ", "Lý lịch của người xin vào Đảng", ADMISSION, Stage.CELL_PROPOSED),
    Form("TTLL", "Kết quả thẩm tra lý lịch", ADMISSION, Stage.CELL_PROPOSED),
    Form("3-KNĐ", "Giấy giới thiệu của đảng viên chính thức", ADMISSION, Stage.CELL_PROPOSED,
         by_step=True),
    Form("4-KNĐ", "Nghị quyết giới thiệu của Ban Chấp hành Đoàn (hoặc Công đoàn) cơ sở",
         ADMISSION, Stage.CELL_PROPOSED),
    Form("5-KNĐ", "Tổng hợp ý kiến nhận xét của đoàn thể nơi làm việc và chi ủy nơi cư trú",
         ADMISSION, Stage.CELL_PROPOSED),
    Form("6-KNĐ", "Nghị quyết chi bộ đề nghị kết nạp", ADMISSION, Stage.GRASSROOTS_PROPOSED,
         by_step=True),
    Form("7-KNĐ", "Báo cáo thẩm định của đảng ủy bộ phận (nếu có)", ADMISSION, None),
    Form("8-KNĐ", "Nghị quyết đảng ủy cơ sở đề nghị kết nạp", ADMISSION, Stage.DECIDED,
         by_step=True),
    Form("9-KNĐ", "Quyết định kết nạp đảng viên", ADMISSION, Stage.ON_PROBATION, by_step=True),
    Form("10-KNĐ", "Bản tự kiểm điểm của đảng viên dự bị", RECOGNITION, Stage.RECOGNISED),
    Form("11-KNĐ", "Bản nhận xét của đảng viên được phân công giúp đỡ", RECOGNITION,
         Stage.RECOGNISED),
    Form("12-KNĐ", "Tổng hợp ý kiến nhận xét của đoàn thể và chi ủy nơi cư trú", RECOGNITION,
         Stage.RECOGNISED),
    Form("13-KNĐ", "Nghị quyết chi bộ đề nghị công nhận đảng viên chính thức", RECOGNITION,
         Stage.RECOGNISED),
    Form("15-KNĐ", "Nghị quyết đảng ủy cơ sở đề nghị công nhận đảng viên chính thức",
         RECOGNITION, Stage.RECOGNISED),
    Form("CN-ĐVM", "Giấy chứng nhận lớp bồi dưỡng đảng viên mới", RECOGNITION, Stage.RECOGNISED,
         by_step=True),
]
FORMS_BY_CODE = {f.code: f for f in FORMS}
#: Forms a user ticks off by hand (the others come from steps, introducers and classes).
HAND_FORMS = [f for f in FORMS if not f.by_step]


#: Resolutions of a grassroots committee: a cell that is itself the grassroots
#: organisation (chi bộ cơ sở) has no committee above it to pass them.
GRASSROOTS_COMMITTEE_FORMS = frozenset({"8-KNĐ", "15-KNĐ"})


def applies(form: Form, candidacy: Candidacy) -> bool:
    if form.code == "4-KNĐ":
        return candidacy.union_route != UnionRoute.NONE
    if form.code in GRASSROOTS_COMMITTEE_FORMS:
        return candidacy.cell.kind != UnitKind.GRASSROOTS_CELL
    return True


@dataclass
class Line:
    """Một dòng của danh mục hồ sơ."""

    form: Form
    done: bool
    on: object = None
    reference: str = ""

    @property
    def required(self) -> bool:
        return self.form.needed_for is not None


def checklist(candidacy: Candidacy, *, items=None, introducers=None,
              new_member_on=None) -> list[Line]:
    """Every form that applies to this candidacy, ticked or not.

    `items` and `introducers` may be passed already loaded (lists) to avoid queries.
    """
    items = list(candidacy.dossier.all()) if items is None else items
    introducers = list(candidacy.introducers.all()) if introducers is None else introducers
    by_code = {i.form: i for i in items}
    step_dates = {
        "6-KNĐ": (candidacy.cell_resolution_on, candidacy.cell_resolution_no),
        "8-KNĐ": (candidacy.grassroots_resolution_on, candidacy.grassroots_resolution_no),
        "9-KNĐ": (candidacy.decision_on, candidacy.decision_no),
    }
    lines = []
    for form in FORMS:
        if not applies(form, candidacy):
            continue
        if form.code == "3-KNĐ":
            letters = sorted(i.letter_on for i in introducers)
            lines.append(Line(form, bool(letters), letters[-1] if letters else None,
                              f"{len(letters)} người giới thiệu"))
        elif form.code in step_dates:
            on, ref = step_dates[form.code]
            lines.append(Line(form, on is not None, on, ref))
        elif form.code == "CN-ĐVM":
            lines.append(Line(form, new_member_on is not None, new_member_on, ""))
        else:
            item = by_code.get(form.code)
            lines.append(Line(form, item is not None, item.on if item else None,
                              item.reference if item else ""))
    return lines


def missing_for(lines: list[Line], stage: str) -> list[Form]:
    """Forms still missing that `stage` (or an earlier step) needs."""
    from .models import RANK

    return [
        line.form for line in lines
        if not line.done and line.form.needed_for is not None
        and RANK[line.form.needed_for] <= RANK[stage]
        and line.form.code != "3-KNĐ"  # introducers are checked by their own rules
    ]
