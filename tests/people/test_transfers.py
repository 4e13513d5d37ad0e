"""Chuyển sinh hoạt đảng: exactly one unit counts a member on every date; scope; bad input."""

import datetime as dt

import pytest

from dangvien.audit.models import AuditEvent
from dangvien.core.errors import DomainError
from dangvien.org.selectors import branch_on
from dangvien.people.choices import MemberStatus
from dangvien.people.models import EventKind, Membership, MembershipEvent, Transfer, TransferStatus
from dangvien.people.services import membership_end, membership_recognise
from dangvien.people.transfers import (
    IncomingLetter,
    transfer_confirm,
    transfer_in_from_outside,
    transfer_out_of_province,
    transfer_refuse,
    transfer_request,
)

LETTER_ON = dt.date(2022, 3, 1)
RECEIVED_ON = dt.date(2022, 3, 20)
TODAY = dt.date(2022, 12, 31)
DAYS = [dt.date(2022, 2, 28), LETTER_ON, dt.date(2022, 3, 10), RECEIVED_ON - dt.timedelta(days=1),
        RECEIVED_ON, dt.date(2022, 12, 31)]


def total(unit, on):
    return branch_on(unit, on).counts.total


def where_counted(province, on):
    """Each unit's count on `on` (the member is the only one in the province)."""
    units = ("tu", "kb", "kb_commune", "kb_cell", "kb_cell2", "kb_school", "ls", "ls_commune", "ls_cell")
    return {name: total(getattr(province, name), on) for name in units}


def ls_side(n):
    return {"tu": 1, "kb": 0, "kb_commune": 0, "kb_cell": 0, "kb_cell2": 0, "kb_school": 0,
            "ls": n, "ls_commune": n, "ls_cell": n}


KB_SIDE = {"tu": 1, "kb": 1, "kb_commune": 1, "kb_cell": 1, "kb_cell2": 0, "kb_school": 0,
           "ls": 0, "ls_commune": 0, "ls_cell": 0}


def request(by, person, to_cell, **kw):
    args = {"letter_no": "15-GGT/HU", "letter_on": LETTER_ON, "today": TODAY} | kw
    return transfer_request(by=by, membership=person.memberships.get(ended_on__isnull=True),
                            to_cell=to_cell, **args)


def snapshot_counts():
    return (Membership.objects.count(), MembershipEvent.objects.count(), Transfer.objects.count(),
            AuditEvent.objects.count())


@pytest.mark.django_db
def test_a_transfer_in_progress_is_counted_in_exactly_one_unit_at_every_date(province, personas, make_member):
    person = make_member(province.ls_cell, "Hà Văn Chiến")
    transfer = request(personas.lacson, person, province.kb_cell)
    # Pending: still counted in Lạc Sơn on every day, before and after the letter.
    for day in DAYS:
        assert where_counted(province, day) == ls_side(1), day
    transfer_confirm(by=personas.kimboi, transfer=transfer, received_on=RECEIVED_ON, today=TODAY)
    for day in DAYS:
        expected = KB_SIDE if day >= RECEIVED_ON else ls_side(1)
        assert where_counted(province, day) == expected, day
    old, new = Membership.objects.filter(person=person).order_by("started_on")
    assert (old.cell, old.status, old.ended_on) == (province.ls_cell, MemberStatus.TRANSFERRED_OUT, RECEIVED_ON)
    assert (new.cell, new.started_on, new.admitted_on, new.recognized_on, new.previous) == (
        province.kb_cell, RECEIVED_ON, old.admitted_on, old.recognized_on, old)
    person.refresh_from_db()
    assert person.unit == province.kb_cell
    assert [(e.kind, e.on, e.cell) for e in MembershipEvent.objects.filter(person=person, on=RECEIVED_ON)] == [
        (EventKind.TRANSFERRED_OUT, RECEIVED_ON, province.ls_cell),
        (EventKind.TRANSFERRED_IN, RECEIVED_ON, province.kb_cell)]
    assert set(AuditEvent.objects.filter(action__startswith="transfer.").values_list("action", flat=True)) == {
        "transfer.request", "transfer.confirm"}


