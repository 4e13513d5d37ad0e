"""The ratings and screening pages: entry by the cell, approval by the committee above,
the report by unit and year, the screening list and a case; scope on every one."""

from __future__ import annotations

import datetime as dt

import pytest

from dangvien.ratings.models import Rating, RatingStatus, ScreeningCase, ScreeningStatus
from dangvien.ratings.services import Entry, rating_enter, ratings_enter_batch
from tests.web.helpers import text

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 11, 27)


def get(client, user, url):
    client.force_login(user)
    return client.get(url)


@pytest.fixture
def cells(province, crowd):
    """KB.01.01: 10 members; KB.01.02: 4; LS.01.01: 3."""
    return crowd(province.kb_cell, 10), crowd(province.kb_cell2, 4, "Hà Thị"), crowd(province.ls_cell, 3, "Quách Văn")


# --- scope ---------------------------------------------------------------------------


@pytest.mark.parametrize("url", [
    "/danh-gia/nhap/KB.01.02/2021/", "/danh-gia/nhap/LS.01.01/2021/", "/danh-gia/duyet/KB.01/2021/",
    "/danh-gia/?don-vi=KB", "/danh-gia/?don-vi=LS", "/danh-gia/sang-loc/KB.01.02/2021/",
    "/danh-gia/sang-loc/LS/2021/",
])
def test_secretary_gets_404_outside_her_cell(client, personas, cells, url):
    assert get(client, personas.secretary, url).status_code == 404


@pytest.mark.parametrize("url", [
    "/danh-gia/nhap/LS.01.01/2021/", "/danh-gia/duyet/LS.01/2021/", "/danh-gia/?don-vi=LS",
    "/danh-gia/?don-vi=TU", "/danh-gia/sang-loc/LS.01.01/2021/",
])
def test_kimboi_officer_cannot_see_lac_son(client, personas, cells, url):
    assert get(client, personas.kimboi, url).status_code == 404


def test_secretary_sheet_lists_only_her_members(client, personas, cells):
    mine, other, ls = cells
    page = get(client, personas.secretary, "/danh-gia/nhap/KB.01.01/2021/").content.decode()
    for m in mine:
        assert m.person.full_name in page
    for m in [*other, *ls]:
        assert m.person.full_name not in page
    assert page.count('type="radio"') == 40
    # Her report defaults to her own cell.
    report = text(get(client, personas.secretary, "/danh-gia/").content.decode())
    assert "Chi bộ xóm Mớ Đá" in report and "Chi bộ xóm Chanh" not in report


def test_secretary_cannot_post_to_another_cell(client, personas, cells):
    other = cells[1]
    client.force_login(personas.secretary)
    response = client.post("/danh-gia/nhap/KB.01.02/2021/", {f"lv-{other[0].pk}": "tot"})
    assert response.status_code == 404
    assert not Rating.objects.exists()


def test_outsider_sees_nothing(client, personas, cells):
    page = get(client, personas.outsider, "/danh-gia/")
    assert page.status_code == 200 and "chưa được phân quyền" in page.content.decode()
    assert get(client, personas.outsider, "/danh-gia/nhap/KB.01.01/2021/").status_code == 404


def test_viewer_sees_the_sheet_read_only(client, personas, cells, province):
    from dangvien.accounts.models import Role, RoleAssignment

    RoleAssignment.objects.create(user=personas.outsider, unit=province.kb_cell, role=Role.VIEWER)
    page = get(client, personas.outsider, "/danh-gia/nhap/KB.01.01/2021/").content.decode()
    assert 'type="radio"' not in page and "Lưu kết quả" not in page
    client.force_login(personas.outsider)
    assert client.post("/danh-gia/nhap/KB.01.01/2021/",
                       {f"lv-{cells[0][0].pk}": "tot"}).status_code == 404
    assert not Rating.objects.exists()


# --- entry ---------------------------------------------------------------------------


def test_entry_saves_the_sheet_and_warns_over_20_percent(client, personas, cells):
    mine = cells[0]
    client.force_login(personas.secretary)
    data = {f"lv-{m.pk}": "tot" for m in mine[:5]}
    data |= {f"lv-{m.pk}": "xuat_sac" for m in mine[5:7]}  # 2 of 5 = 40%
    response = client.post("/danh-gia/nhap/KB.01.01/2021/", data, follow=True)
    page = text(response.content.decode())
    assert "Đã nhập mới 7 kết quả xếp loại." in page
    assert "2 xuất sắc là 40,0% của 5 tốt, vượt 20%" in page
    assert Rating.objects.filter(year=2021, cell__code="KB.01.01").count() == 7
    # The saved levels are checked when the page opens again.
    again = client.get("/danh-gia/nhap/KB.01.01/2021/").content.decode()
    assert again.count(" checked") == 7


