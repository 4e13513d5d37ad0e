"""The candidacy follows its awareness certificate (giấy chứng nhận nhận thức về Đảng).

- A first "Đạt" attaches nothing by itself: the cell links the certificate on the
  candidacy's page (`candidacy_set_awareness`), where it sees which one it takes.
- A corrected certificate date moves the candidacy's "class done" date (and the step's
  event) with it, unless the cell has already considered the candidate before that date.
- A certificate corrected to "not passed" takes the candidacy back to the source stage
  while the cell has not considered it yet (its class and dossier-complete steps stay in
  the history, marked as cancelled with the reason); after that the correction is refused:
  the admission is corrected on its own page first.

Counters follow through `Candidacy.save` (admission.counts); the audit keeps each change.
"""

from __future__ import annotations

import datetime as dt

from dangvien.audit.services import audit_record, snapshot
from dangvien.core import vn
from dangvien.core.errors import DomainError

from .models import Enrolment, Result

BEFORE_CELL = {"nguon", "da_hoc_lop", "du_ho_so"}


def candidacy_follows(*, by, enrolment: Enrolment, reason: str, today: dt.date) -> None:
    from dangvien.admission.models import Candidacy

    valid = enrolment.result == Result.PASSED and enrolment.certificate_on is not None
    linked = list(Candidacy.objects.select_for_update(of=("self",))
                  .select_related("person", "cell").filter(awareness=enrolment))
    for candidacy in linked:
        if valid:
            _move_date(by=by, candidacy=candidacy, enrolment=enrolment, reason=reason)
        else:
            _withdraw(by=by, candidacy=candidacy, enrolment=enrolment, reason=reason, today=today)


def _events(candidacy, stages):
    from dangvien.admission.models import CandidacyEvent

    return CandidacyEvent.objects.filter(candidacy=candidacy, stage__in=stages)


def _move_date(*, by, candidacy, enrolment: Enrolment, reason: str) -> None:
    from dangvien.admission.models import Stage

    if candidacy.class_done_on is None:
        return
    new_on = max(enrolment.certificate_on, candidacy.identified_on)
    if new_on == candidacy.class_done_on:
        return
    if candidacy.cell_resolution_on is not None and new_on > candidacy.cell_resolution_on:
        raise DomainError(
            f"Không sửa được: chi bộ đã xét kết nạp {candidacy.person.full_name} ngày "
            f"{vn.format_date(candidacy.cell_resolution_on)}, trước ngày cấp giấy chứng nhận mới "
            f"({vn.format_date(enrolment.certificate_on)}). Hãy sửa hồ sơ kết nạp trước.",
            field="certificate_on")
    before = snapshot(candidacy)
    old_on = candidacy.class_done_on
    candidacy.class_done_on = new_on
    fields = ["class_done_on"]
    if candidacy.dossier_done_on is not None and candidacy.dossier_done_on < new_on:
        candidacy.dossier_done_on = new_on
        fields.append("dossier_done_on")
    if candidacy.stage in {Stage.CLASS_DONE, Stage.DOSSIER_DONE}:
        candidacy.stage_on = (candidacy.class_done_on if candidacy.stage == Stage.CLASS_DONE
                              else candidacy.dossier_done_on)
        fields.append("stage_on")
    candidacy.save(update_fields=[*fields, "updated_at"])
    note = (f"Ngày học xong lớp sửa {vn.format_date(old_on)} → {vn.format_date(new_on)} theo giấy "
            f"chứng nhận đã sửa; lý do: {reason}")
    for event in _events(candidacy, [Stage.CLASS_DONE]):
        event.on = new_on
        event.document_no = enrolment.certificate_number
        event.note = (event.note + "\n" if event.note else "") + note
        event.save(update_fields=["on", "document_no", "note"])
    for event in _events(candidacy, [Stage.DOSSIER_DONE]):
        if event.on < new_on:
            event.on = new_on
            event.save(update_fields=["on"])
    audit_record(by=by, action="candidacy.awareness_follow", obj=candidacy, before=before,
                 after=snapshot(candidacy) | {"reason": reason}, unit_path=candidacy.cell.path)


def _withdraw(*, by, candidacy, enrolment: Enrolment, reason: str, today: dt.date) -> None:
    from dangvien.admission.models import Stage

    name = candidacy.person.full_name
    if candidacy.stage not in BEFORE_CELL:
        raise DomainError(
            f"Không sửa được: hồ sơ kết nạp của {name} đã qua bước "
            f"'{candidacy.get_stage_display()}' dựa trên giấy chứng nhận này. Hãy sửa hồ sơ kết "
            "nạp trước.", field="result")
    before = snapshot(candidacy)
    candidacy.awareness = None
    candidacy.class_done_on = None
    candidacy.dossier_done_on = None
    candidacy.stage, candidacy.stage_on = Stage.SOURCE, candidacy.identified_on
    candidacy.save(update_fields=["awareness", "class_done_on", "dossier_done_on", "stage",
                                  "stage_on", "updated_at"])
    note = (f"Đã hủy ngày {vn.format_date(today)}: giấy chứng nhận lớp nhận thức được sửa thành "
            f"'{enrolment.get_result_display()}'; lý do: {reason}")
    for event in _events(candidacy, [Stage.CLASS_DONE, Stage.DOSSIER_DONE]):
        event.note = (event.note + "\n" if event.note else "") + note
        event.save(update_fields=["note"])
    audit_record(by=by, action="candidacy.awareness_follow", obj=candidacy, before=before,
                 after=snapshot(candidacy) | {"reason": reason}, unit_path=candidacy.cell.path)