@pytest.mark.django_db
def test_transfer_out_of_the_province_leaves_the_counts_on_the_letter_day(province, personas, make_member):
    person = make_member(province.kb_cell)
    make_member(province.kb_cell, "Bùi Thị Hai")
    transfer = transfer_out_of_province(
        by=personas.secretary, membership=person.memberships.get(), outside_unit="Đảng ủy phường Tân Mai, Hà Nội",
        letter_no="3-GGT/HU", letter_on=LETTER_ON, today=TODAY)
    assert transfer.status == TransferStatus.DONE
    assert total(province.kb_cell, LETTER_ON - dt.timedelta(days=1)) == 2
    assert total(province.tu, LETTER_ON) == 1
    m = person.memberships.get()
    assert (m.status, m.ended_on) == (MemberStatus.TRANSFERRED_OUT, LETTER_ON)
    event = MembershipEvent.objects.get(person=person, kind=EventKind.TRANSFERRED_OUT)
    assert event.decision_no == "3-GGT/HU" and "Tân Mai" in event.note


@pytest.mark.django_db
def test_transfer_in_from_outside_keeps_the_members_history_dates(province, personas):
    letter = IncomingLetter(outside_unit="Đảng bộ xã Tân Minh, Phú Thọ", letter_no="88-GGT/HU",
                            letter_on=dt.date(2022, 4, 2), received_on=dt.date(2022, 4, 20),
                            admitted_on=dt.date(2021, 9, 2), recognized_on=None, card_number="")
    transfer = transfer_in_from_outside(
        by=personas.kimboi, cell=province.kb_cell2, letter=letter, today=TODAY,
        person_data={"full_name": "Đinh Thị Lan", "gender": "nu", "birth_date": dt.date(1998, 2, 3),
                     "ethnicity": "Mường"})
    m = transfer.new_membership
    assert (m.cell, m.admitted_on, m.started_on, m.status) == (
        province.kb_cell2, dt.date(2021, 9, 2), dt.date(2022, 4, 20), MemberStatus.PROBATIONARY)
    assert total(province.kb, dt.date(2022, 4, 19)) == 0
    counts = branch_on(province.kb, dt.date(2022, 4, 20)).counts
    assert (counts.total, counts.probationary) == (1, 1)
    # Recognised at the end of probation, like any member admitted in the province.
    membership_recognise(by=personas.kimboi, membership=m, recognized_on=dt.date(2022, 9, 2))
    assert branch_on(province.kb, dt.date(2022, 9, 2)).counts.probationary == 0
    assert [e.kind for e in MembershipEvent.objects.filter(person=transfer.person)] == [
        EventKind.TRANSFERRED_IN, EventKind.RECOGNISED]


@pytest.mark.django_db
def test_a_probationary_member_recognised_after_a_transfer_is_official_from_the_end_of_probation(
        province, personas, make_member):
    person = make_member(province.ls_cell, admitted=dt.date(2021, 2, 1))
    transfer = request(personas.lacson, person, province.kb_cell)
    transfer_confirm(by=personas.kimboi, transfer=transfer, received_on=RECEIVED_ON, today=TODAY)
    old_membership = Membership.objects.get(person=person, cell=province.ls_cell)
    # The committee decides late, through the old record (the candidacy still points at it):
    # Lạc Sơn, which holds the admission case, may; someone with no right on either may not.
    with pytest.raises(DomainError, match="không có quyền"):
        membership_recognise(by=personas.outsider, membership=old_membership,
                             recognized_on=dt.date(2022, 2, 1))
    membership_recognise(by=personas.lacson, membership=old_membership, recognized_on=dt.date(2022, 2, 1))
    assert set(Membership.objects.filter(person=person).values_list("recognized_on", flat=True)) == {
        dt.date(2022, 2, 1)}
    assert branch_on(province.ls, dt.date(2022, 2, 15)).counts.probationary == 0
    assert Membership.objects.get(person=person, ended_on__isnull=True).status == MemberStatus.OFFICIAL


