"""A completed transfer is corrected with a reason: the receiving side moves its wrong
receiving day and every unit counts the member where the corrected dates say; the
sending side corrects its letter; the old values stay in the history."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.test import Client

from dangvien.people.models import Membership, MembershipEvent
from dangvien.people.transfers import transfer_confirm, transfer_out_of_province
from tests.people.test_transfers import KB_SIDE, TODAY, request, where_counted
from tests.web.helpers import text

pytestmark = pytest.mark.django_db

WRONG, RIGHT = dt.date(2022, 3, 20), dt.date(2022, 4, 5)


def ls_side():
    return {"tu": 1, "kb": 0, "kb_commune": 0, "kb_cell": 0, "kb_cell2": 0, "kb_school": 0,
            "ls": 1, "ls_commune": 1, "ls_cell": 1}


def _token(html: str) -> str:
    return re.search(r'name="phien_ban" value="([^"]*)"', html).group(1)


def test_the_receiving_side_corrects_a_wrong_receiving_day(client, province, personas,
                                                          make_member):
    person = make_member(province.ls_cell, "Hà Văn Chiến")
    transfer = request(personas.lacson, person, province.kb_cell)
    transfer_confirm(by=personas.kimboi, transfer=transfer, received_on=WRONG, today=TODAY)
    assert where_counted(province, dt.date(2022, 3, 25)) == KB_SIDE
    client.force_login(personas.kimboi)
    page = client.get(f"/dang-vien/{person.pk}/").content.decode()
    assert f'href="/dang-vien/chuyen-sinh-hoat/{transfer.pk}/sua/"' in page
    url = f"/dang-vien/chuyen-sinh-hoat/{transfer.pk}/sua/"
    token = _token(client.get(url).content.decode())
    data = {"letter_no": "15-GGT/HU", "letter_on": "01/03/2022", "received_on": "05/04/2022",
            "reason": "Ghi nhầm ngày tiếp nhận so với sổ theo dõi", "phien_ban": token}
    assert client.post(url, data | {"reason": "nhầm"}).status_code == 400
    response = client.post(url, data)
    assert response.status_code == 302
    # Counted in Lạc Sơn until 4 April, in Kim Bôi from 5 April.
    assert where_counted(province, dt.date(2022, 3, 25)) == ls_side()
    assert where_counted(province, RIGHT) == KB_SIDE
    old, new = Membership.objects.filter(person=person).order_by("started_on")
    assert (old.ended_on, new.started_on) == (RIGHT, RIGHT)
    assert set(MembershipEvent.objects.filter(transfer=transfer).values_list("on", flat=True)) == {
        RIGHT}
    page = text(client.get(url).content.decode())
    assert ("ngày tiếp nhận: 20/03/2022 → 05/04/2022" in page
            and "Lý do: Ghi nhầm ngày tiếp nhận so với sổ theo dõi" in page)
    # A second officer's page from before the correction is refused.
    response = Client()
    response.force_login(personas.provincial)
    refused = response.post(url, data | {"received_on": "06/04/2022"})
    assert refused.status_code == 400
    assert "đã được kimboi lúc" in text(refused.content.decode())


def test_the_letter_is_corrected_by_the_sending_side_only(client, province, personas,
                                                           make_member):
    person = make_member(province.ls_cell, "Hà Văn Chiến")
    transfer = request(personas.lacson, person, province.kb_cell)
    transfer_confirm(by=personas.kimboi, transfer=transfer, received_on=WRONG, today=TODAY)
    url = f"/dang-vien/chuyen-sinh-hoat/{transfer.pk}/sua/"
    data = {"letter_no": "16-GGT/HU", "letter_on": "01/03/2022", "received_on": "20/03/2022",
            "reason": "Ghi nhầm số giấy giới thiệu"}
    client.force_login(personas.kimboi)
    response = client.post(url, data)
    assert response.status_code == 400
    assert "không có quyền" in text(response.content.decode()).lower() or \
        "Bạn không" in text(response.content.decode())
    client.force_login(personas.lacson)
    assert client.post(url, data).status_code == 302
    transfer.refresh_from_db()
    assert transfer.letter_no == "16-GGT/HU"
    client.force_login(personas.outsider)
    assert client.get(url).status_code == 404


def test_a_transfer_out_of_the_province_moves_the_leaving_day(province, personas, make_member):
    from dangvien.people.transfers import transfer_correct

    person = make_member(province.ls_cell, "Hà Văn Chiến")
    transfer = transfer_out_of_province(
        by=personas.lacson, membership=person.memberships.get(), outside_unit="Tỉnh ủy Phú Thọ",
        letter_no="9-GGT/HU", letter_on=dt.date(2022, 3, 1), today=TODAY)
    assert where_counted(province, dt.date(2022, 3, 10))["ls"] == 0
    transfer_correct(by=personas.lacson, transfer=transfer, letter_no="9-GGT/HU",
                     letter_on=dt.date(2022, 3, 15), received_on=None,
                     reason="Ngày giấy giới thiệu ghi nhầm", today=TODAY)
    assert where_counted(province, dt.date(2022, 3, 10))["ls"] == 1
    assert where_counted(province, dt.date(2022, 3, 15))["ls"] == 0


def test_the_transfer_form_preselects_neither_the_kind_nor_the_day(client, province, personas,
                                                                    make_member):
    person = make_member(province.ls_cell, "Hà Văn Chiến")
    client.force_login(personas.lacson)
    html = client.get(f"/dang-vien/{person.pk}/chuyen-sinh-hoat/").content.decode()
    assert 'name="kind"' in html and "checked" not in html
    assert re.search(r'name="letter_on"[^>]*value="', html) is None
    response = client.post(f"/dang-vien/{person.pk}/chuyen-sinh-hoat/", {
        "letter_no": "9-GGT/HU", "letter_on": "01/03/2022", "outside_unit": "Tỉnh ủy Phú Thọ"})
    assert response.status_code == 400
    assert "Hãy chọn chuyển đến một chi bộ trong tỉnh hay ra ngoài tỉnh." in text(
        response.content.decode())
    assert person.memberships.get().ended_on is None


def test_a_transfer_out_of_the_province_recorded_by_mistake_is_cancelled(
        client, province, personas, make_member):
    person = make_member(province.ls_cell, "Hà Văn Chiến")
    transfer = transfer_out_of_province(
        by=personas.lacson, membership=person.memberships.get(), outside_unit="Tỉnh ủy Phú Thọ",
        letter_no="9-GGT/HU", letter_on=dt.date(2022, 3, 1), today=TODAY)
    assert where_counted(province, dt.date(2022, 6, 1))["ls"] == 0
    client.force_login(personas.lacson)
    assert "Hủy biến động ghi nhầm" in client.get(f"/dang-vien/{person.pk}/").content.decode()
    response = client.post(f"/dang-vien/{person.pk}/bien-dong/huy/", {
        "reason": "Ghi nhầm người chuyển đi, đồng chí vẫn ở chi bộ"})
    assert response.status_code == 302
    assert where_counted(province, dt.date(2022, 6, 1))["ls"] == 1
    transfer.refresh_from_db()
    assert transfer.status == "rut_lai" and "Ghi nhầm người chuyển đi" in transfer.refusal_reason
    page = text(client.get(f"/dang-vien/{person.pk}/").content.decode())
    assert "Nơi đi đã rút lại: Hủy vì ghi nhầm" in page
