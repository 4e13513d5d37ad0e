"""Building blocks of the organisation changes (thay đổi tổ chức): who may decide, the
dates and codes allowed, founding a unit, keeping `OrgUnitVersion` in step with the live
tree, and recording each change once (`OrgChange` and one audit record).

The live tree (`OrgUnit`, treebeard) always shows today's shape; after each change
`sync_versions` closes the old `OrgUnitVersion` rows of the units that moved or were
renamed on the effective date and opens new ones, so earlier dates keep their shape.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence
from functools import reduce
from operator import or_

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from dangvien.accounts.models import Role
from dangvien.accounts.scope import can
from dangvien.audit.services import audit_record
from dangvien.core import vn
from dangvien.core.errors import DomainError

from .hooks import Section
from .models import CELL_KINDS, OrgChange, OrgChangeKind, OrgUnit, OrgUnitVersion, UnitKind
from .selectors import unit_by_code

CODE_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,31}$")
STEP = OrgUnit.steplen


def parent_path(path: str) -> str:
    return path[:-STEP]


def require_role(by, unit: OrgUnit | None, role: str = Role.ADMIN) -> None:
    if by is None:  # system jobs (demo, migrations of data) run with full rights
        return
    if unit is None:
        if not getattr(by, "is_superuser", False):
            raise DomainError("Chỉ quản trị viên hệ thống mới được tạo tổ chức cấp cao nhất.")
        return
    if not can(by, unit, role):
        raise DomainError(f"Bạn không có quyền thay đổi tổ chức của {unit.name}.")


def require_parent_admin(by, unit: OrgUnit) -> None:
    """A unit is renamed, moved, merged, split or dissolved by its superior's
    administrator (quản trị của cấp trên), not by its own officers."""
    if by is None:
        return
    parent = OrgUnit.objects.get_parent(unit)
    if parent is None:
        if not getattr(by, "is_superuser", False):
            raise DomainError(
                f"Chỉ quản trị viên hệ thống mới được thay đổi {unit.name} (tổ chức cấp cao nhất).")
        return
    if not can(by, parent, Role.ADMIN):
        raise DomainError(
            f"Thay đổi {unit.name} cần quyền quản trị của cấp trên ({parent.name}).")


def check_dates(effective: dt.date, decision_date: dt.date | None, today: dt.date | None) -> None:
    """Refuse an effective date far in the future (a typing error, such as year 9999)
    and a decision dated in the future."""
    today = today or timezone.localdate()
    ahead = settings.DANGVIEN_ORG_CHANGE_MAX_DAYS_AHEAD
    if not isinstance(effective, dt.date):
        raise DomainError("Hãy nhập ngày hiệu lực.", field="effective")
    if effective > today + dt.timedelta(days=ahead):
        raise DomainError(
            f"Ngày hiệu lực {vn.format_date(effective)} quá xa trong tương lai: chỉ ghi thay đổi "
            f"có hiệu lực đến {vn.format_date(today + dt.timedelta(days=ahead))} "
            f"({ahead} ngày kể từ hôm nay). Hãy kiểm tra lại ngày.", field="effective")
    if decision_date is not None and decision_date > today:
        raise DomainError(
            f"Ngày quyết định {vn.format_date(decision_date)} chưa đến. Hãy ghi ngày ký quyết định.",
            field="decision_date")


def check_code(code: str, by) -> str:
    code = (code or "").strip()
    if not CODE_RE.match(code):
        raise DomainError(
            f"Mã đơn vị '{code}' không hợp lệ: dùng 1–32 ký tự chữ không dấu, số, "
            "dấu chấm, gạch ngang hoặc gạch dưới, bắt đầu bằng chữ hoặc số.",
            field="code",
        )
    other = unit_by_code(code)  # "kb" clashes with "KB"
    if other is not None:
        if by is None or can(by, other):
            raise DomainError(
                f"Mã đơn vị '{code}' đã được dùng cho {other.name}. Hãy chọn mã khác.",
                field="code",
            )
        raise DomainError(f"Mã đơn vị '{code}' đã được dùng. Hãy chọn mã khác.", field="code")
    return code


def check_parent(parent: OrgUnit, effective: dt.date) -> None:
    if parent.kind in CELL_KINDS:
        raise DomainError(
            f"{parent.name} là chi bộ, không thể có tổ chức trực thuộc. Hãy chọn đảng bộ cấp trên.",
            field="parent",
        )
    if not parent.active_on(effective):
        raise DomainError(
            f"{parent.name} không còn hoạt động vào {vn.format_date(effective)}.", field="parent"
        )


def check_not_before_history(units: Iterable[OrgUnit], effective: dt.date) -> None:
    """Refuse a change dated before a later recorded change of any affected unit."""
    latest = (
        OrgUnitVersion.objects.filter(unit__in=list(units), valid_to__isnull=True)
        .order_by("-valid_from")
        .select_related("unit")
        .first()
    )
    if latest is not None and effective < latest.valid_from:
        raise DomainError(
            f"Ngày hiệu lực {vn.format_date(effective)} sớm hơn thay đổi đã ghi của "
            f"{latest.unit.name} ({vn.format_date(latest.valid_from)}). "
            "Thay đổi tổ chức phải ghi theo thứ tự thời gian.",
            field="effective",
        )


def sync_versions(root: OrgUnit, effective: dt.date) -> None:
    """Bring the versions of `root`'s live subtree in line with the live tree from `effective`."""
    root.refresh_from_db()
    units = list(OrgUnit.objects.filter(path__startswith=root.path).order_by("path"))
    path_to_id = {u.path: u.pk for u in units}
    above = parent_path(root.path)
    if above:
        path_to_id[above] = OrgUnit.objects.only("pk").get(path=above).pk
    open_versions = {
        v.unit_id: v
        for v in OrgUnitVersion.objects.filter(unit__in=units, valid_to__isnull=True)
    }
    new_versions = []
    for unit in units:
        parent_id = path_to_id.get(parent_path(unit.path))
        current = open_versions.get(unit.pk)
        state = (unit.name, parent_id, unit.path, unit.depth)
        if current is not None:
            if (current.name, current.parent_id, current.path, current.depth) == state:
                continue
            if current.valid_from >= effective:
                # Several changes on one day: the last one is that day's shape.
                current.name, current.parent_id, current.path, current.depth = state
                current.save(update_fields=["name", "parent", "path", "depth"])
                continue
            current.valid_to = effective
            current.save(update_fields=["valid_to"])
        new_versions.append(
            OrgUnitVersion(
                unit=unit, name=unit.name, parent_id=parent_id, path=unit.path,
                depth=unit.depth, valid_from=effective if current else unit.valid_from,
            )
        )
    OrgUnitVersion.objects.bulk_create(new_versions)