@pytest.mark.django_db
def test_scope_kim_boi_cannot_transfer_a_lac_son_member_nor_see_its_inbox(client, province, personas, make_member):
    ls_member = make_member(province.ls_cell, "Hà Văn Tới")
    client.force_login(personas.kimboi)  # the sign-in itself is audited: counted before
    before = snapshot_counts()
    with pytest.raises(DomainError, match="không có quyền"):
        request(personas.kimboi, ls_member, province.kb_cell)
    assert snapshot_counts() == before
    assert client.get(f"/dang-vien/{ls_member.pk}/").status_code == 404
    assert client.get(f"/dang-vien/{ls_member.pk}/chuyen-sinh-hoat/").status_code == 404
    assert client.post(f"/dang-vien/{ls_member.pk}/chuyen-sinh-hoat/", {
        "kind": "trong_tinh", "to_cell": "KB.01.01", "letter_no": "1", "letter_on": "01/03/2022"}).status_code == 404
    assert client.get("/dang-vien/chuyen-den/LS/").status_code == 404
    assert client.get("/dang-vien/chuyen-di/LS/").status_code == 404
    assert client.get("/dang-vien/chuyen-den/LS.01.01/").status_code == 404
    assert snapshot_counts() == before


@pytest.mark.django_db
def test_kim_boi_confirms_an_incoming_transfer_from_its_inbox(client, province, personas, make_member):
    ls_member = make_member(province.ls_cell, "Hà Văn Tới", cccd="017090000777")
    transfer = request(personas.lacson, ls_member, province.kb_cell, reason="Thay đổi nơi cư trú")
    client.force_login(personas.kimboi)
    inbox = client.get("/dang-vien/chuyen-den/KB/").content.decode()
    assert "Hà Văn Tới" in inbox and "15-GGT/HU" in inbox and "Chi bộ xóm Bai" in inbox
    assert "017090000777" not in inbox
    unit_page = client.get("/to-chuc/KB/").content.decode()
    assert "/dang-vien/chuyen-den/KB/" in unit_page
    response = client.post(f"/dang-vien/chuyen-sinh-hoat/{transfer.pk}/tiep-nhan/",
                           {"received_on": "20/03/2022", "don_vi": "KB"}, follow=True)
    assert "Đã tiếp nhận Hà Văn Tới" in response.content.decode()
    transfer.refresh_from_db()
    assert (transfer.status, transfer.received_on, transfer.answered_by) == (
        TransferStatus.DONE, RECEIVED_ON, personas.kimboi)
    # Confirming twice is refused; nothing changes.
    before = snapshot_counts()
    again = client.post(f"/dang-vien/chuyen-sinh-hoat/{transfer.pk}/tiep-nhan/",
                        {"received_on": "21/03/2022"}, follow=True).content.decode()
    assert "đã được xử lý" in again
    assert snapshot_counts() == before
    with pytest.raises(DomainError, match="đã được xử lý"):
        transfer_confirm(by=personas.kimboi, transfer=transfer, received_on=RECEIVED_ON, today=TODAY)
    # Lạc Sơn sees it in its outbox, and cannot confirm in Kim Bôi's place.
    client.force_login(personas.lacson)
    assert "Hà Văn Tới" in client.get("/dang-vien/chuyen-di/LS/").content.decode()


@pytest.mark.django_db
def test_the_sending_side_cannot_confirm_and_the_secretary_of_another_cell_cannot_either(
        client, province, personas, make_member):
    ls_member = make_member(province.ls_cell)
    transfer = request(personas.lacson, ls_member, province.kb_cell2)
    with pytest.raises(DomainError, match="không có quyền"):
        transfer_confirm(by=personas.lacson, transfer=transfer, received_on=RECEIVED_ON, today=TODAY)
    client.force_login(personas.secretary)  # Mớ Đá's secretary; the transfer goes to Chanh
    assert client.post(f"/dang-vien/chuyen-sinh-hoat/{transfer.pk}/tiep-nhan/",
                       {"received_on": "20/03/2022"}).status_code == 404
    transfer.refresh_from_db()
    assert transfer.status == TransferStatus.PENDING


