"""Writes to the organisation tree. Every change has an effective date and keeps history.

The live tree (`OrgUnit`, treebeard) always shows today's shape; after each change
`_sync_versions` closes the old `OrgUnitVersion` rows of the units that moved or were
renamed on the effective date and opens new ones, so earlier dates keep their shape.

A merged or split unit is not deleted: it is closed (valid_to = effective date) and
placed under its successor, so its members and events count there for later dates
while dates before the change still see it under its old parent.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.db import transaction

from dangvien.accounts.models import Role
from dangvien.accounts.scope import can
from dangvien.audit.services import audit_record, snapshot
from dangvien.core import vn
from dangvien.core.errors import DomainError

from .hooks import tree_changing
from .models import CELL_KINDS, OrgChange, OrgChangeKind, OrgUnit, OrgUnitVersion, UnitKind
from .selectors import unit_by_code

CODE_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,31}$")
STEP = OrgUnit.steplen


def _parent_path(path: str) -> str:
    return path[:-STEP]


def _require_role(by, unit: OrgUnit | None, role: str = Role.ADMIN) -> None:
    if by is None:  # system jobs (demo, migrations of data) run with full rights
        return
    if unit is None:
        if not getattr(by, "is_superuser", False):
            raise DomainError("Chỉ quản trị viên hệ thống mới được tạo tổ chức cấp cao nhất.")
        return
    if not can(by, unit, role):
        raise DomainError(f"Bạn không có quyền thay đổi tổ chức của {unit.name}.")


def _check_code(code: str, by) -> str:
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


def _check_parent(parent: OrgUnit, effective: dt.date) -> None:
    if parent.kind in CELL_KINDS:
        raise DomainError(
            f"{parent.name} là chi bộ, không thể có tổ chức trực thuộc. Hãy chọn đảng bộ cấp trên.",
            field="parent",
        )
    if not parent.active_on(effective):
        raise DomainError(
            f"{parent.name} không còn hoạt động vào {vn.format_date(effective)}.", field="parent"
        )


def _check_not_before_history(units: Iterable[OrgUnit], effective: dt.date) -> None:
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


def _sync_versions(root: OrgUnit, effective: dt.date) -> None:
    """Bring the versions of `root`'s live subtree in line with the live tree from `effective`."""
    root.refresh_from_db()
    units = list(OrgUnit.objects.filter(path__startswith=root.path).order_by("path"))
    path_to_id = {u.path: u.pk for u in units}
    parent_path = _parent_path(root.path)
    if parent_path:
        path_to_id[parent_path] = OrgUnit.objects.only("pk").get(path=parent_path).pk
    open_versions = {
        v.unit_id: v
        for v in OrgUnitVersion.objects.filter(unit__in=units, valid_to__isnull=True)
    }
    new_versions = []
    for unit in units:
        parent_id = path_to_id.get(_parent_path(unit.path))
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


def _record_change(
    kind: str, effective: dt.date, units: Sequence[OrgUnit], summary: str, decision: str
) -> OrgChange:
    change = OrgChange.objects.create(
        kind=kind, effective=effective, summary=summary, decision=decision
    )
    change.units.set(units)
    return change


def _refetch(unit: OrgUnit) -> OrgUnit:
    return OrgUnit.objects.get(pk=unit.pk)


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
) -> OrgUnit:
    """Thành lập tổ chức đảng mới dưới `parent` (hoặc gốc cây khi parent là None)."""
    _require_role(by, parent)
    name = vn.normalize_spaces(name)
    if not name:
        raise DomainError("Tên đơn vị không được để trống.", field="name")
    if kind not in UnitKind.values:
        raise DomainError(f"Loại tổ chức '{kind}' không có trong danh mục.", field="kind")
    code = _check_code(code, by)
    fields = dict(
        code=code, name=name, kind=kind, place_kind=place_kind,
        is_mountainous=is_mountainous, valid_from=valid_from,
    )
    if parent is None:
        unit = OrgUnit.objects.add_root(fields)
    else:
        parent = _refetch(parent)
        _check_parent(parent, valid_from)
        unit = OrgUnit.objects.add_child(parent, fields)
    OrgUnitVersion.objects.create(
        unit=unit, name=unit.name, parent=parent, path=unit.path, depth=unit.depth,
        valid_from=valid_from,
    )
    _record_change(OrgChangeKind.CREATE, valid_from, [unit], f"Thành lập {name}", decision)
    audit_record(by=by, action="org.create", obj=unit, after=snapshot(unit), unit_path=unit.path)
    return unit