def test_entry_refusal_shows_message_and_saves_nothing(client, personas, cells, province):
    mine = cells[0]
    client.force_login(personas.secretary)
    data = {f"lv-{m.pk}": "tot" for m in mine[:3]} | {f"lv-{mine[3].pk}": "rat_gioi"}
    response = client.post("/danh-gia/nhap/KB.01.01/2021/", data)
    assert response.status_code == 400
    assert "Hãy chọn mức xếp loại của" in text(response.content.decode())
    assert "Chưa lưu kết quả nào" in text(response.content.decode())
    assert not Rating.objects.exists()


def test_score_101_refused_on_the_page(client, personas, cells):
    mine = cells[0]
    client.force_login(personas.secretary)
    response = client.post("/danh-gia/nhap/KB.01.01/2025/",
                           {f"diem-{mine[0].pk}": "95", f"diem-{mine[1].pk}": "101"})
    assert response.status_code == 400
    assert "là 101: điểm phải từ 0 đến 100" in text(response.content.decode())
    assert not Rating.objects.exists()
    response = client.post("/danh-gia/nhap/KB.01.01/2025/",
                           {f"diem-{mine[0].pk}": "95", f"diem-{mine[1].pk}": "72"}, follow=True)
    assert [r.level for r in Rating.objects.order_by("person__sort_key")] == ["xuat_sac", "tot"]


# --- approval ------------------------------------------------------------------------


def test_committee_approves_a_cell(client, personas, cells, province):
    mine = cells[0]
    ratings_enter_batch(by=personas.secretary, cell=province.kb_cell, year=2021, today=TODAY,
                        entries=[Entry(m.pk, level="tot") for m in mine])
    # From the district's approval page, the commune with work waiting.
    raw = get(client, personas.kimboi, "/danh-gia/duyet/KB/2021/").content.decode()
    # The title is the title alone, not a copy of the list of committees below.
    assert "<title>Duyệt kết quả xếp loại năm 2021 — Huyện ủy Kim Bôi — " in raw
    assert "Đảng bộ trực thuộc" not in raw.split("</title>")[0]
    district = text(raw)
    assert "Đảng bộ xã Vĩnh Đồng 10 chờ duyệt" in district
    assert "Chi bộ Trường THPT Kim Bôi" in district  # a grassroots cell: approved by the district
    # The secretary sees no approval link and cannot open the committee's page.
    assert get(client, personas.secretary, "/danh-gia/duyet/KB.01/2021/").status_code == 404
    page = text(get(client, personas.kimboi, "/danh-gia/duyet/KB.01/2021/").content.decode())
    assert "Chi bộ xóm Mớ Đá" in page and "10 chờ duyệt" in page and "còn 4 chưa xếp loại" in page
    response = client.post("/danh-gia/duyet/KB.01/2021/", {"chi_bo": "KB.01.01"}, follow=True)
    assert "Đã duyệt 10 kết quả xếp loại năm 2021 của Chi bộ xóm Mớ Đá." in text(response.content.decode())
    assert set(Rating.objects.values_list("status", flat=True)) == {RatingStatus.APPROVED}


# --- report --------------------------------------------------------------------------


def test_report_counts_and_percentages_by_unit_and_year(client, personas, cells, province):
    mine, other, ls = cells
    for m, level in zip(mine, ["xuat_sac"] + ["tot"] * 7 + ["hoan_thanh", "khong_hoan_thanh"], strict=True):
        rating_enter(by=None, membership=m, year=2021, level=level, today=TODAY)
    for m in other[:3]:
        rating_enter(by=None, membership=m, year=2020, level="tot", today=TODAY)
    rating_enter(by=None, membership=ls[0], year=2021, level="xuat_sac", today=TODAY)
    page = get(client, personas.kimboi, "/danh-gia/?don-vi=KB.01&nam=2021").content.decode()
    flat = text(page)
    assert "năm 2021, so sánh với 2020." in flat  # 2019 has no rating anywhere: left out
    assert 'data-year="2019"' not in page
    import re

    def row(unit, year):
        match = re.search(rf'<tr[^>]*data-unit="{unit}" data-year="{year}">(.*?)</tr>', page, re.S)
        assert match, (unit, year)
        return text(match.group(1))

    assert row("KB.01.01", 2021) == ("Chi bộ xóm Mớ Đá 2021 10 1 10,0% 7 70,0% 1 10,0% 1 10,0%")
    assert row("KB.01.02", 2020).endswith("2020 3 0 0,0% 3 100,0% 0 0,0% 0 0,0%")
    assert row("KB.01.02", 2021).endswith("2021 0 0 — 0 — 0 — 0 —")
    assert row("tong", 2021).endswith("2021 10 1 10,0% 7 70,0% 1 10,0% 1 10,0%")
    assert "Lạc Sơn" not in flat
    # The province sees both districts; Lạc Sơn's one "xuất sắc" counts there.
    page = get(client, personas.provincial, "/danh-gia/?nam=2021").content.decode()
    assert row("LS", 2021).endswith("2021 1 1 100,0% 0 0,0% 0 0,0% 0 0,0%")
    assert row("tong", 2021).endswith("2021 11 2 18,2% 7 63,6% 1 9,1% 1 9,1%")