@pytest.mark.django_db
def test_refusal_keeps_the_member_in_the_sending_cell(client, province, personas, make_member):
    ls_member = make_member(province.ls_cell)
    transfer = request(personas.lacson, ls_member, province.kb_cell)
    client.force_login(personas.kimboi)
    client.post(f"/dang-vien/chuyen-sinh-hoat/{transfer.pk}/tu-choi/", {"reason": ""})
    transfer.refresh_from_db()
    assert transfer.status == TransferStatus.PENDING
    client.post(f"/dang-vien/chuyen-sinh-hoat/{transfer.pk}/tu-choi/", {"reason": "Sai chi bộ nơi cư trú"})
    transfer.refresh_from_db()
    assert (transfer.status, transfer.refusal_reason) == (TransferStatus.REFUSED, "Sai chi bộ nơi cư trú")
    assert where_counted(province, TODAY) == ls_side(1)
    with pytest.raises(DomainError, match="đã được xử lý"):
        transfer_refuse(by=personas.kimboi, transfer=transfer, reason="lần nữa")
    # The sending side can send a new letter to the right cell.
    again = request(personas.lacson, ls_member, province.kb_cell2, letter_no="16-GGT/HU",
                    letter_on=dt.date(2022, 4, 1))
    assert again.status == TransferStatus.PENDING


@pytest.mark.django_db
def test_bad_transfers_are_refused_with_nothing_saved(province, personas, make_member):
    person = make_member(province.kb_cell, "Bùi Văn Năm")
    gone = make_member(province.kb_cell, "Bùi Văn Sáu")
    membership_end(by=None, membership=gone.memberships.get(), status=MemberStatus.DECEASED,
                   ended_on=dt.date(2021, 1, 5))
    cases = [
        (lambda: request(personas.kimboi, person, province.kb_commune), "không phải chi bộ"),
        (lambda: request(personas.kimboi, person, province.kb), "không phải chi bộ"),
        (lambda: request(personas.kimboi, person, province.kb_cell), "đang sinh hoạt ở"),
        (lambda: request(personas.kimboi, person, province.kb_cell2, letter_on=dt.date(2014, 1, 1)),
         "trước biến động gần nhất"),
        (lambda: request(personas.kimboi, person, province.kb_cell2, letter_on=dt.date(2023, 1, 1)),
         "sau ngày hôm nay"),
        (lambda: request(personas.kimboi, person, province.kb_cell2, letter_no="  "), "số giấy giới thiệu"),
        (lambda: transfer_request(by=personas.kimboi, membership=gone.memberships.get(),
                                  to_cell=province.kb_cell2, letter_no="1", letter_on=LETTER_ON, today=TODAY),
         "không còn sinh hoạt"),
        (lambda: transfer_out_of_province(by=personas.kimboi, membership=gone.memberships.get(),
                                          outside_unit="Hà Nội", letter_no="1", letter_on=LETTER_ON,
                                          today=TODAY), "không còn sinh hoạt"),
        (lambda: transfer_out_of_province(by=personas.kimboi, membership=person.memberships.get(),
                                          outside_unit="", letter_no="1", letter_on=LETTER_ON,
                                          today=TODAY), "tên tổ chức đảng"),
    ]
    before = snapshot_counts()
    for call, message in cases:
        with pytest.raises(DomainError, match=message):
            call()
        assert snapshot_counts() == before, message
    transfer = request(personas.kimboi, person, province.kb_cell2)
    before = snapshot_counts()
    with pytest.raises(DomainError, match="đang chờ tiếp nhận"):
        request(personas.kimboi, person, province.ls_cell, letter_no="99")
    with pytest.raises(DomainError, match="trước ngày giới thiệu"):
        transfer_confirm(by=personas.kimboi, transfer=transfer, received_on=dt.date(2022, 2, 1), today=TODAY)
    with pytest.raises(DomainError, match="đang chờ chi bộ nơi đến tiếp nhận"):
        membership_end(by=personas.kimboi, membership=person.memberships.get(), status=MemberStatus.REMOVED,
                       ended_on=dt.date(2022, 4, 1), today=TODAY)
    assert snapshot_counts() == before


