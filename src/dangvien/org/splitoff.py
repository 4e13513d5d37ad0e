"""Chia tách một phần: found a new unit beside an existing one, split off from it.

`unit_split` (org.services) ends a unit and shares everything under it among new units
in one decision. A reorganisation written in an Excel file goes step by step instead:
one row founds the new unit split off from the old one (this service), the following
rows move subordinates into it (`unit_move`), and, if the old unit ends, one row
dissolves it (`unit_dissolve`). The founding is recorded as a change of kind SPLIT that
names both units, so the history says where the new unit came from.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from dangvien.audit.services import snapshot
from dangvien.core.errors import DomainError

from .base import (
    audit_change,
    check_alive,
    check_dates,
    check_not_before_history,
    new_unit,
    record_change,
    refetch,
    require_parent_admin,
    require_role,
)
from .hooks import Section
from .models import OrgChangeKind, OrgUnit


@transaction.atomic
def unit_split_off(
    *, by, unit: OrgUnit, code: str, name: str, effective: dt.date, kind: str | None = None,
    decision: str = "", decision_date: dt.date | None = None, today: dt.date | None = None,
) -> OrgUnit:
    """Chia tách: thành lập đơn vị mới `code`, `name` cùng cấp với `unit` (cùng cấp trên,
    cùng loại tổ chức trừ khi ghi `kind`), tách ra từ `unit` từ ngày hiệu lực.

    `unit` keeps its subordinates and members; they move by later changes. Decided by the
    administrator of the superior (who also founds the new unit under it)."""
    unit = refetch(unit)
    require_parent_admin(by, unit)
    parent = OrgUnit.objects.get_parent(unit)
    if parent is None:
        raise DomainError(f"{unit.name} là tổ chức cấp cao nhất, không chia tách được ở đây.")
    require_role(by, parent)
    check_dates(effective, decision_date, today)
    check_alive([unit], effective)
    check_not_before_history([unit], effective)
    new = new_unit(parent, code=code, name=name, kind=kind or unit.kind, valid_from=effective,
                    place_kind=unit.place_kind, is_mountainous=unit.is_mountainous, by=by)
    summary = f"Chia tách từ {unit.name}: thành lập {new.name}"
    note = Section(
        f"{new.name} ({new.code}) thành lập, trực thuộc {parent.name}",
        note=(f"{unit.name} vẫn hoạt động, giữ các tổ chức trực thuộc và đảng viên của mình; "
              "những gì chuyển sang đơn vị mới được ghi bằng các thay đổi tiếp theo "
              "(chuyển, giải thể)."))
    change = record_change(OrgChangeKind.SPLIT, effective, [unit, new], summary, decision,
                            decision_date, [note])
    audit_change(by, change, unit, snapshot(unit),
                  {**snapshot(unit), "parts": [snapshot(new)]})
    return new