# --- screening -----------------------------------------------------------------------


def test_screening_list_and_case_page(client, personas, cells, province):
    a = cells[0][0]
    rating_enter(by=None, membership=a, year=2020, level="khong_hoan_thanh", today=TODAY)
    rating_enter(by=None, membership=a, year=2021, level="khong_hoan_thanh", today=TODAY)
    page = text(get(client, personas.kimboi, "/danh-gia/sang-loc/KB/2021/").content.decode())
    assert a.person.full_name in page and "Hai năm liên tiếp" in page
    page = text(get(client, personas.secretary, "/danh-gia/sang-loc/KB.01.01/2021/").content.decode())
    assert "Đưa ra chi bộ xem xét" in page
    response = client.post("/danh-gia/sang-loc/KB.01.01/2021/", {"dang_vien": a.pk}, follow=True)
    case = ScreeningCase.objects.get()
    assert response.redirect_chain[-1][0] == f"/danh-gia/sang-loc/truong-hop/{case.pk}/"
    # The same button again (a second tab, a second officer): refused with the reason.
    again = client.post("/danh-gia/sang-loc/KB.01.01/2021/", {"dang_vien": a.pk})
    assert again.status_code == 400
    assert f"Đã có trường hợp sàng lọc năm 2021 của {a.person.full_name}" in text(
        again.content.decode())
    assert ScreeningCase.objects.count() == 1
    # 13 votes with 3 of 15 exempt: refused with the figures, nothing saved.
    bad = client.post(f"/danh-gia/sang-loc/truong-hop/{case.pk}/", {
        "action": "vote", "voted_on": "20/01/2022", "official_members": "15",
        "exempt_members": "3", "yes_votes": "13"})
    assert bad.status_code == 400, bad.content.decode()[-3000:]
    assert "(12 = 15 chính thức − 3 miễn sinh hoạt)" in text(bad.content.decode())
    case.refresh_from_db()
    assert case.status == ScreeningStatus.OPEN
    ok = client.post(f"/danh-gia/sang-loc/truong-hop/{case.pk}/", {
        "action": "vote", "voted_on": "20/01/2022", "official_members": "15",
        "exempt_members": "3", "yes_votes": "10"}, follow=True)
    flat = text(ok.content.decode())
    assert "10/12 phiếu tán thành" in flat and "đến ngày 20/01/2023" in flat
    # Lạc Sơn cannot open the case; the secretary cannot conclude it.
    assert get(client, personas.lacson, f"/danh-gia/sang-loc/truong-hop/{case.pk}/").status_code == 404
    client.force_login(personas.secretary)
    assert client.post(f"/danh-gia/sang-loc/truong-hop/{case.pk}/", {
        "action": "outcome", "outcome": "xoa_ten", "decision": "1-QĐ/ĐU",
        "decided_on": "01/02/2023"}).status_code == 404
    client.force_login(personas.kimboi)
    done = client.post(f"/danh-gia/sang-loc/truong-hop/{case.pk}/", {
        "action": "outcome", "outcome": "xoa_ten", "decision": "1-QĐ/ĐU",
        "decided_on": "01/02/2023"}, follow=True)
    assert "Xóa tên — số 1-QĐ/ĐU ngày 01/02/2023." in text(done.content.decode())
    a.refresh_from_db()
    assert a.ended_on == dt.date(2023, 2, 1)


