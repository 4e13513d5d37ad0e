"""Training classes across a change of the organisation tree: a class keeps its
organiser, which stands under the successor from the effective date, so it continues
there; the preview lists the classes not yet finished."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q

from dangvien.core import vn
from dangvien.org.hooks import Section

from .models import TrainingClass


def what_follows(roots, effective: dt.date) -> list[Section]:
    if not roots:
        return []
    under = Q()
    for root in roots:
        under |= Q(organiser__path__startswith=root.path)
    classes = (TrainingClass.objects.filter(under, ends_on__gte=effective)
               .select_related("organiser").order_by("starts_on", "pk"))
    items = [f"{c.name} ({c.organiser.name}, {vn.format_date(c.starts_on)}–"
             f"{vn.format_date(c.ends_on)})" for c in classes[:20]]
    return [Section("Lớp bồi dưỡng chưa kết thúc (tiếp tục ở đơn vị kế thừa)", items,
                    count=classes.count())]
