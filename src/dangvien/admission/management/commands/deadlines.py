"""`dangvien deadlines`: steps overdue and coming due on a date, as text or JSON."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from dangvien.admission.deadlines import (
    DUE_SOON_WORKING_DAYS,
    DeadlineItem,
    Kind,
    by_unit,
    deadline_counts,
    deadlines,
    horizon_for,
)
from dangvien.core import vn
from dangvien.core.cli import (
    add_as_of_argument,
    add_user_argument,
    as_of_option,
    unit_option,
    user_option,
)
from dangvien.core.errors import DomainError
from dangvien.org.models import OrgUnit


def _n(value: int) -> str:
    return vn.format_number(value)


def _split(overdue: int, due_soon: int) -> str:
    parts = []
    if overdue:
        parts.append(f"{_n(overdue)} quá hạn")
    if due_soon:
        parts.append(f"{_n(due_soon)} sắp đến hạn")
    return ", ".join(parts) or "không có"


def render_text(items: list[DeadlineItem], *, as_of: dt.date, unit: OrgUnit | None, user,
                horizon: int | str) -> str:
    """A digest to read: totals, then each unit one level down, then each kind."""
    counts = deadline_counts(items)
    span = horizon if isinstance(horizon, str) else f"{horizon} ngày"
    where = f"{unit.name} ({unit.code})" if unit is not None else "mọi đơn vị"
    who = f"phạm vi quản lý của người dùng {user.username}" if user is not None else "toàn bộ dữ liệu"
    lines = [
        "THỜI HẠN TRONG QUY TRÌNH KẾT NẠP ĐẢNG VIÊN",
        f"Tính đến ngày {vn.format_date(as_of)}; đơn vị: {where}; {who}.",
    ]
    if not items:
        lines.append("Không có việc nào quá hạn hoặc sắp đến hạn.")
        return "\n".join(lines) + "\n"
    lines.append(
        f"Tổng số {_n(counts['total'])} việc: {_n(counts['overdue'])} quá hạn, "
        f"{_n(counts['due_soon'])} sắp đến hạn (hạn trong {span} tới; giấy chứng nhận "
        "và lớp đảng viên mới: trong 90 ngày tới).")
    for kind in Kind:
        k = counts["by_kind"][kind.value]
        if k["overdue"] or k["due_soon"]:
            lines.append(f"  {kind.label}: {_split(k['overdue'], k['due_soon'])}")
    for group in by_unit(items, on=as_of, unit=unit, user=user):
        lines.append("")
        code = f" ({group.code})" if group.code else ""
        lines.append(f"{group.name}{code}: {_split(group.overdue, group.due_soon)}")
        for kind in group.kinds:
            overdue = sum(1 for i in kind.items if i.is_overdue)
            lines.append(f"  {kind.label}: {_split(overdue, kind.count - overdue)}")
            for item in kind.items:
                state = f"Quá hạn {item.late_text}" if item.is_overdue else "Sắp đến hạn"
                lines.append(
                    f"    - {state} | {item.person} | {item.cell} ({item.unit_code}) | "
                    f"hạn {vn.format_date(item.due_on)} | hồ sơ #{item.candidacy_id}")
                lines.append(f"      {item.message}")
                lines.append(f"      Căn cứ: {item.regulation}.")
    return "\n".join(lines) + "\n"


def render_json(items: list[DeadlineItem], *, as_of: dt.date, unit: OrgUnit | None) -> str:
    data = {
        "as_of": as_of.isoformat(),
        "unit": {"code": unit.code, "name": unit.name} if unit is not None else None,
        "counts": deadline_counts(items),
        "items": [item.as_dict() for item in items],
    }
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


class Command(BaseCommand):
    help = (
        "Thời hạn trong quy trình kết nạp đảng viên: việc quá hạn và sắp đến hạn (ra quyết "
        "định kết nạp, lễ kết nạp, công nhận chính thức, giấy chứng nhận nhận thức về Đảng, "
        "lớp bồi dưỡng đảng viên mới) tính đến một ngày, theo đơn vị và loại việc."
    )

    def add_arguments(self, parser):
        add_as_of_argument(parser)
        parser.add_argument(
            "--unit", metavar="MA",
            help="chỉ lấy đơn vị có mã này và các đơn vị trực thuộc (ví dụ KB)")
        add_user_argument(parser)
        parser.add_argument(
            "--format", choices=["text", "json"], default="text",
            help="text: bản tóm tắt để đọc (mặc định); json: dữ liệu cho chương trình khác")
        parser.add_argument(
            "--horizon", type=int, default=None, metavar="SO_NGAY",
            help="số ngày (lịch) tới được tính là sắp đến hạn (mặc định: 15 ngày làm việc, "
                 "như trang Thời hạn và bản đôn đốc)")
        parser.add_argument(
            "-o", "--output", metavar="TEP",
            help="ghi kết quả vào tệp này (UTF-8) thay vì in ra màn hình")

    def handle(self, *args, **options):
        as_of = as_of_option(options["as_of"])
        if options["horizon"] is not None and options["horizon"] < 0:
            raise CommandError("Số ngày sắp đến hạn (--horizon) không được âm.")
        label = f"{options['horizon']} ngày"
        if options["horizon"] is None:
            options["horizon"] = horizon_for(as_of)
            label = f"{DUE_SOON_WORKING_DAYS} ngày làm việc"
        user = user_option(options["user"])
        unit = unit_option(options["unit"], user)
        try:
            items = deadlines(user=user, as_of=as_of, unit=unit,
                              horizon_days=options["horizon"])
        except DomainError as exc:
            raise CommandError(exc.message) from exc
        if options["format"] == "json":
            out = render_json(items, as_of=as_of, unit=unit)
        else:
            out = render_text(items, as_of=as_of, unit=unit, user=user,
                              horizon=label)
        if options["output"]:
            target = Path(options["output"])
            try:
                target.write_text(out, encoding="utf-8")
            except OSError as exc:
                raise CommandError(f"Không ghi được tệp {target}: {exc.strerror}.") from exc
            self.stdout.write(f"Đã ghi {_n(len(items))} việc vào {target}.")
        else:
            self.stdout.write(out, ending="")