def test_cell_records_lapses_and_the_flag_follows(client, personas, cells, province):
    a = cells[0][0]
    client.force_login(personas.secretary)
    for month in (2, 5):
        response = client.post("/danh-gia/sang-loc/KB.01.01/2021/", {
            "action": "lapse", "member": a.pk, "month": month, "kind": "vang_sinh_hoat"}, follow=True)
        assert "Đã ghi nhận." in text(response.content.decode())
    page = text(client.get("/danh-gia/sang-loc/KB.01.01/2021/").content.decode())
    assert "Không có đảng viên nào có dấu hiệu phải xem xét trong năm 2021." in page
    client.post("/danh-gia/sang-loc/KB.01.01/2021/", {
        "action": "lapse", "member": a.pk, "month": 9, "kind": "vang_sinh_hoat"})
    page = text(client.get("/danh-gia/sang-loc/KB.01.01/2021/").content.decode())
    assert "Bỏ sinh hoạt đảng 3 tháng trong năm không có lý do chính đáng: 3 tháng trong năm 2021." in page
    # The same month twice is refused; a member of another cell cannot be chosen.
    again = client.post("/danh-gia/sang-loc/KB.01.01/2021/", {
        "action": "lapse", "member": a.pk, "month": 9, "kind": "vang_sinh_hoat"})
    assert again.status_code == 400 and "Đã ghi nhận tháng 9/2021" in text(again.content.decode())
    other = client.post("/danh-gia/sang-loc/KB.01.01/2021/", {
        "action": "lapse", "member": cells[1][0].pk, "month": 1, "kind": "vang_sinh_hoat"})
    assert other.status_code == 400
    from dangvien.ratings.models import ActivityLapse

    assert ActivityLapse.objects.count() == 3
    # A discipline while under an earlier one: flagged.
    for day, until in (("01/03/2021", "01/03/2022"), ("01/09/2021", "")):
        client.post("/danh-gia/sang-loc/KB.01.01/2021/", {
            "action": "discipline", "member": a.pk, "form": "khien_trach", "decided_on": day,
            "until": until, "decision_number": "3-QĐ/ĐU"})
    page = text(client.get("/danh-gia/sang-loc/KB.01.01/2021/").content.decode())
    assert "Tái phạm trong thời gian đang chịu kỷ luật" in page
    # Kim Bôi's officer sees the list but records nothing at district level.
    assert "Ghi nhận tháng" not in text(get(client, personas.kimboi, "/danh-gia/sang-loc/KB/2021/").content.decode())
    assert client.post("/danh-gia/sang-loc/KB/2021/", {
        "action": "lapse", "member": a.pk, "month": 1, "kind": "vang_sinh_hoat"}).status_code == 404


def test_pages_take_a_fixed_number_of_queries(client, personas, cells, province, crowd,
                                               django_assert_max_num_queries):
    for m in cells[0]:
        rating_enter(by=None, membership=m, year=2021, level="tot", today=TODAY)
    client.force_login(personas.provincial)
    urls = ["/danh-gia/?nam=2021", "/danh-gia/?don-vi=KB.01&nam=2021",
            "/danh-gia/nhap/KB.01.01/2021/", "/danh-gia/duyet/KB.01/2021/",
            "/danh-gia/sang-loc/TU/2021/"]
    counts = {}
    for url in urls:
        with django_assert_max_num_queries(20) as q:
            assert client.get(url).status_code == 200
        counts[url] = len(q.captured_queries)
    # Twenty more members and ratings: not one query more.
    for m in crowd(province.kb_cell, 20, "Hà Văn"):
        rating_enter(by=None, membership=m, year=2021, level="hoan_thanh", today=TODAY)
    for url in urls:
        with django_assert_max_num_queries(counts[url]):
            assert client.get(url).status_code == 200


def test_approve_all_cells_at_once(client, personas, cells, province):
    mine, other, _ = cells
    ratings_enter_batch(by=personas.secretary, cell=province.kb_cell, year=2021, today=TODAY,
                        entries=[Entry(m.pk, level="tot") for m in mine])
    ratings_enter_batch(by=personas.kimboi, cell=province.kb_cell2, year=2021, today=TODAY,
                        entries=[Entry(m.pk, level="hoan_thanh") for m in other])
    client.force_login(personas.kimboi)
    page = text(client.get("/danh-gia/duyet/KB.01/2021/").content.decode())
    assert "Duyệt tất cả 2 chi bộ có kết quả chờ duyệt" in page
    done = client.post("/danh-gia/duyet/KB.01/2021/", {"chi_bo": "*"}, follow=True)
    assert "Đã duyệt 14 kết quả xếp loại năm 2021 của 2 chi bộ." in text(done.content.decode())
    assert not Rating.objects.filter(status=RatingStatus.ENTERED).exists()
