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

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from dangvien.accounts.models import ROLE_RANK, Role, RoleAssignment
from dangvien.accounts.scope import can
from dangvien.accounts.services import full_name
from dangvien.audit.services import audit_record, snapshot
from dangvien.core import vn
from dangvien.core.errors import DomainError

from .hooks import Section, on_closing, tree_changing, what_follows
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


def _require_parent_admin(by, unit: OrgUnit) -> None:
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


def _check_dates(effective: dt.date, decision_date: dt.date | None, today: dt.date | None) -> None:
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


def _audit_change(by, change: OrgChange, unit: OrgUnit, before: dict, after: dict) -> None:
    """One audit record per change, holding everything it did."""
    audit_record(
        by=by, action=AUDIT_ACTIONS[change.kind], obj=unit, before=before,
        after={**after, "change": change.pk, "summary": change.summary,
               "effective": change.effective.isoformat(), "decision": change.decision,
               "details": change.details},
        unit_path=unit.path)


def _refetch(unit: OrgUnit) -> OrgUnit:
    return OrgUnit.objects.get(pk=unit.pk)


def _new_unit(parent: OrgUnit | None, *, code: str, name: str, kind: str, valid_from: dt.date,
              place_kind: str = "", is_mountainous: bool = False, by=None) -> OrgUnit:
    name = vn.normalize_spaces(name)
    if not name:
        raise DomainError("Tên đơn vị không được để trống.", field="name")
    if len(name) > 200:
        raise DomainError("Tên đơn vị dài quá 200 ký tự.", field="name")
    if kind not in UnitKind.values:
        raise DomainError(f"Loại tổ chức '{kind}' không có trong danh mục.", field="kind")
    code = _check_code(code, by)
    fields = dict(
        code=code, name=name, kind=kind, place_kind=place_kind or "",
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
    return unit


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
    _require_role(by, parent)
    _check_dates(valid_from, decision_date, today)
    unit = _new_unit(parent, code=code, name=name, kind=kind, valid_from=valid_from,
                     place_kind=place_kind, is_mountainous=is_mountainous, by=by)
    change = _record_change(OrgChangeKind.CREATE, valid_from, [unit], f"Thành lập {unit.name}",
                            decision, decision_date)
    _audit_change(by, change, unit, {}, snapshot(unit))
    return unit


@transaction.atomic
def unit_rename(*, by, unit: OrgUnit, name: str, effective: dt.date, decision: str = "",
                decision_date: dt.date | None = None, today: dt.date | None = None) -> OrgUnit:
    """Đổi tên đơn vị từ ngày hiệu lực; tên cũ vẫn dùng cho các ngày trước đó."""
    unit = _refetch(unit)
    _require_parent_admin(by, unit)
    _check_dates(effective, decision_date, today)
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
    _check_not_before_history([unit], effective)
    before = snapshot(unit)
    old_name = unit.name
    unit.name = name
    unit.save(update_fields=["name", "updated_at"])
    _sync_versions(unit, effective)
    change = _record_change(OrgChangeKind.RENAME, effective, [unit],
                            f"Đổi tên {old_name} thành {name}", decision, decision_date)
    _audit_change(by, change, unit, before, snapshot(unit))
    return unit


def _move_under(unit: OrgUnit, new_parent: OrgUnit) -> None:
    OrgUnit.objects.move(_refetch(unit), _refetch(new_parent), pos="last-child")


def _subtree_count(unit: OrgUnit, effective: dt.date) -> int:
    return OrgUnit.objects.filter(path__startswith=unit.path).active_on(effective).count()


def _moving_section(title: str, units: Sequence[OrgUnit], effective: dt.date) -> Section:
    items = []
    for u in units:
        below = _subtree_count(u, effective) - 1
        items.append(f"{u.name} ({u.code})" + (f", cùng {vn.format_number(below)} tổ chức trực "
                                               "thuộc" if below else ""))
    return Section(title, items)


@transaction.atomic
def unit_move(
    *, by, unit: OrgUnit, new_parent: OrgUnit, effective: dt.date, decision: str = "",
    decision_date: dt.date | None = None, today: dt.date | None = None,
) -> OrgUnit:
    """Điều chuyển đơn vị (cùng toàn bộ cấp dưới) sang trực thuộc đơn vị khác."""
    unit, new_parent = _refetch(unit), _refetch(new_parent)
    _require_parent_admin(by, unit)
    _require_role(by, new_parent)
    _check_dates(effective, decision_date, today)
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
    _check_parent(new_parent, effective)
    subtree = OrgUnit.objects.filter(path__startswith=unit.path)
    _check_not_before_history([*subtree, new_parent], effective)
    before = snapshot(unit)
    old_parent = OrgUnit.objects.get_parent(unit)
    sections = [_moving_section(f"Chuyển sang trực thuộc {new_parent.name}", [unit], effective),
                *what_follows([unit], effective)]
    with tree_changing([unit]):
        _move_under(unit, new_parent)
        unit = _refetch(unit)
        _sync_versions(unit, effective)
    change = _record_change(
        OrgChangeKind.MOVE, effective, [unit, new_parent],
        f"Chuyển {unit.name} từ {old_parent.name if old_parent else '—'} sang {new_parent.name}",
        decision, decision_date, sections,
    )
    _audit_change(by, change, unit, before, snapshot(unit))
    return unit


#: Kinds that may merge with each other (sáp nhập cùng cấp).
MERGE_GROUPS = (
    frozenset({UnitKind.DISTRICT, UnitKind.BLOC, UnitKind.DIRECT}),
    frozenset({UnitKind.GRASSROOTS_COMMITTEE}),
    frozenset(CELL_KINDS),
)


def _merge_group(kind: str) -> frozenset | None:
    return next((g for g in MERGE_GROUPS if kind in g), None)


def _members_on(unit: OrgUnit, effective: dt.date) -> int:
    from dangvien.people.models import Membership

    return Membership.objects.active_on(effective).filter(cell=unit).count()


def _close_roles(closings: Sequence[tuple[OrgUnit, OrgUnit]], roles: str) -> Section:
    """End (`roles="end"`) or move (`"move"`) the role assignments on closed units."""
    if roles not in ("end", "move"):
        raise DomainError("Hãy chọn thôi hay chuyển quyền của cán bộ đơn vị thôi hoạt động.",
                          field="roles")
    items = []
    for closed, successor in closings:
        for ra in (RoleAssignment.objects.filter(unit=closed).select_related("user")
                   .order_by("user__username")):
            who = full_name(ra.user) or ra.user.username  # "Quách Thị Hoa"
            label = f"{who} ({ra.user.username}), {ra.get_role_display()} tại {closed.name}"
            held = RoleAssignment.objects.filter(user=ra.user, unit=successor).first()
            if roles == "move" and successor is not None:
                if held is None:
                    ra.unit = successor
                    ra.save(update_fields=["unit", "updated_at"])
                elif ROLE_RANK[Role(ra.role)] > ROLE_RANK[Role(held.role)]:
                    held.role = ra.role
                    held.save(update_fields=["role", "updated_at"])
                    ra.delete()
                else:
                    ra.delete()
                items.append(f"{label}: chuyển sang {successor.name}")
            else:
                ra.delete()
                items.append(f"{label}: thôi")
    title = ("Phân quyền chuyển sang đơn vị kế thừa" if roles == "move"
             else "Phân quyền chấm dứt")
    return Section(title, items)


def _check_alive(units: Iterable[OrgUnit], effective: dt.date, field: str | None = None) -> None:
    for u in units:
        if not u.active_on(effective):
            raise DomainError(f"{u.name} không hoạt động vào {vn.format_date(effective)}.",
                              field=field)


def _close_into(sources: Sequence[OrgUnit], into: OrgUnit, effective: dt.date) -> None:
    """Move the sources' subordinates under `into`, then close the sources under it."""
    with tree_changing(sources):
        for src in sources:
            for child in OrgUnit.objects.get_children(_refetch(src)):
                _move_under(child, into)
            _move_under(src, into)
            moved = _refetch(src)
            moved.valid_to = effective
            moved.successor = _refetch(into)
            moved.save(update_fields=["valid_to", "successor", "updated_at"])
        _sync_versions(_refetch(into), effective)


def _change_note(summary: str, decision: str, effective: dt.date) -> str:
    what = f"{summary}, từ {vn.format_date(effective)}"
    return f"{what} (Quyết định số {decision})" if decision else what


@transaction.atomic
def unit_merge(
    *, by, units: Sequence[OrgUnit], into: OrgUnit, effective: dt.date, decision: str = "",
    decision_date: dt.date | None = None, roles: str = "end", today: dt.date | None = None,
    created: bool = False,
) -> OrgUnit:
    """Sáp nhập `units` vào `into`: cấp dưới của chúng chuyển sang `into`, còn chúng
    thôi hoạt động từ ngày hiệu lực và được tính vào `into` cho các ngày sau đó.

    Only units of one level merge (`MERGE_GROUPS`). `created` says `into` was founded by
    `unit_merge_new` in this transaction (it is then not refused as too recent)."""
    into = _refetch(into)
    sources = [_refetch(u) for u in units]
    if not sources:
        raise DomainError("Hãy chọn ít nhất một đơn vị để sáp nhập.", field="units")
    if len({s.pk for s in sources}) != len(sources):
        raise DomainError("Một đơn vị được chọn hai lần.", field="units")
    _check_dates(effective, decision_date, today)
    _require_role(by, into)
    group = _merge_group(into.kind)
    for src in sources:
        _require_parent_admin(by, src)
        if src.pk == into.pk or into.path.startswith(src.path):
            raise DomainError(
                f"Không thể sáp nhập {src.name} vào {into.name} vì {into.name} là chính nó "
                "hoặc trực thuộc nó.", field="into")
        if group is None or src.kind not in group:
            raise DomainError(
                f"Không thể sáp nhập {src.name} ({src.get_kind_display()}) vào {into.name} "
                f"({into.get_kind_display()}): chỉ sáp nhập các tổ chức cùng cấp. Để đưa một "
                "tổ chức về trực thuộc tổ chức khác, hãy dùng Điều chuyển hoặc Giải thể.",
                field="into")
    _check_alive(sources, effective)
    _check_alive([into], effective, "into")
    if into.kind in CELL_KINDS and any(s.numchild for s in sources):
        raise DomainError(
            f"{into.name} là chi bộ nên chỉ nhận sáp nhập các chi bộ không có tổ chức trực thuộc.")
    affected = [u for src in sources for u in OrgUnit.objects.filter(path__startswith=src.path)]
    _check_not_before_history(affected if created else [into, *affected], effective)
    names = ", ".join(s.name for s in sources)
    summary = f"Sáp nhập {names} vào {into.name}"
    befores = {s.code: snapshot(s) for s in sources}
    moving = [c for s in sources for c in OrgUnit.objects.get_children(s).active_on(effective)]
    sections = [_moving_section(f"Tổ chức chuyển sang trực thuộc {into.name}", moving, effective),
                *what_follows(sources, effective)]
    closings = [(s, into) for s in sources]
    sections.append(_close_roles(closings, roles))
    _close_into(sources, into, effective)
    sections += on_closing(closings, effective, _change_note(summary, decision, effective), by)
    change = _record_change(OrgChangeKind.MERGE, effective, [*sources, into], summary,
                            decision, decision_date, sections)
    _audit_change(by, change, _refetch(into), {"units": befores},
                  {"units": {s.code: snapshot(_refetch(s)) for s in sources}})
    return _refetch(into)


@transaction.atomic
def unit_merge_new(
    *, by, units: Sequence[OrgUnit], parent: OrgUnit, code: str, name: str, kind: str,
    effective: dt.date, place_kind: str = "", decision: str = "",
    decision_date: dt.date | None = None, roles: str = "end", today: dt.date | None = None,
) -> OrgUnit:
    """Hợp nhất: thành lập đơn vị mới dưới `parent` và sáp nhập `units` vào đó (một thay đổi)."""
    _require_role(by, parent)
    _check_dates(effective, decision_date, today)
    sources = [_refetch(u) for u in units]
    new = _new_unit(parent, code=code, name=name, kind=kind, valid_from=effective,
                    place_kind=place_kind, by=by,
                    is_mountainous=any(s.is_mountainous for s in sources))
    return unit_merge(by=by, units=sources, into=new, effective=effective, decision=decision,
                      decision_date=decision_date, roles=roles, today=today, created=True)


@transaction.atomic
def unit_dissolve(
    *, by, unit: OrgUnit, successor: OrgUnit, effective: dt.date, decision: str = "",
    decision_date: dt.date | None = None, roles: str = "end", today: dt.date | None = None,
) -> OrgUnit:
    """Giải thể `unit` từ ngày hiệu lực: các tổ chức trực thuộc (hoặc đảng viên, nếu là chi
    bộ) chuyển sang đơn vị kế thừa `successor`; chỉ tiêu năm đang chạy chuyển theo; phân
    quyền trên đơn vị chấm dứt hoặc chuyển sang đơn vị kế thừa. Returns the successor."""
    unit, successor = _refetch(unit), _refetch(successor)
    _require_parent_admin(by, unit)
    _require_role(by, successor)
    _check_dates(effective, decision_date, today)
    if OrgUnit.objects.get_parent(unit) is None:
        raise DomainError(f"{unit.name} là tổ chức cấp cao nhất, không giải thể được ở đây.")
    if successor.pk == unit.pk or successor.path.startswith(unit.path):
        raise DomainError(
            f"Đơn vị kế thừa {successor.name} là chính {unit.name} hoặc trực thuộc nó. Hãy chọn "
            "một đơn vị khác.", field="successor")
    _check_alive([unit], effective)
    _check_alive([successor], effective, "successor")
    children = list(OrgUnit.objects.get_children(unit).active_on(effective))
    if children and successor.kind in CELL_KINDS:
        raise DomainError(
            f"{successor.name} là chi bộ, không nhận được các tổ chức trực thuộc của {unit.name}. "
            "Hãy chọn một đảng bộ kế thừa.", field="successor")
    if unit.kind in CELL_KINDS and successor.kind not in CELL_KINDS and _members_on(unit, effective):
        raise DomainError(
            f"{unit.name} còn đảng viên sinh hoạt: đơn vị kế thừa phải là một chi bộ để nhận "
            "các đảng viên này.", field="successor")
    affected = list(OrgUnit.objects.filter(path__startswith=unit.path))
    _check_not_before_history([successor, *affected], effective)
    summary = f"Giải thể {unit.name}, đơn vị kế thừa {successor.name}"
    before = snapshot(unit)
    sections = [_moving_section(f"Tổ chức chuyển sang trực thuộc {successor.name}", children,
                                effective),
                *what_follows([unit], effective)]
    closings = [(unit, successor)]
    sections.append(_close_roles(closings, roles))
    _close_into([unit], successor, effective)
    sections += on_closing(closings, effective, _change_note(summary, decision, effective), by)
    change = _record_change(OrgChangeKind.DISSOLVE, effective, [unit, successor], summary,
                            decision, decision_date, sections)
    _audit_change(by, change, _refetch(unit), before, snapshot(_refetch(unit)))
    return _refetch(successor)


@dataclass
class SplitPart:
    """Một đơn vị mới sinh ra khi chia tách, các đơn vị trực thuộc và đảng viên chuyển sang nó."""

    code: str
    name: str
    kind: str | None = None
    place_kind: str | None = None
    children: list[str] = field(default_factory=list)
    #: Memberships (ids) of a split cell that go to this part.
    members: list[int] = field(default_factory=list)


@transaction.atomic
def unit_split(
    *, by, unit: OrgUnit, parts: Sequence[SplitPart], effective: dt.date, decision: str = "",
    decision_date: dt.date | None = None, roles: str = "end", today: dt.date | None = None,
) -> list[OrgUnit]:
    """Chia tách `unit` thành các đơn vị mới cùng cấp. Mỗi đơn vị trực thuộc và mỗi đảng
    viên sinh hoạt ở `unit` (khi là chi bộ) phải được giao cho một phần."""
    unit = _refetch(unit)
    _require_parent_admin(by, unit)
    _check_dates(effective, decision_date, today)
    parent = OrgUnit.objects.get_parent(unit)
    if parent is None:
        raise DomainError(f"{unit.name} là tổ chức cấp cao nhất, không chia tách được ở đây.")
    if len(parts) < 2:
        raise DomainError("Chia tách phải tạo ra ít nhất hai đơn vị mới.", field="parts")
    _check_alive([unit], effective)
    codes = [p.code.strip().upper() for p in parts]
    if len(set(codes)) != len(codes):
        raise DomainError("Hai đơn vị mới có cùng mã.", field="parts")
    children = {c.code: c for c in OrgUnit.objects.get_children(unit).active_on(effective)}
    assigned: dict[str, str] = {}
    for part in parts:
        for code in part.children:
            if code not in children:
                raise DomainError(f"Đơn vị '{code}' không trực thuộc {unit.name}.", field="parts")
            if code in assigned:
                raise DomainError(f"Đơn vị '{code}' được giao cho hai đơn vị mới.", field="parts")
            assigned[code] = part.code
    missing = sorted(set(children) - set(assigned))
    if missing:
        raise DomainError(
            "Chưa giao các đơn vị trực thuộc sau cho đơn vị mới nào: " + ", ".join(missing) + ".",
            field="parts")
    members = _split_members(unit, parts, effective)
    _check_not_before_history(OrgUnit.objects.filter(path__startswith=unit.path), effective)
    before = snapshot(unit)
    sections = [*what_follows([unit], effective)]
    with tree_changing([unit]):
        created = [
            _new_unit(parent, code=p.code, name=p.name, kind=p.kind or unit.kind,
                      place_kind=p.place_kind if p.place_kind is not None else unit.place_kind,
                      is_mountainous=unit.is_mountainous, valid_from=effective, by=by)
            for p in parts
        ]
        by_code = {p.code: u for p, u in zip(parts, created, strict=True)}
        for code, part_code in assigned.items():
            _move_under(children[code], by_code[part_code])
        closings = [(unit, created[0])]
        sections.append(_close_roles(closings, roles))
        _move_under(unit, created[0])
        closed = _refetch(unit)
        closed.valid_to = effective
        closed.successor = created[0]
        closed.save(update_fields=["valid_to", "successor", "updated_at"])
        for new in created:
            _sync_versions(new, effective)
    if members:
        from dangvien.people.reorganise import move_members_on

        moved = move_members_on(members, effective)
        sections.insert(0, Section("Đảng viên chuyển sang chi bộ mới", moved[:50],
                                   count=len(moved)))
    for p, new in zip(parts, created, strict=True):
        sections.insert(0, Section(f"{new.name} ({new.code}) nhận",
                                   [f"{children[c].name} ({c})" for c in p.children]))
    summary = f"Chia tách {unit.name} thành " + ", ".join(u.name for u in created)
    sections += on_closing(closings, effective, _change_note(summary, decision, effective), by)
    change = _record_change(OrgChangeKind.SPLIT, effective, [_refetch(unit), *created], summary,
                            decision, decision_date, sections)
    _audit_change(by, change, _refetch(unit), before,
                  {**snapshot(_refetch(unit)), "parts": [snapshot(_refetch(u)) for u in created]})
    return [_refetch(u) for u in created]


def _split_members(unit: OrgUnit, parts: Sequence[SplitPart],
                   effective: dt.date) -> list[tuple[int, str]]:
    """(membership id, new cell code) for every member of a split cell on `effective`;
    refuses a split that leaves one unassigned or assigns one twice."""
    if unit.kind not in CELL_KINDS:
        if any(p.members for p in parts):
            raise DomainError(f"{unit.name} không phải chi bộ: đảng viên sinh hoạt ở các chi bộ "
                              "trực thuộc và đi theo chi bộ của mình.", field="parts")
        return []
    from dangvien.people.models import Membership

    on_rolls = dict(Membership.objects.active_on(effective).filter(cell=unit)
                    .values_list("pk", "person__full_name"))
    given: dict[int, str] = {}
    for part in parts:
        for pk in part.members:
            if pk not in on_rolls:
                raise DomainError("Một đảng viên được giao không sinh hoạt ở "
                                  f"{unit.name} vào {vn.format_date(effective)}.", field="parts")
            if pk in given:
                raise DomainError(f"Đảng viên {on_rolls[pk]} được giao cho hai chi bộ mới.",
                                  field="parts")
            given[pk] = part.code
    missing = [name for pk, name in on_rolls.items() if pk not in given]
    if missing:
        shown = ", ".join(sorted(missing)[:10]) + (f" và {len(missing) - 10} người khác"
                                                   if len(missing) > 10 else "")
        raise DomainError(f"Chưa giao {len(missing)} đảng viên cho chi bộ mới nào: {shown}.",
                          field="parts")
    return list(given.items())


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
