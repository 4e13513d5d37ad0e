"""People across a change of the organisation tree (thay đổi tổ chức).

What the preview says follows the units that move (members on the rolls, pending
transfers), and the members a split cell hands to its new cells: each one's row in the
old cell ends on the effective day and a row in the new cell starts that day, with the
events a transfer writes, so "which cell on 31/05" keeps its answer for every date.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, Max, Q

from dangvien.core import vn
from dangvien.core.errors import DomainError
from dangvien.org.hooks import Section
from dangvien.org.models import OrgUnit

from .choices import MemberStatus
from .events import record_event
from .models import EventKind, Membership, MembershipEvent, Transfer, TransferStatus
from .transfers import _move_person, _start_row

SAMPLE = 20


def _under(roots, field: str) -> Q:
    q = Q()
    for root in roots:
        q |= Q(**{f"{field}__startswith": root.path})
    return q


def what_follows(roots: list[OrgUnit], effective: dt.date) -> list[Section]:
    """Members on the rolls under each moving unit, and the transfers still waiting."""
    if not roots:
        return []
    rows = dict(Membership.objects.active_on(effective).filter(_under(roots, "cell__path"))
                .values("cell__path").annotate(n=Count("id")).values_list("cell__path", "n"))
    per_root = []
    total = 0
    for root in roots:
        n = sum(v for p, v in rows.items() if p.startswith(root.path))
        total += n
        per_root.append(f"{root.name}: {vn.format_number(n)} đảng viên")
    members = Section("Đảng viên đi theo tổ chức của mình", per_root if len(roots) > 1 else [],
                      count=total if len(roots) > 1 else None,
                      note=f"{vn.format_number(total)} đảng viên sinh hoạt ở các chi bộ này vào "
                      f"{vn.format_date(effective)}; hồ sơ của họ không đổi.")
    pending = (Transfer.objects.filter(status=TransferStatus.PENDING)
               .filter(_under(roots, "from_cell__path") | _under(roots, "to_cell__path"))
               .select_related("person", "from_cell", "to_cell").order_by("letter_on", "pk"))
    count = pending.count()
    items = [f"{t.person.full_name}: giấy số {t.letter_no}, từ "
             f"{t.from_cell.name if t.from_cell else '—'} đến "
             f"{t.to_cell.name if t.to_cell else t.outside_unit}" for t in pending[:SAMPLE]]
    transfers = Section("Chuyển sinh hoạt đang chờ tiếp nhận (tiếp tục ở đơn vị kế thừa)",
                        items, count=count)
    return [members, transfers]


def move_members_on(members: list[tuple[int, str]], effective: dt.date) -> list[str]:
    """Move each (membership id, new cell code) from `effective`: the rows of a split cell.

    Refuses a member whose record has an event on or after `effective` (the split would
    rewrite it) or a transfer waiting: those are settled first."""
    ids = [pk for pk, _ in members]
    cells = {u.code: u for u in OrgUnit.objects.filter(code__in={c for _, c in members})}
    rows = {m.pk: m for m in Membership.objects.filter(pk__in=ids).select_related("person", "cell")}
    later = dict(MembershipEvent.objects.filter(membership_id__in=ids, cancelled_at__isnull=True)
                 .values("membership_id").annotate(last=Max("on")).values_list("membership_id",
                                                                                "last"))
    waiting = set(Transfer.objects.filter(membership_id__in=ids, status=TransferStatus.PENDING)
                  .values_list("membership_id", flat=True))
    done = []
    for pk, code in members:
        old, cell = rows[pk], cells[code]
        if later.get(pk) and later[pk] >= effective:
            raise DomainError(
                f"{old.person.full_name} có biến động ngày {vn.format_date(later[pk])}, không "
                f"trước ngày chia tách {vn.format_date(effective)}: hãy kiểm tra lại ngày hiệu lực.",
                field="effective")
        if pk in waiting:
            raise DomainError(f"{old.person.full_name} đang có giấy chuyển sinh hoạt chờ tiếp "
                              "nhận: hãy giải quyết trước khi chia tách chi bộ.", field="parts")
        old.status, old.ended_on = MemberStatus.TRANSFERRED_OUT, effective
        old.save(update_fields=["status", "ended_on", "updated_at"])
        new = _start_row(old=old, person=old.person, cell=cell, on=effective,
                         admitted_on=old.admitted_on, decided_on=old.decided_on,
                         recognized_on=old.recognized_on, card_number=old.card_number)
        note = f"Chia tách {old.cell.name}"
        record_event(membership=old, kind=EventKind.TRANSFERRED_OUT, on=effective,
                     note=f"{note}: sang {cell.name}", check=False)
        record_event(membership=new, kind=EventKind.TRANSFERRED_IN, on=effective,
                     note=f"{note}: từ {old.cell.name}", check=False)
        _move_person(old.person, cell)
        done.append(f"{old.person.full_name}: {cell.name}")
    return done