@transaction.atomic
def unit_rename(*, by, unit: OrgUnit, name: str, effective: dt.date, decision: str = "") -> OrgUnit:
    """Đổi tên đơn vị từ ngày hiệu lực; tên cũ vẫn dùng cho các ngày trước đó."""
    unit = _refetch(unit)
    _require_role(by, unit)
    name = vn.normalize_spaces(name)
    if not name:
        raise DomainError("Tên mới không được để trống.", field="name")
    _check_not_before_history([unit], effective)
    before = snapshot(unit)
    old_name = unit.name
    unit.name = name
    unit.save(update_fields=["name", "updated_at"])
    _sync_versions(unit, effective)
    _record_change(
        OrgChangeKind.RENAME, effective, [unit], f"Đổi tên {old_name} thành {name}", decision
    )
    audit_record(by=by, action="org.rename", obj=unit, before=before, after=snapshot(unit),
                 unit_path=unit.path)
    return unit


def _move_under(unit: OrgUnit, new_parent: OrgUnit) -> None:
    OrgUnit.objects.move(_refetch(unit), _refetch(new_parent), pos="last-child")


@transaction.atomic
def unit_move(
    *, by, unit: OrgUnit, new_parent: OrgUnit, effective: dt.date, decision: str = ""
) -> OrgUnit:
    """Điều chuyển đơn vị (cùng toàn bộ cấp dưới) sang trực thuộc đơn vị khác."""
    unit, new_parent = _refetch(unit), _refetch(new_parent)
    _require_role(by, unit)
    _require_role(by, new_parent)
    if new_parent.pk == unit.pk or new_parent.path.startswith(unit.path):
        raise DomainError(
            f"Không thể chuyển {unit.name} vào {new_parent.name} vì {new_parent.name} "
            f"đang là chính nó hoặc trực thuộc nó. Hãy chọn một đơn vị cấp trên khác.",
            field="parent",
        )
    if unit.path[:-STEP] == new_parent.path:
        raise DomainError(f"{unit.name} đã trực thuộc {new_parent.name}.", field="parent")
    if not unit.active_on(effective):
        raise DomainError(f"{unit.name} không còn hoạt động vào {vn.format_date(effective)}.")
    _check_parent(new_parent, effective)
    subtree = OrgUnit.objects.filter(path__startswith=unit.path)
    _check_not_before_history(subtree, effective)
    before = snapshot(unit)
    old_parent = OrgUnit.objects.get_parent(unit)
    with tree_changing([unit]):
        _move_under(unit, new_parent)
        unit = _refetch(unit)
        _sync_versions(unit, effective)
    _record_change(
        OrgChangeKind.MOVE, effective, [unit, new_parent],
        f"Chuyển {unit.name} từ {old_parent.name if old_parent else '—'} sang {new_parent.name}",
        decision,
    )
    audit_record(by=by, action="org.move", obj=unit, before=before, after=snapshot(unit),
                 unit_path=unit.path)
    return unit


@transaction.atomic
def unit_merge(
    *, by, units: Sequence[OrgUnit], into: OrgUnit, effective: dt.date, decision: str = ""
) -> OrgUnit:
    """Sáp nhập `units` vào `into`: cấp dưới của chúng chuyển sang `into`, còn chúng
    thôi hoạt động từ ngày hiệu lực và được tính vào `into` cho các ngày sau đó."""
    into = _refetch(into)
    sources = [_refetch(u) for u in units]
    if not sources:
        raise DomainError("Hãy chọn ít nhất một đơn vị để sáp nhập.")
    _require_role(by, into)
    for src in sources:
        _require_role(by, src)
        if src.pk == into.pk or into.path.startswith(src.path):
            raise DomainError(
                f"Không thể sáp nhập {src.name} vào {into.name} vì {into.name} là chính nó "
                "hoặc trực thuộc nó.",
                field="into",
            )
        if not src.active_on(effective):
            raise DomainError(f"{src.name} không còn hoạt động vào {vn.format_date(effective)}.")
    if not into.active_on(effective):
        raise DomainError(f"{into.name} không còn hoạt động vào {vn.format_date(effective)}.")
    if into.kind in CELL_KINDS and any(s.numchild for s in sources):
        raise DomainError(
            f"{into.name} là chi bộ nên chỉ nhận sáp nhập các chi bộ không có tổ chức trực thuộc."
        )
    affected = OrgUnit.objects.none()
    for src in sources:
        affected = affected | OrgUnit.objects.filter(path__startswith=src.path)
    _check_not_before_history([into, *affected], effective)
    befores = {src.pk: snapshot(src) for src in sources}
    with tree_changing(sources):
        for src in sources:
            for child in OrgUnit.objects.get_children(_refetch(src)):
                _move_under(child, into)
            _move_under(src, into)
            moved = _refetch(src)
            moved.valid_to = effective
            moved.successor = into
            moved.save(update_fields=["valid_to", "successor", "updated_at"])
        _sync_versions(into, effective)
    names = ", ".join(s.name for s in sources)
    _record_change(
        OrgChangeKind.MERGE, effective, [*sources, into], f"Sáp nhập {names} vào {into.name}",
        decision,
    )
    for src in sources:
        src = _refetch(src)
        audit_record(by=by, action="org.merge", obj=src, before=befores[src.pk],
                     after=snapshot(src), unit_path=src.path)
    return _refetch(into)


