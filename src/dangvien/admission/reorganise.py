"""Candidacies across a change of the organisation tree: they stay with their cell, so
they continue under the successor with their dates and deadlines; the preview counts them."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q

from dangvien.core import vn
from dangvien.org.hooks import Section

from .models import Candidacy, Stage

BEFORE_DECISION = [Stage.SOURCE, Stage.CLASS_DONE, Stage.DOSSIER_DONE, Stage.CELL_PROPOSED,
                   Stage.GRASSROOTS_PROPOSED, Stage.DECIDED]


def what_follows(roots, effective: dt.date) -> list[Section]:
    if not roots:
        return []
    under = Q()
    for root in roots:
        under |= Q(cell__path__startswith=root.path)
    open_ = Candidacy.objects.filter(under, closed_on__isnull=True)
    pipeline = open_.filter(stage__in=BEFORE_DECISION).count()
    probation = open_.filter(stage=Stage.ON_PROBATION).count()
    if not pipeline and not probation:
        return [Section("Hồ sơ kết nạp đang mở", [], count=0,
                        note="Không có hồ sơ kết nạp nào đang mở ở các đơn vị này.")]
    note = (f"{vn.format_number(pipeline)} quần chúng đang trong quy trình kết nạp và "
            f"{vn.format_number(probation)} đảng viên dự bị chờ công nhận chính thức tiếp tục "
            "ở chi bộ của mình, với các thời hạn như cũ; việc xét duyệt từ ngày hiệu lực do "
            "đơn vị kế thừa thực hiện.")
    return [Section("Hồ sơ kết nạp đang mở", [], count=pipeline + probation, note=note)]
