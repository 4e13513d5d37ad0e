"""Member status changes as dated events: counts as of any date follow them; history stays."""

import datetime as dt

import pytest
from django.db import connection

from dangvien.audit.models import AuditEvent
from dangvien.core.errors import DomainError
from dangvien.org.selectors import branch_on
from dangvien.people.choices import MemberStatus
from dangvien.people.events import backfill
from dangvien.people.models import EventKind, Membership, MembershipEvent
from dangvien.people.services import (
    membership_create,
    membership_end,
    membership_recognise,
    person_create,
)

REMOVED_ON = dt.date(2022, 3, 15)


def total(unit, on, user=None):
    return branch_on(unit, on, user).counts.total


def kinds(person):
    return [(e.kind, e.on) for e in MembershipEvent.objects.filter(person=person).order_by("on", "id")]


@pytest.mark.django_db
def test_counts_before_a_removal_include_the_member_and_after_exclude(province, personas, make_member):
    an = make_member(province.kb_cell, "Bùi Văn An")
    make_member(province.kb_cell, "Bùi Thị Bình")
    membership_end(by=personas.kimboi, membership=an.memberships.get(), status=MemberStatus.REMOVED,
                   ended_on=REMOVED_ON, decision_no="12-QĐ/ĐU", decision_on=REMOVED_ON)
    for unit in (province.kb_cell, province.kb_commune, province.kb, province.tu):
        assert total(unit, REMOVED_ON - dt.timedelta(days=1)) == 2
        assert total(unit, REMOVED_ON) == 1
        assert total(unit, dt.date(2022, 12, 31)) == 1
    assert Membership.objects.active_on(dt.date(2022, 3, 14)).filter(person=an).exists()
    assert not Membership.objects.active_on(REMOVED_ON).filter(person=an).exists()
    assert kinds(an) == [(EventKind.ADMITTED, dt.date(2015, 3, 2)),
                         (EventKind.RECOGNISED, dt.date(2016, 3, 2)),
                         (EventKind.REMOVED, REMOVED_ON)]
    event = MembershipEvent.objects.get(person=an, kind=EventKind.REMOVED)
    assert (event.decision_no, event.recorded_by, event.cell) == ("12-QĐ/ĐU", personas.kimboi, province.kb_cell)


@pytest.mark.django_db
@pytest.mark.parametrize("status", [MemberStatus.LEFT, MemberStatus.EXPELLED, MemberStatus.DECEASED])
def test_every_ending_is_an_event_with_its_own_kind(province, make_member, status):
    person = make_member(province.ls_cell)
    membership_end(by=None, membership=person.memberships.get(), status=status, ended_on=REMOVED_ON)
    m = person.memberships.get()
    assert (m.status, m.ended_on) == (status, REMOVED_ON)
    assert kinds(person)[-1] == (status, REMOVED_ON)
    assert total(province.ls, REMOVED_ON) == 0 and total(province.ls, REMOVED_ON - dt.timedelta(days=1)) == 1


@pytest.mark.django_db
def test_recognition_is_an_event_and_counts_probationary_until_that_day(province, make_member):
    person = make_member(province.kb_cell, admitted=dt.date(2021, 6, 1))
    m = person.memberships.get()
    membership_recognise(by=None, membership=m, recognized_on=dt.date(2022, 6, 1),
                         decision_no="30-QĐ/HU", decision_on=dt.date(2022, 6, 20))
    assert kinds(person) == [(EventKind.ADMITTED, dt.date(2021, 6, 1)),
                             (EventKind.RECOGNISED, dt.date(2022, 6, 1))]
    assert branch_on(province.kb, dt.date(2022, 5, 31)).counts.probationary == 1
    assert branch_on(province.kb, dt.date(2022, 6, 1)).counts.probationary == 0


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"status": MemberStatus.OFFICIAL, "ended_on": REMOVED_ON}, "không hợp lệ"),
        ({"status": "bay_ve", "ended_on": REMOVED_ON}, "không hợp lệ"),
        ({"status": MemberStatus.REMOVED, "ended_on": dt.date(2016, 1, 1)}, "trước biến động gần nhất"),
        ({"status": MemberStatus.REMOVED, "ended_on": dt.date(2014, 1, 1)}, "trước ngày vào Đảng"),
        ({"status": MemberStatus.REMOVED, "ended_on": dt.date(2099, 1, 1)}, "sau ngày hôm nay"),
    ],
)
def test_bad_status_change_is_refused_and_nothing_is_saved(province, personas, make_member, kwargs, message):
    person = make_member(province.kb_cell)
    m = person.memberships.get()
    audits, events = AuditEvent.objects.count(), MembershipEvent.objects.count()
    with pytest.raises(DomainError, match=message):
        membership_end(by=personas.kimboi, membership=m, **kwargs)
    m.refresh_from_db()
    assert (m.status, m.ended_on) == (MemberStatus.OFFICIAL, None)
    assert (AuditEvent.objects.count(), MembershipEvent.objects.count()) == (audits, events)


@pytest.mark.django_db
def test_ending_twice_and_ending_outside_scope_are_refused(province, personas, make_member):
    person = make_member(province.ls_cell)
    m = person.memberships.get()
    with pytest.raises(DomainError, match="không có quyền"):
        membership_end(by=personas.kimboi, membership=m, status=MemberStatus.REMOVED, ended_on=REMOVED_ON)
    membership_end(by=personas.lacson, membership=m, status=MemberStatus.DECEASED, ended_on=REMOVED_ON)
    with pytest.raises(DomainError, match="đã thôi sinh hoạt"):
        membership_end(by=personas.lacson, membership=m, status=MemberStatus.REMOVED,
                       ended_on=REMOVED_ON + dt.timedelta(days=3))
    assert MembershipEvent.objects.filter(person=person).count() == 3


