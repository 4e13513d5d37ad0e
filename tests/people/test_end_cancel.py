"""A status event recorded by mistake ("Từ trần", "Xóa tên"…) is cancelled with a reason:
the member is counted again, the event stays in the history marked cancelled, the audit
keeps who, when and why. Nothing is deleted."""

from __future__ import annotations

import datetime as dt

import pytest

from dangvien.audit.models import AuditEvent
from dangvien.core.errors import DomainError
from dangvien.org.selectors import members_on
from dangvien.people.choices import MemberStatus
from dangvien.people.models import MembershipEvent
from dangvien.people.services import membership_end, membership_end_cancel

DAY = dt.date(2022, 4, 2)


def _counted(cell) -> int:
    return members_on(dt.date(2022, 5, 31)).filter(cell=cell).count()


@pytest.fixture
def dead_by_mistake(province, personas, make_member):
    person = make_member(province.kb_cell, "Bùi Văn Sống", recognized=dt.date(2016, 3, 2))
    m = person.memberships.get()
    membership_end(by=personas.secretary, membership=m, status=MemberStatus.DECEASED,
                   ended_on=DAY, today=dt.date(2022, 5, 31))
    return person


def test_a_death_recorded_by_mistake_is_cancelled_and_the_member_counts_again(
        client, province, personas, dead_by_mistake):
    person = dead_by_mistake
    before = _counted(province.kb_cell)
    client.force_login(personas.secretary)
    page = client.get(f"/dang-vien/{person.pk}/").content.decode()
    assert "Hủy biến động ghi nhầm" in page
    short = client.post(f"/dang-vien/{person.pk}/bien-dong/huy/", {"reason": "nhầm"})
    assert short.status_code == 400 and "ít nhất 10 ký tự" in short.content.decode()
    done = client.post(f"/dang-vien/{person.pk}/bien-dong/huy/",
                       {"reason": "Ghi nhầm người: đồng chí vẫn sinh hoạt bình thường"})
    assert done.status_code == 302
    m = person.memberships.get()
    assert (m.status, m.ended_on) == (MemberStatus.OFFICIAL, None)
    assert _counted(province.kb_cell) == before + 1
    event = MembershipEvent.objects.get(membership=m, kind="tu_tran")  # kept, marked
    assert event.cancelled_at is not None and event.cancelled_by == personas.secretary
    html = client.get(f"/dang-vien/{person.pk}/").content.decode()
    assert "<del><b>02/04/2022</b> — Từ trần</del> <b>(đã hủy ngày" in html
    assert "Ghi nhầm người: đồng chí vẫn sinh hoạt bình thường" in html
    audit = AuditEvent.objects.filter(action="membership.end.cancel").get()
    assert audit.actor == personas.secretary
    assert audit.before["status"] == MemberStatus.DECEASED and audit.after["ended_on"] is None
    # A later ending is judged as if the cancelled one had never been recorded.
    membership_end(by=personas.secretary, membership=m, status=MemberStatus.REMOVED,
                   ended_on=dt.date(2022, 3, 1), today=dt.date(2022, 5, 31))


def test_only_an_editor_of_the_cell_or_above_may_cancel(client, province, personas,
                                                        dead_by_mistake):
    person = dead_by_mistake
    client.force_login(personas.lacson)
    assert client.post(f"/dang-vien/{person.pk}/bien-dong/huy/",
                       {"reason": "Ghi nhầm người, xin hủy"}).status_code == 404
    client.force_login(personas.kimboi)  # the district above the cell
    assert client.post(f"/dang-vien/{person.pk}/bien-dong/huy/",
                       {"reason": "Ghi nhầm người, xin hủy"}).status_code == 302
    with pytest.raises(DomainError, match="không có biến động thôi sinh hoạt"):
        membership_end_cancel(by=personas.kimboi, membership=person.memberships.get(),
                              reason="Hủy lần thứ hai cho chắc")