def record_change(
    kind: str, effective: dt.date, units: Sequence[OrgUnit], summary: str, decision: str,
    decision_date: dt.date | None = None, sections: Sequence[Section] = (),
) -> OrgChange:
    change = OrgChange.objects.create(
        kind=kind, effective=effective, summary=summary[:500], decision=(decision or "").strip(),
        decision_date=decision_date,
        details={"sections": [s.as_dict() for s in sections if s.total or s.note]},
    )
    change.units.set(units)
    return change


#: The audit action of each kind of change.
AUDIT_ACTIONS = {
    OrgChangeKind.CREATE: "org.create", OrgChangeKind.RENAME: "org.rename",
    OrgChangeKind.MOVE: "org.move", OrgChangeKind.MERGE: "org.merge",
    OrgChangeKind.SPLIT: "org.split", OrgChangeKind.DISSOLVE: "org.dissolve",
}


def audit_change(by, change: OrgChange, unit: OrgUnit, before: dict, after: dict) -> None:
    """One audit record per change, holding everything it did."""
    audit_record(
        by=by, action=AUDIT_ACTIONS[change.kind], obj=unit, before=before,
        after={**after, "change": change.pk, "summary": change.summary,
               "effective": change.effective.isoformat(), "decision": change.decision,
               "details": change.details},
        unit_path=unit.path)


def refetch(unit: OrgUnit) -> OrgUnit:
    return OrgUnit.objects.get(pk=unit.pk)


def new_unit(parent: OrgUnit | None, *, code: str, name: str, kind: str, valid_from: dt.date,
              place_kind: str = "", is_mountainous: bool = False, by=None) -> OrgUnit:
    name = vn.normalize_spaces(name)
    if not name:
        raise DomainError("Tên đơn vị không được để trống.", field="name")
    if len(name) > 200:
        raise DomainError("Tên đơn vị dài quá 200 ký tự.", field="name")
    if kind not in UnitKind.values:
        raise DomainError(f"Loại tổ chức '{kind}' không có trong danh mục.", field="kind")
    code = check_code(code, by)
    fields = dict(
        code=code, name=name, kind=kind, place_kind=place_kind or "",
        is_mountainous=is_mountainous, valid_from=valid_from,
    )
    if parent is None:
        unit = OrgUnit.objects.add_root(fields)
    else:
        parent = refetch(parent)
        check_parent(parent, valid_from)
        unit = OrgUnit.objects.add_child(parent, fields)
    OrgUnitVersion.objects.create(
        unit=unit, name=unit.name, parent=parent, path=unit.path, depth=unit.depth,
        valid_from=valid_from,
    )
    return unit



def move_under(unit: OrgUnit, new_parent: OrgUnit) -> None:
    OrgUnit.objects.move(refetch(unit), refetch(new_parent), pos="last-child")


def moving_section(title: str, units: Sequence[OrgUnit], effective: dt.date) -> Section:
    """The units that move, each with the number of active units under it (one query)."""
    if not units:
        return Section(title, [])
    under = reduce(or_, (Q(path__startswith=u.path) for u in units))
    paths = list(OrgUnit.objects.active_on(effective).filter(under).values_list("path", flat=True))
    items = []
    for u in units:
        below = sum(p.startswith(u.path) for p in paths) - 1
        items.append(f"{u.name} ({u.code})" + (f", cùng {vn.format_number(below)} tổ chức trực "
                                               "thuộc" if below > 0 else ""))
    return Section(title, items)


def check_alive(units: Iterable[OrgUnit], effective: dt.date, field: str | None = None) -> None:
    for u in units:
        if not u.active_on(effective):
            raise DomainError(f"{u.name} không hoạt động vào {vn.format_date(effective)}.",
                              field=field)