@pytest.mark.django_db
def test_transfer_in_from_outside_bad_letters_are_refused(province, personas):
    good = {"outside_unit": "Đảng bộ xã Tân Minh, Phú Thọ", "letter_no": "88-GGT/HU",
            "letter_on": dt.date(2022, 4, 2), "received_on": dt.date(2022, 4, 20),
            "admitted_on": dt.date(2015, 9, 2), "recognized_on": dt.date(2016, 9, 2)}
    data = {"full_name": "Đinh Thị Lan", "gender": "nu", "birth_date": dt.date(1990, 2, 3)}
    before = snapshot_counts()
    for change, message in [({"received_on": dt.date(2022, 4, 1)}, "trước ngày giới thiệu"),
                            ({"recognized_on": dt.date(2014, 1, 1)}, "Ngày chính thức"),
                            ({"admitted_on": dt.date(2023, 1, 1)}, "trước ngày giới thiệu"),
                            ({"outside_unit": ""}, "tên tổ chức đảng")]:
        with pytest.raises(DomainError, match=message):
            transfer_in_from_outside(by=personas.kimboi, cell=province.kb_cell, person_data=data,
                                     letter=IncomingLetter(**(good | change)), today=TODAY)
    with pytest.raises(DomainError, match="không phải chi bộ"):
        transfer_in_from_outside(by=personas.kimboi, cell=province.kb_commune, person_data=data,
                                 letter=IncomingLetter(**good), today=TODAY)
    with pytest.raises(DomainError, match="không có quyền"):
        transfer_in_from_outside(by=personas.lacson, cell=province.kb_cell, person_data=data,
                                 letter=IncomingLetter(**good), today=TODAY)
    assert snapshot_counts() == before


@pytest.mark.django_db
def test_transfer_pages_from_the_member_page(client, province, personas, make_member):
    person = make_member(province.kb_cell, "Bùi Văn Bảy")
    client.force_login(personas.secretary)
    page = client.get(f"/dang-vien/{person.pk}/").content.decode()
    assert f"/dang-vien/{person.pk}/chuyen-sinh-hoat/" in page
    found = client.get(f"/dang-vien/{person.pk}/chuyen-sinh-hoat/?tim=xom bai").content.decode()
    assert "LS.01.01" in found
    bad = client.post(f"/dang-vien/{person.pk}/chuyen-sinh-hoat/", {
        "kind": "trong_tinh", "to_cell": "LS.01", "letter_no": "5-GGT/ĐU", "letter_on": "01/03/2022"})
    assert bad.status_code == 400 and "không phải chi bộ" in bad.content.decode()
    assert not Transfer.objects.exists()
    ok = client.post(f"/dang-vien/{person.pk}/chuyen-sinh-hoat/", {
        "kind": "trong_tinh", "to_cell": "LS.01.01", "letter_no": "5-GGT/ĐU", "letter_on": "01/03/2022"})
    assert ok.status_code == 302
    page = client.get(f"/dang-vien/{person.pk}/").content.decode()
    assert "Đang chờ Chi bộ xóm Bai tiếp nhận" in page
    client.force_login(personas.lacson)
    assert "Bùi Văn Bảy" in client.get("/dang-vien/chuyen-den/LS/").content.decode()
    client.force_login(personas.kimboi)
    form = client.get("/dang-vien/chuyen-den/KB/ngoai-tinh/")
    assert form.status_code == 200
    response = client.post("/dang-vien/chuyen-den/KB/ngoai-tinh/", {
        "cell": str(province.kb_cell2.pk), "full_name": "Đinh Văn Hậu", "gender": "nam",
        "birth_date": "03/02/1985", "ethnicity": "Mường", "cccd": "", "outside_unit": "Đảng bộ xã X, Phú Thọ",
        "letter_no": "9-GGT/HU", "letter_on": "02/04/2022", "received_on": "20/04/2022",
        "admitted_on": "02/09/2010", "recognized_on": "02/09/2011", "card_number": ""})
    assert response.status_code == 302
    assert Membership.objects.get(person__full_name="Đinh Văn Hậu").started_on == dt.date(2022, 4, 20)


