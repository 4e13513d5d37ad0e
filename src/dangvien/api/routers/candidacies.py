"""Hồ sơ kết nạp: candidacies with their steps and deadlines; registering a candidate and
recording a step, through the admission services (same rules, same audit as the web)."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from django.http import Http404
from django.utils import timezone
from ninja import Field, Query, Router, Schema, Status

from dangvien.accounts.scope import get_unit_or_404
from dangvien.admission import services
from dangvien.admission.deadlines import deadlines, horizon_for
from dangvien.admission.models import Candidacy, Source, Stage, UnionRoute
from dangvien.admission.registration import candidate_register
from dangvien.admission.selectors import (
    STAGE_ALL,
    STAGE_OPEN,
    candidates_list,
    get_candidacy_or_404,
)
from dangvien.core import versions
from dangvien.people.models import Person

from ..common import ERRORS, day_or_today, unit_or_404, user_of
from ..schemas import Day, Id, PageOut, PageParams, page, text
from .deadlines import DeadlineOut

router = Router(tags=["Hồ sơ kết nạp"])


class EventOut(Schema):
    stage: str = Field(description="Bước (mã)")
    stage_label: str = Field(description="Bước")
    on: dt.date = Field(description="Ngày")
    document_no: str = Field(description="Số văn bản")
    note: str


class CandidacyOut(Schema):
    """Một hồ sơ kết nạp: người, chi bộ, bước hiện tại và ngày của từng bước."""

    id: int
    person_id: int
    full_name: str = Field(description="Họ và tên")
    gender: str
    birth_date: dt.date
    cell: str = Field(description="Mã chi bộ")
    cell_name: str
    source: str = Field(description="Tổ chức giới thiệu (mã)")
    stage: str = Field(description="Bước hiện tại (mã)")
    stage_label: str = Field(description="Bước hiện tại")
    stage_on: dt.date = Field(description="Ngày của bước hiện tại")
    identified_on: dt.date = Field(description="Ngày đưa vào danh sách nguồn")
    class_done_on: dt.date | None
    dossier_done_on: dt.date | None
    cell_resolution_on: dt.date | None = Field(description="Ngày chi bộ đề nghị (6-KNĐ)")
    grassroots_resolution_on: dt.date | None = Field(description="Ngày đảng ủy cơ sở đề nghị (8-KNĐ)")
    decision_no: str = Field(description="Số quyết định kết nạp (9-KNĐ)")
    decision_on: dt.date | None
    ceremony_on: dt.date | None = Field(description="Ngày lễ kết nạp (ngày vào Đảng)")
    probation_ends_on: dt.date | None = Field(description="Ngày hết dự bị")
    recognition_decided_on: dt.date | None
    closed_on: dt.date | None
    version: str = Field(description="Phiên bản: gửi lại khi ghi một bước để tránh ghi đè "
                                     "thay đổi của người khác (409 khi hồ sơ đã đổi)")


class CandidacyDetailOut(CandidacyOut):
    events: list[EventOut] = Field(description="Các bước đã ghi, cũ trước")
    deadlines: list[DeadlineOut] = Field(description="Việc đến hạn, quá hạn của hồ sơ vào ngày hỏi")


class CandidacyPage(PageOut):
    items: list[CandidacyOut]


class CandidacyFilter(Schema):
    unit: text(32) | None = Field(examples=["KB"], default=None, description="Chỉ hồ sơ của đơn vị này và cấp dưới (mã)")
    stage: text(20) | None = Field(None, description="Bước (mã); 'tat-ca' cho mọi hồ sơ; mặc "
                                                    "định: hồ sơ chưa kết thúc")
    q: text(100) | None = Field(None, description="Tìm theo tên (có hoặc không dấu)")


def _out(c: Candidacy) -> dict:
    p = c.person
    return {"id": c.pk, "person_id": p.pk, "full_name": p.full_name, "gender": p.gender,
            "birth_date": p.birth_date, "cell": c.cell.code, "cell_name": c.cell.name,
            "source": c.source, "stage": c.stage, "stage_label": c.get_stage_display(),
            "stage_on": c.stage_on, "identified_on": c.identified_on,
            "class_done_on": c.class_done_on, "dossier_done_on": c.dossier_done_on,
            "cell_resolution_on": c.cell_resolution_on,
            "grassroots_resolution_on": c.grassroots_resolution_on,
            "decision_no": c.decision_no, "decision_on": c.decision_on,
            "ceremony_on": c.ceremony_on, "probation_ends_on": c.probation_ends_on,
            "recognition_decided_on": c.recognition_decided_on, "closed_on": c.closed_on,
            "version": versions.token(c)}


def _detail(request, c: Candidacy, day: dt.date) -> dict:
    out = _out(c)
    out["events"] = [{"stage": e.stage, "stage_label": e.get_stage_display(), "on": e.on,
                      "document_no": e.document_no, "note": e.note}
                     for e in c.events.filter(cancelled_at__isnull=True).order_by("on", "pk")]
    items = deadlines(user=user_of(request), as_of=day, unit=c.cell,
                      horizon_days=horizon_for(day))
    out["deadlines"] = [i.as_dict() for i in items if i.candidacy_id == c.pk]
    return out


@router.get("/candidacies", response={200: CandidacyPage, **ERRORS}, summary="Danh sách hồ sơ kết nạp")
def candidacies_list(request, filters: Query[CandidacyFilter], paging: Query[PageParams]):
    """Quần chúng ưu tú và hồ sơ kết nạp trong phạm vi người dùng, xếp theo tên."""
    stage = filters.stage or STAGE_OPEN
    if stage not in (STAGE_OPEN, STAGE_ALL, *Stage.values):
        from dangvien.core.errors import DomainError

        raise DomainError(f"Bước '{stage[:20]}' không có trong danh mục.", field="stage")
    qs = candidates_list(user=user_of(request), unit=unit_or_404(request, filters.unit),
                         stage=stage, text=filters.q or "")
    result = page(qs, paging)
    result["items"] = [_out(c) for c in result["items"]]
    return result


@router.get("/candidacies/{candidacy_id}", response={200: CandidacyDetailOut, **ERRORS},
            summary="Một hồ sơ kết nạp, các bước và thời hạn")
def candidacy_detail(request, candidacy_id: Id, ngay: Day | None = None):
    """Hồ sơ kết nạp với các bước đã ghi và việc đến hạn vào ngày `ngay` (mặc định hôm nay)."""
    c = get_candidacy_or_404(user_of(request), candidacy_id)
    return _detail(request, c, day_or_today(ngay))


class PersonIn(Schema):
    """Lý lịch người mới (khi chưa có hồ sơ)."""

    full_name: text(120) = Field(description="Họ và tên")
    gender: text(3) = Field(description="Giới tính: nam, nu")
    birth_date: dt.date = Field(description="Ngày sinh")
    ethnicity: text(40) = Field("Kinh", description="Dân tộc")
    religion: text(20) = Field("khong", description="Tôn giáo (mã)")
    cccd: text(12) | None = Field(None, description="Số CCCD (12 chữ số); chỉ ghi, không bao giờ trả về")
    home_address: text(300) = Field("", description="Quê quán, nơi ở")
    education: text(20) = Field("thpt", description="Trình độ giáo dục phổ thông (mã)")
    occupation: text(20) = Field("khac", description="Nghề nghiệp (mã)")


class RegisterIn(Schema):
    """Đưa một người vào danh sách nguồn kết nạp của chi bộ."""

    cell: text(32) = Field(description="Mã chi bộ")
    source: Literal[tuple(Source.values)] = Field(description="Tổ chức giới thiệu")  # type: ignore[valid-type]
    identified_on: Day = Field(description="Ngày đưa vào danh sách nguồn")
    person_id: Id | None = Field(None, description="Người đã có hồ sơ (hoặc gửi `person`)")
    person: PersonIn | None = None
    union_route: Literal[tuple(UnionRoute.values)] | None = None  # type: ignore[valid-type]
    is_village_elder: bool = Field(False, description="Già làng, trưởng bản có uy tín")


@router.post("/candidacies", response={201: CandidacyOut, **ERRORS}, summary="Đăng ký quần chúng ưu tú")
def candidacy_register(request, data: RegisterIn):
    """Đăng ký một quần chúng ưu tú (người đã có hồ sơ hoặc người mới) vào nguồn của chi bộ."""
    user = user_of(request)
    cell = get_unit_or_404(user, data.cell)
    person = None
    if data.person_id is not None:
        person = Person.objects.for_user(user).filter(pk=data.person_id).first()
        if person is None:
            raise Http404("Không tìm thấy người này.")
    c = candidate_register(
        by=user, cell=cell, source=data.source, identified_on=data.identified_on,
        person=person, person_data=data.person.dict() if data.person else None,
        union_route=data.union_route, is_village_elder=data.is_village_elder)
    return Status(201, _out(Candidacy.objects.select_related("person", "cell").get(pk=c.pk)))


STEPS = {
    "cell_proposal": "Chi bộ đề nghị kết nạp (6-KNĐ)",
    "grassroots_proposal": "Đảng ủy cơ sở đề nghị kết nạp (8-KNĐ)",
    "decision": "Quyết định kết nạp (9-KNĐ)",
    "ceremony": "Lễ kết nạp",
    "recognition": "Công nhận đảng viên chính thức",
}


class StepIn(Schema):
    """Ghi một bước của hồ sơ."""

    step: Literal[tuple(STEPS)] = Field(description="; ".join(f"{k}: {v}" for k, v in STEPS.items()))  # type: ignore[valid-type]
    on: Day = Field(description="Ngày của bước (nghị quyết, quyết định, lễ)")
    document_no: text(50) = Field("", description="Số văn bản (trừ lễ kết nạp)")
    override_reason: text(1000) = Field("", description="Lý do vẫn chấp thuận khi chưa đủ điều "
                                                        "kiện (chỉ người có quyền phê duyệt)")
    version: text(40) | None = Field(None, description="Phiên bản đã đọc (trường `version`)")
    decision_unit: text(32) | None = Field(examples=["KB"], default=None, description="Cấp ủy ra quyết định (mã), mặc "
                                                            "định cấp trên của tổ chức cơ sở")
    received_on: Day | None = Field(None, description="Ngày chi bộ nhận quyết định")
    votes: dict[text(40), int] | None = Field(None, description="Số biểu quyết của nghị quyết")


@router.post("/candidacies/{candidacy_id}/steps", response={200: CandidacyOut, **ERRORS},
             summary="Ghi một bước của hồ sơ kết nạp")
def candidacy_step(request, candidacy_id: Id, data: StepIn):
    """Ghi một bước qua đúng dịch vụ của trang web: cùng điều kiện, cùng thời hạn, cùng nhật ký.

    Một điều kiện chưa đạt trả về 400 với `rules` (thông báo và căn cứ); phiên bản cũ trả 409.
    """
    user = user_of(request)
    c = get_candidacy_or_404(user, candidacy_id)
    if data.votes is not None and any(not 0 <= v <= 10_000 for v in data.votes.values()):
        from dangvien.core.errors import DomainError

        raise DomainError("Số biểu quyết phải từ 0 đến 10.000.", field="votes")
    common = {"by": user, "candidacy": c, "on": data.on, "version": data.version,
              "today": timezone.localdate()}
    if data.step == "cell_proposal":
        services.candidacy_propose_by_cell(**common, document_no=data.document_no,
                                           override_reason=data.override_reason, votes=data.votes)
    elif data.step == "grassroots_proposal":
        services.candidacy_propose_by_grassroots(**common, document_no=data.document_no,
                                                 votes=data.votes)
    elif data.step == "decision":
        unit = get_unit_or_404(user, data.decision_unit) if data.decision_unit else None
        services.candidacy_decide(**common, document_no=data.document_no, unit=unit,
                                  received_on=data.received_on,
                                  override_reason=data.override_reason)
    elif data.step == "ceremony":
        services.candidacy_hold_ceremony(**common, override_reason=data.override_reason)
    else:
        services.candidacy_recognise(**common, document_no=data.document_no,
                                     override_reason=data.override_reason, votes=data.votes)
    return _out(Candidacy.objects.select_related("person", "cell").get(pk=c.pk))
