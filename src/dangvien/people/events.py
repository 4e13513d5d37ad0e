"""Biến động đảng viên: writing dated events beside the membership columns.

The rule (docs/decisions.md, "Member status as dated events"): a `MembershipEvent` is
the history, the `Membership` columns (`status`, `started_on`, `recognized_on`,
`ended_on`, `cell`) are the current state every count reads. A service that changes
a member's status writes both in one transaction, through `record_event` here. A
membership's rows are intervals [started_on, ended_on) in one cell; a transfer ends
the sending row on the day the receiving row starts, so a member is on exactly one
cell's rolls on every day and any count can be asked as of any date without reading
events.
"""

from __future__ import annotations

import datetime as dt

from django.db import connection
from django.db.models import Max

from dangvien.core import vn
from dangvien.core.errors import DomainError

from .models import EventKind, Membership, MembershipEvent

#: Same SQL as the backfill in migration 0002: the events of every membership that has
#: none (admitted, recognised, and the ending its status names), in one statement.
BACKFILL_SQL = """
INSERT INTO people_membershipevent
    (membership_id, person_id, kind, "on", cell_id, decision_no, decision_on, note, created_at)
SELECT id, person_id, 'ket_nap', admitted_on, cell_id, '', decided_on, '', CURRENT_TIMESTAMP
  FROM people_membership m
 WHERE NOT EXISTS (SELECT 1 FROM people_membershipevent e WHERE e.membership_id = m.id)
UNION ALL
SELECT id, person_id, 'chinh_thuc', recognized_on, cell_id, '', NULL, '', CURRENT_TIMESTAMP
  FROM people_membership m
 WHERE recognized_on IS NOT NULL
   AND NOT EXISTS (SELECT 1 FROM people_membershipevent e WHERE e.membership_id = m.id)
UNION ALL
SELECT id, person_id, status, ended_on, cell_id, '', NULL, '', CURRENT_TIMESTAMP
  FROM people_membership m
 WHERE ended_on IS NOT NULL
   AND status IN ('xoa_ten', 'ra_khoi_dang', 'khai_tru', 'tu_tran', 'chuyen_di')
   AND NOT EXISTS (SELECT 1 FROM people_membershipevent e WHERE e.membership_id = m.id)
"""


def backfill() -> int:
    """Write the events of memberships bulk loaders made without any (demo, bench); returns
    how many were written. Memberships that already have events are left alone."""
    with connection.cursor() as cursor:
        cursor.execute(BACKFILL_SQL)
        return max(cursor.rowcount, 0)


def record_event(*, membership: Membership, kind: str, on: dt.date, by=None, cell_id: int | None = None,
                 decision_no: str = "", decision_on: dt.date | None = None, note: str = "",
                 transfer=None, check: bool = True) -> MembershipEvent:
    """Append one event; the caller (a service) writes the columns and the audit row.

    An event dated inside a period whose report was approved for the cell (or a unit above
    it) is refused (`periods.locks`); a restructuring passes `check=False`: it moves units,
    it does not change what was reported.
    """
    if check:
        from dangvien.org.models import OrgUnit
        from dangvien.periods.locks import check_open

        cell = (membership.cell if not cell_id or cell_id == membership.cell_id
                else OrgUnit.objects.get(pk=cell_id))
        check_open(unit=cell, on=on, what=f"biến động “{dict(EventKind.choices).get(kind, kind)}” của đảng viên")
    return MembershipEvent.objects.create(
        membership=membership, person_id=membership.person_id, kind=kind, on=on,
        cell_id=cell_id or membership.cell_id, decision_no=vn.normalize_spaces(decision_no)[:60],
        decision_on=decision_on, note=vn.normalize_spaces(note)[:500], transfer=transfer,
        recorded_by=by if getattr(by, "pk", None) else None,
    )


def last_event_on(membership: Membership) -> dt.date:
    """The latest dated thing on this cell's record: its start or its newest event."""
    latest = membership.events.filter(cancelled_at=None).aggregate(last=Max("on"))["last"]
    return max(d for d in (latest, membership.started_on) if d is not None)


def check_after_last_event(membership: Membership, on: dt.date, *, what: str,
                           today: dt.date, field: str = "on") -> None:
    """Refuse a status change dated before the record's last event or after today."""
    if on > today:
        raise DomainError(
            f"Ngày {what} ({vn.format_date(on)}) ở sau ngày hôm nay ({vn.format_date(today)}). "
            "Chỉ ghi biến động đã xảy ra.", field=field)
    last = last_event_on(membership)
    if on < last:
        raise DomainError(
            f"Ngày {what} ({vn.format_date(on)}) ở trước biến động gần nhất của đảng viên này "
            f"tại {membership.cell.name} (ngày {vn.format_date(last)}). Hãy kiểm tra lại ngày.",
            field=field)


def current_membership(membership: Membership) -> Membership:
    """Follow a transferred record to the one the member holds now (or the last one)."""
    seen = 0
    while membership.ended_on is not None and seen < 100:
        nxt = Membership.objects.filter(previous=membership).select_related("cell").first()
        if nxt is None:
            break
        membership, seen = nxt, seen + 1
    return membership


def history(person_id: int) -> list[MembershipEvent]:
    """Every event of a person, oldest first, with the cell of each (one query)."""
    return list(
        MembershipEvent.objects.filter(person_id=person_id)
        .select_related("cell", "recorded_by", "transfer")
        .order_by("on", "id")
    )


__all__ = [
    "BACKFILL_SQL", "EventKind", "backfill", "check_after_last_event", "current_membership",
    "history", "last_event_on", "record_event",
]