@pytest.mark.django_db
def test_the_sending_side_withdraws_a_letter_not_yet_received(client, province, personas, make_member):
    ls_member = make_member(province.ls_cell, "Hà Văn Mạnh")
    transfer = request(personas.lacson, ls_member, province.kb_cell)
    # The receiving side cannot withdraw it, and a withdrawal needs a reason.
    client.force_login(personas.kimboi)
    assert client.post(f"/dang-vien/chuyen-sinh-hoat/{transfer.pk}/rut-lai/",
                       {"reason": "Nhầm"}).status_code == 404
    client.force_login(personas.lacson)
    outbox = client.get("/dang-vien/chuyen-di/LS/").content.decode()
    assert "Rút lại giấy giới thiệu" in outbox
    client.post(f"/dang-vien/chuyen-sinh-hoat/{transfer.pk}/rut-lai/", {"reason": " ", "don_vi": "LS"})
    transfer.refresh_from_db()
    assert transfer.status == TransferStatus.PENDING
    response = client.post(f"/dang-vien/chuyen-sinh-hoat/{transfer.pk}/rut-lai/",
                           {"reason": "Đảng viên không chuyển nơi ở nữa", "don_vi": "LS"}, follow=True)
    assert "Đã rút lại giấy giới thiệu của Hà Văn Mạnh" in response.content.decode()
    transfer.refresh_from_db()
    assert (transfer.status, transfer.answered_by) == (TransferStatus.WITHDRAWN, personas.lacson)
    assert where_counted(province, TODAY) == ls_side(1)
    with pytest.raises(DomainError, match="đã được xử lý"):
        transfer_confirm(by=personas.kimboi, transfer=transfer, received_on=RECEIVED_ON, today=TODAY)
    client.force_login(personas.kimboi)
    assert "Hà Văn Mạnh" not in client.get("/dang-vien/chuyen-den/KB/").content.decode().split("Đã xử lý")[0]


@pytest.mark.django_db
def test_inbox_marks_a_letter_presented_late(client, settings, province, personas, make_member):
    ls_member = make_member(province.ls_cell, "Hà Văn Muộn")
    request(personas.lacson, ls_member, province.kb_cell)  # 01/03/2022: long past 30 days
    client.force_login(personas.kimboi)
    page = client.get("/dang-vien/chuyen-den/KB/").content.decode()
    assert "hạn xuất trình 31/03/2022" in page and "quá hạn" in page
    settings.DANGVIEN_TRANSFER_PRESENT_DAYS = 60
    assert "hạn xuất trình 30/04/2022" in client.get("/dang-vien/chuyen-den/KB/").content.decode()


@pytest.mark.django_db
def test_a_transfer_out_of_the_province_confirms_first(client, province, personas, make_member):
    """It ends the membership here: a second screen names that, and only "Xác nhận"
    records it. Its rules are judged before the screen (a letter before admission)."""
    person = make_member(province.kb_cell, "Bùi Văn Tám")
    client.force_login(personas.secretary)
    url = f"/dang-vien/{person.pk}/chuyen-sinh-hoat/"
    data = {"kind": "ra_ngoai_tinh", "outside_unit": "Đảng bộ xã X, Phú Thọ",
            "letter_no": "9-GGT/ĐU", "letter_on": "01/03/2022"}
    bad = client.post(url, {**data, "letter_on": "01/01/2001"})
    assert bad.status_code == 400 and "Xác nhận" not in bad.content.decode()
    ask = client.post(url, data)
    html = ask.content.decode()
    assert ask.status_code == 200
    assert ("sẽ không còn được tính là đảng viên của tỉnh từ ngày <b>01/03/2022</b>" in html
            and "Xác nhận chuyển ra ngoài tỉnh từ 01/03/2022" in html)
    assert person.memberships.get().ended_on is None and not Transfer.objects.exists()
    done = client.post(url, {**data, "confirmed": "True"})
    assert done.status_code == 302
    assert person.memberships.get().ended_on == dt.date(2022, 3, 1)