@dataclass
class SplitPart:
    """Một đơn vị mới sinh ra khi chia tách, và các đơn vị trực thuộc chuyển sang nó."""

    code: str
    name: str
    kind: str | None = None
    place_kind: str | None = None
    children: list[str] = field(default_factory=list)


@transaction.atomic
def unit_split(
    *, by, unit: OrgUnit, parts: Sequence[SplitPart], effective: dt.date, decision: str = ""
) -> list[OrgUnit]:
    """Chia tách `unit` thành các đơn vị mới cùng cấp. Mỗi đơn vị trực thuộc phải được
    giao cho một phần; đảng viên sinh hoạt trực tiếp ở `unit` đi theo phần thứ nhất."""
    unit = _refetch(unit)
    _require_role(by, unit)
    parent = OrgUnit.objects.get_parent(unit)
    if len(parts) < 2:
        raise DomainError("Chia tách phải tạo ra ít nhất hai đơn vị mới.")
    if not unit.active_on(effective):
        raise DomainError(f"{unit.name} không còn hoạt động vào {vn.format_date(effective)}.")
    children = {c.code: c for c in OrgUnit.objects.get_children(unit) if c.valid_to is None}
    assigned: dict[str, str] = {}
    for part in parts:
        for code in part.children:
            if code not in children:
                raise DomainError(f"Đơn vị '{code}' không trực thuộc {unit.name}.")
            if code in assigned:
                raise DomainError(f"Đơn vị '{code}' được giao cho hai đơn vị mới.")
            assigned[code] = part.code
    missing = sorted(set(children) - set(assigned))
    if missing:
        raise DomainError(
            "Chưa giao các đơn vị trực thuộc sau cho đơn vị mới nào: " + ", ".join(missing) + "."
        )
    _check_not_before_history(OrgUnit.objects.filter(path__startswith=unit.path), effective)
    before = snapshot(unit)
    with tree_changing([unit]):
        created = _split(by, unit, parent, parts, assigned, children, effective, decision)
    unit = _refetch(unit)
    _record_change(
        OrgChangeKind.SPLIT, effective, [unit, *created],
        f"Chia tách {unit.name} thành " + ", ".join(u.name for u in created), decision,
    )
    audit_record(by=by, action="org.split", obj=unit, before=before, after=snapshot(unit),
                 unit_path=unit.path)
    return [_refetch(u) for u in created]


def _split(by, unit, parent, parts, assigned, children, effective, decision) -> list[OrgUnit]:
    created = [
        unit_create(
            by=by, parent=parent, code=p.code, name=p.name, kind=p.kind or unit.kind,
            place_kind=p.place_kind if p.place_kind is not None else unit.place_kind,
            is_mountainous=unit.is_mountainous, valid_from=effective, decision=decision,
        )
        for p in parts
    ]
    by_code = {u.code: u for u in created}
    for code, part_code in assigned.items():
        _move_under(children[code], by_code[part_code])
    _move_under(unit, created[0])
    unit = _refetch(unit)
    unit.valid_to = effective
    unit.successor = created[0]
    unit.save(update_fields=["valid_to", "successor", "updated_at"])
    for new in created:
        _sync_versions(new, effective)
    return created


@transaction.atomic
def unit_update_details(
    *, by, unit: OrgUnit, place_kind: str | None = None, is_mountainous: bool | None = None,
    village_count: int | None = None,
) -> OrgUnit:
    """Sửa loại hình, vùng cao/miền núi, số thôn, bản của đơn vị (không đổi lịch sử cây).

    None leaves a field as it is. Used by the Excel import of units.
    """
    from .models import PlaceKind

    unit = _refetch(unit)
    _require_role(by, unit)
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