@pytest.mark.django_db
def test_a_removed_member_leaves_current_counts_but_history_shows_to_someone_in_scope(
        client, province, personas, make_member):
    person = make_member(province.kb_cell, "Quách Văn Định")
    membership_end(by=personas.kimboi, membership=person.memberships.get(), status=MemberStatus.REMOVED,
                   ended_on=REMOVED_ON, decision_no="7-QĐ/ĐU")
    assert Membership.objects.filter(person=person).exists()  # nothing deleted
    assert total(province.kb, dt.date(2023, 1, 1)) == 0
    client.force_login(personas.kimboi)
    unit_page = client.get(f"/to-chuc/{province.kb_cell.code}/")
    assert "Quách Văn Định" not in unit_page.content.decode()
    page = client.get(f"/dang-vien/{person.pk}/").content.decode()
    assert "Quách Văn Định" in page and "Xóa tên" in page and "7-QĐ/ĐU" in page
    assert "15/03/2022" in page and "02/03/2015" in page
    assert person.cccd not in page
    # Before the removal the unit page still lists the member.
    before = client.get(f"/to-chuc/{province.kb_cell.code}/?ngay=14/03/2022").content.decode()
    assert "Quách Văn Định" in before
    client.logout()
    client.force_login(personas.lacson)
    assert client.get(f"/dang-vien/{person.pk}/").status_code == 404


@pytest.mark.django_db
def test_status_change_from_the_member_page(client, province, personas, make_member):
    person = make_member(province.kb_cell, "Bùi Văn Ba")
    client.force_login(personas.secretary)
    bad = client.post(f"/dang-vien/{person.pk}/bien-dong/", {"status": "tu_tran", "ended_on": "01/01/2010"})
    assert bad.status_code == 400 and "trước" in bad.content.decode()
    assert person.memberships.get().ended_on is None
    # Nothing preselected on the page: neither the event nor its day.
    page = client.get(f"/dang-vien/{person.pk}/").content.decode()
    assert '<option value="" selected>— Chọn biến động —</option>' in page
    assert 'name="ended_on" value=' not in page
    # The first step only names the consequence; nothing is recorded before "Xác nhận".
    ask = client.post(f"/dang-vien/{person.pk}/bien-dong/",
                      {"status": "tu_tran", "ended_on": "02/04/2022"})
    html = ask.content.decode()
    assert ask.status_code == 200
    assert ("sẽ không còn được tính là đảng viên từ ngày <b>02/04/2022</b>" in html
            and "Xác nhận: từ trần từ 02/04/2022" in html)
    assert person.memberships.get().ended_on is None
    ok = client.post(f"/dang-vien/{person.pk}/bien-dong/",
                     {"status": "tu_tran", "ended_on": "02/04/2022", "confirmed": "True"})
    assert ok.status_code == 302
    assert person.memberships.get().status == MemberStatus.DECEASED
    client.logout()
    client.force_login(personas.lacson)
    other = make_member(province.kb_cell2, "Bùi Văn Bốn")
    assert client.post(f"/dang-vien/{other.pk}/bien-dong/",
                       {"status": "tu_tran", "ended_on": "02/04/2022",
                        "confirmed": "True"}).status_code == 404
    assert other.memberships.get().ended_on is None


@pytest.mark.django_db
def test_backfill_writes_the_history_of_bulk_loaded_memberships_once(province):
    person = person_create(by=None, unit=province.kb_cell, data={
        "full_name": "Đinh Văn Mười", "gender": "nam", "birth_date": dt.date(1960, 1, 1)})
    Membership.objects.bulk_create([Membership(
        person=person, cell=province.kb_cell, status=MemberStatus.REMOVED, admitted_on=dt.date(1990, 1, 1),
        decided_on=dt.date(1989, 12, 1), recognized_on=dt.date(1991, 1, 1), ended_on=dt.date(2021, 5, 1))])
    m = Membership.objects.get(person=person)
    assert m.started_on == m.admitted_on  # bulk loaders need not know the column
    assert backfill() == 3
    assert backfill() == 0
    assert kinds(person) == [(EventKind.ADMITTED, dt.date(1990, 1, 1)),
                             (EventKind.RECOGNISED, dt.date(1991, 1, 1)),
                             (EventKind.REMOVED, dt.date(2021, 5, 1))]
    assert MembershipEvent.objects.get(person=person, kind=EventKind.ADMITTED).decision_on == dt.date(1989, 12, 1)
    assert connection.vendor in {"sqlite", "postgresql"}


@pytest.mark.django_db
def test_membership_create_records_admission_and_recognition(province):
    person = person_create(by=None, unit=province.kb_cell, data={
        "full_name": "Bùi Thị Nga", "gender": "nu", "birth_date": dt.date(1980, 1, 1)})
    membership_create(by=None, person=person, cell=province.kb_cell, admitted_on=dt.date(2010, 5, 1),
                      recognized_on=dt.date(2011, 5, 1), decided_on=dt.date(2010, 4, 1))
    assert kinds(person) == [(EventKind.ADMITTED, dt.date(2010, 5, 1)),
                             (EventKind.RECOGNISED, dt.date(2011, 5, 1))]
