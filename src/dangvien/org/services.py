"""Writes to the organisation tree: found, rename, move, and the details of a unit.
Every change has an effective date and keeps history (org.base); merges, dissolutions
and splits are in org.closing and are imported here too, so callers have one module.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from dangvien.audit.services import audit_record, snapshot
from dangvien.core import vn
from dangvien.core.errors import DomainError

from .base import (
    STEP,
    audit_change,
    check_dates,
    check_not_before_history,
    check_parent,
    move_under,
    moving_section,
    new_unit,
    record_change,
    refetch,
    require_parent_admin,
    require_role,
    sync_versions,
)
from .hooks import tree_changing, what_follows
from .models import OrgChangeKind, OrgUnit


@transaction.atomic
def unit_create(
    *,
    by,
    parent: OrgUnit | None,
    code: str,
    name: str,
    kind: str,
    valid_from: dt.date,
    place_kind: str = "",
    is_mountainous: bool = False,
    decision: str = "",
    decision_date: dt.date | None = None,
    today: dt.date | None = None,
) -> OrgUnit:
    """Thành lập tổ chức đảng mới dưới `parent` (hoặc gốc cây khi parent là None)."""
    require_role(by, parent)
    check_dates(valid_from, decision_date, today)
    unit = new_unit(parent, code=code, name=name, kind=kind, valid_from=valid_from,
                     place_kind=place_kind, is_mountainous=is_mountainous, by=by)
    change = record_change(OrgChangeKind.CREATE, valid_from, [unit], f"Thành lập {unit.name}",
                            decision, decision_date)
    audit_change(by, change, unit, {}, snapshot(unit))
    return unit


@transaction.atomic
def unit_rename(*, by, unit: OrgUnit, name: str, effective: dt.date, decision: str = "",
                decision_date: dt.date | None = None, today: dt.date | None = None) -> OrgUnit:
    """Đổi tên đơn vị từ ngày hiệu lực; tên cũ vẫn dùng cho các ngày trước đó."""
    unit = refetch(unit)
    require_parent_admin(by, unit)
    check_dates(effective, decision_date, today)
    name = vn.normalize_spaces(name)
    if not name:
        raise DomainError("Tên mới không được để trống.", field="name")
    if len(name) > 200:
        raise DomainError("Tên mới dài quá 200 ký tự.", field="name")
    if name == unit.name:
        raise DomainError(f"Tên mới trùng tên hiện tại ({unit.name}).", field="name")
    if not unit.active_on(effective):
        raise DomainError(f"{unit.name} không hoạt động vào {vn.format_date(effective)}.",
                          field="effective")
    check_not_before_history([unit], effective)
    before = snapshot(unit)
    old_name = unit.name
    unit.name = name
    unit.save(update_fields=["name", "updated_at"])
    sync_versions(unit, effective)
    change = record_change(OrgChangeKind.RENAME, effective, [unit],
                            f"Đổi tên {old_name} thành {name}", decision, decision_date)
    audit_change(by, change, unit, before, snapshot(unit))
    return unit


@transaction.atomic
def unit_move(
    *, by, unit: OrgUnit, new_parent: OrgUnit, effective: dt.date, decision: str = "",
    decision_date: dt.date | None = None, today: dt.date | None = None,
) -> OrgUnit:
    """Điều chuyển đơn vị (cùng toàn bộ cấp dưới) sang trực thuộc đơn vị khác."""
    unit, new_parent = refetch(unit), refetch(new_parent)
    require_parent_admin(by, unit)
    require_role(by, new_parent)
    check_dates(effective, decision_date, today)
    if new_parent.pk == unit.pk or new_parent.path.startswith(unit.path):
        raise DomainError(
            f"Không thể chuyển {unit.name} vào {new_parent.name} vì {new_parent.name} "
            f"đang là chính nó hoặc trực thuộc nó. Hãy chọn một đơn vị cấp trên khác.",
            field="parent",
        )
    if unit.path[:-STEP] == new_parent.path:
        raise DomainError(f"{unit.name} đã trực thuộc {new_parent.name}.", field="parent")
    if not unit.active_on(effective):
        raise DomainError(f"{unit.name} không hoạt động vào {vn.format_date(effective)}.",
                          field="effective")
    check_parent(new_parent, effective)
    subtree = OrgUnit.objects.filter(path__startswith=unit.path)
    check_not_before_history([*subtree, new_parent], effective)
    before = snapshot(unit)
    old_parent = OrgUnit.objects.get_parent(unit)
    sections = [moving_section(f"Chuyển sang trực thuộc {new_parent.name}", [unit], effective),
                *what_follows([unit], effective)]
    with tree_changing([unit]):
        move_under(unit, new_parent)
        unit = refetch(unit)
        sync_versions(unit, effective)
    change = record_change(
        OrgChangeKind.MOVE, effective, [unit, new_parent],
        f"Chuyển {unit.name} từ {old_parent.name if old_parent else '—'} sang {new_parent.name}",
        decision, decision_date, sections,
    )
    audit_change(by, change, unit, before, snapshot(unit))
    return unit


@transaction.atomic
def unit_update_details(
    *, by, unit: OrgUnit, place_kind: str | None = None, is_mountainous: bool | None = None,
    village_count: int | None = None,
) -> OrgUnit:
    """Sửa loại hình, vùng cao/miền núi, số thôn, bản của đơn vị (không đổi lịch sử cây).

    None leaves a field as it is. Used by the Excel import of units.
    """
    from .models import PlaceKind

    unit = refetch(unit)
    require_role(by, unit)
    before = snapshot(unit)
    fields = []
    if place_kind is not None and place_kind != unit.place_kind:
        if place_kind and place_kind not in PlaceKind.values:
            raise DomainError(f"Loại hình '{place_kind}' không có trong danh mục.",
                              field="place_kind")
        unit.place_kind = place_kind
        fields.append("place_kind")
    if is_mountainous is not None and is_mountainous != unit.is_mountainous:
        unit.is_mountainous = is_mountainous
        fields.append("is_mountainous")
    if village_count is not None and village_count != unit.village_count:
        if village_count < 0:
            raise DomainError("Số thôn, bản, tổ dân phố không được là số âm.",
                              field="village_count")
        unit.village_count = village_count
        fields.append("village_count")
    if fields:
        unit.save(update_fields=[*fields, "updated_at"])
        audit_record(by=by, action="org.details", obj=unit, before=before,
                     after=snapshot(unit), unit_path=unit.path)
    return unit


from .closing import (  # noqa: E402 - the changes that close units, one place for callers
    MERGE_GROUPS,
    SplitPart,
    unit_dissolve,
    unit_merge,
    unit_merge_new,
    unit_split,
)

__all__ = ["MERGE_GROUPS", "SplitPart", "unit_create", "unit_dissolve", "unit_merge",
           "unit_merge_new", "unit_move", "unit_rename", "unit_split", "unit_update_details"]
