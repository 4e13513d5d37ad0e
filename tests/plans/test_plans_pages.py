"""The plan pages: list by year, new plan, plan page with allocations, issue and revise forms."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from dangvien.org.models import PlaceKind, UnitKind
from dangvien.org.services import unit_create
from dangvien.plans.models import Allocation, Plan, PlanStatus
from dangvien.plans.services import plan_allocate, plan_create
from tests.conftest import START
from tests.plans.test_plans import TITLE, draft_of, kb_approver, tu_plan
from tests.web.helpers import text

__all__ = ["kb_approver", "tu_plan"]  # fixtures used here

pytestmark = pytest.mark.django_db


@pytest.fixture
def kb_plan(province, personas, tu_plan):
    """25-KH/HU, Kim Bôi's draft implementing 77-KH/TU."""
    return plan_create(by=personas.kimboi, unit=province.kb, year=2022, number="25-KH/HU",
                       title=TITLE, target=150, parent=tu_plan)


def get(client, user, url):
    client.force_login(user)
    return client.get(url)


# --- list and nav ----------------------------------------------------------------------


def test_nav_has_plans_and_list_shows_plans_by_year(client, personas, tu_plan, kb_plan):
    response = get(client, personas.provincial, "/ke-hoach/")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'href="/ke-hoach/" aria-current="page"' in html and ">Kế hoạch<" in html
    page = text(html)
    assert "77-KH/TU" in page and "25-KH/HU" in page and "1.600" in page
    assert "14/02/2022" in page and "Năm 2022" in page
    assert "thực hiện Kế hoạch số 77-KH/TU" in page
    assert "Dự thảo" in page  # Kim Bôi's draft
    # Kim Bôi sees its own plan only.
    page = text(get(client, personas.kimboi, "/ke-hoach/").content.decode())
    assert "25-KH/HU" in page and "77-KH/TU Tỉnh ủy" not in page
    # An outsider sees none.
    page = text(get(client, personas.outsider, "/ke-hoach/").content.decode())
    assert "Chưa có kế hoạch nào" in page and "Lập kế hoạch" not in page


def test_list_year_filter(client, personas, province, tu_plan):
    plan_create(by=None, unit=province.tu, year=2021, number="15-KH/TU", title="KH 2021",
                target=1650)
    page = text(get(client, personas.provincial, "/ke-hoach/?nam=2021").content.decode())
    assert "15-KH/TU" in page and "77-KH/TU" not in page
    page = text(get(client, personas.provincial, "/ke-hoach/").content.decode())
    assert "77-KH/TU" in page and "15-KH/TU" not in page  # the newest year by default


# --- the plan page ---------------------------------------------------------------------


def test_plan_page_in_party_style_with_vietnamese_numbers(client, personas, tu_plan, kb_plan):
    response = get(client, personas.provincial, f"/ke-hoach/{tu_plan.pk}/")
    assert response.status_code == 200
    page = text(response.content.decode())
    assert "TỈNH ỦY HÒA BÌNH * Số 77-KH/TU" in page
    assert "ĐẢNG CỘNG SẢN VIỆT NAM Hòa Bình, ngày 14 tháng 02 năm 2022" in page
    assert "KẾ HOẠCH phát triển đảng viên năm 2022" in page
    assert "kết nạp 1.600 đảng viên mới trở lên" in page
    assert "Huyện ủy Kim Bôi 150 25-KH/HU dự thảo 150 đáp ứng" in page
    assert "Huyện ủy Lạc Sơn 1.450 chưa có" in page
    assert "Tổng cộng 1.600" in page
    assert "đủ chỉ tiêu 1.600" in page
    # Issued, with no draft: no allocation inputs; a revision form for the editor.
    assert 'name="target"' in response.content.decode()  # the revision's target
    assert "Lập bản điều chỉnh lần 2" in page
    assert "Lưu chỉ tiêu giao" not in page


def test_kim_boi_page_names_the_parent_plan_without_a_link(client, personas, province, tu_plan,
                                                           kb_plan):
    html = get(client, personas.kimboi, f"/ke-hoach/{kb_plan.pk}/").content.decode()
    page = text(html)
    assert "Thực hiện kế hoạch cấp trên Kế hoạch số 77-KH/TU của Tỉnh ủy Hòa Bình" in page
    assert f'href="/ke-hoach/{tu_plan.pk}/"' not in html
    assert "Cấp trên giao cho Huyện ủy Kim Bôi 150 đáp ứng" in page
    assert "ĐẢNG BỘ TỈNH HÒA BÌNH HUYỆN ỦY KIM BÔI * Số 25-KH/HU" in page
    assert "Dự thảo, chưa ban hành" in page
    # Draft: one input per grassroots organisation, and no issue button for an editor.
    assert f'name="u{province.kb_commune.pk}"' in html
    assert "Lưu chỉ tiêu giao" in page
    assert "Chưa đơn vị trực thuộc nào có kế hoạch riêng năm 2022" in page
    assert "Kế hoạch riêng" not in page
    assert "Người có quyền phê duyệt của Huyện ủy Kim Bôi ban hành kế hoạch" in page
    assert f'action="/ke-hoach/{kb_plan.pk}/ban-hanh/"' not in html
    # The provincial officer sees the link to the parent.
    html = get(client, personas.provincial, f"/ke-hoach/{kb_plan.pk}/").content.decode()
    assert f'href="/ke-hoach/{tu_plan.pk}/"' in html


def test_scope_outside_is_404_and_nothing_changes(client, personas, province, tu_plan, kb_plan):
    assert get(client, personas.lacson, f"/ke-hoach/{kb_plan.pk}/").status_code == 404
    assert get(client, personas.kimboi, f"/ke-hoach/{tu_plan.pk}/").status_code == 404
    assert get(client, personas.outsider, f"/ke-hoach/{kb_plan.pk}/").status_code == 404
    client.force_login(personas.lacson)
    key = f"u{province.kb_commune.pk}"
    for url in ("giao-chi-tieu", "ban-hanh", "dieu-chinh"):
        response = client.post(f"/ke-hoach/{kb_plan.pk}/{url}/",
                               {"target": "150", key: "150", "issued_on": "25/02/2022",
                                "note": "x"})
        assert response.status_code == 404
    assert not Allocation.objects.filter(version__plan=kb_plan).exists()
    assert get(client, personas.provincial, "/ke-hoach/999999/").status_code == 404


def test_allocate_through_the_page_reads_vietnamese_numbers(client, personas, province, kb_plan):
    client.force_login(personas.kimboi)
    response = client.post(f"/ke-hoach/{kb_plan.pk}/giao-chi-tieu/", {
        "target": "150", f"u{province.kb_commune.pk}": "108", f"u{province.kb_school.pk}": "42"})
    assert response.status_code == 302
    assert dict(draft_of(kb_plan).allocations.values_list("unit__code", "target")) == {
        "KB.01": 108, "KB.02": 42}
    page = text(client.get(response["Location"].split("#")[0]).content.decode())
    assert "đủ chỉ tiêu 150" in page
    # "1.600" is one thousand six hundred; "1,5" and letters are refused on their box.
    response = client.post(f"/ke-hoach/{kb_plan.pk}/giao-chi-tieu/", {
        "target": "1.600", f"u{province.kb_commune.pk}": "1,5", f"u{province.kb_school.pk}": "ba"})
    assert response.status_code == 400
    assert text(response.content.decode()).count("Hãy nhập một số nguyên không âm") == 2
    assert draft_of(kb_plan).target == 150
    # An empty box gives the unit no target; a shortfall shows the remainder.
    response = client.post(f"/ke-hoach/{kb_plan.pk}/giao-chi-tieu/", {
        "target": "1.600", f"u{province.kb_commune.pk}": "1.500", f"u{province.kb_school.pk}": ""})
    assert response.status_code == 302
    assert draft_of(kb_plan).target == 1600
    page = text(client.get(f"/ke-hoach/{kb_plan.pk}/").content.decode())
    assert "còn thiếu 100" in page


def test_issue_refused_on_the_page_saves_nothing(client, personas, province, tu_plan, kb_plan,
                                                  kb_approver):
    plan_allocate(by=personas.kimboi, version=draft_of(kb_plan),
                  allocations={province.kb_commune: 100, province.kb_school: 40})
    client.force_login(kb_approver)
    response = client.post(f"/ke-hoach/{kb_plan.pk}/ban-hanh/", {"issued_on": "25/02/2022"})
    assert response.status_code == 400
    page = text(response.content.decode())
    assert ("Tổng chỉ tiêu đã giao 140 thấp hơn chỉ tiêu của kế hoạch 150: còn thiếu 10." in page)
    assert "Chưa ban hành: không có gì thay đổi." in page
    assert draft_of(kb_plan).status == PlanStatus.DRAFT
    plan_allocate(by=personas.kimboi, version=draft_of(kb_plan),
                  allocations={province.kb_commune: 110, province.kb_school: 42})
    response = client.post(f"/ke-hoach/{kb_plan.pk}/ban-hanh/", {"issued_on": "25/02/2022"})
    assert response.status_code == 302
    version = kb_plan.versions.get()
    assert (version.status, version.issued_on) == (PlanStatus.ISSUED, dt.date(2022, 2, 25))
    page = text(client.get(f"/ke-hoach/{kb_plan.pk}/").content.decode())
    assert "Kim Bôi, ngày 25 tháng 02 năm 2022" in page
    assert "giao vượt 2" in page


def test_revise_through_the_page_and_view_old_versions(client, personas, province, tu_plan):
    client.force_login(personas.provincial)
    response = client.post(f"/ke-hoach/{tu_plan.pk}/dieu-chinh/", {"target": "", "note": ""})
    assert response.status_code == 400
    response = client.post(f"/ke-hoach/{tu_plan.pk}/dieu-chinh/",
                           {"target": "1.650", "note": "Điều chỉnh sau sơ kết 6 tháng"})
    assert response.status_code == 302
    html = client.get(f"/ke-hoach/{tu_plan.pk}/").content.decode()
    page = text(html)
    assert "Lần 2 (đang xem) Dự thảo" in page and "Lần 1 Đã ban hành 14/02/2022 1.600 1.600" in page
    assert "còn thiếu 50" in page  # the draft copied 1.600 against 1.650
    assert "Lưu chỉ tiêu giao" in page and "Ban hành bản điều chỉnh lần 2" in page
    page = text(client.get(f"/ke-hoach/{tu_plan.pk}/?lan=1").content.decode())
    assert "Lần 1 (đang xem)" in page and "Lưu chỉ tiêu giao" not in page
    response = client.post(f"/ke-hoach/{tu_plan.pk}/giao-chi-tieu/", {
        "target": "1650", f"u{province.kb.pk}": "160", f"u{province.ls.pk}": "1490"})
    assert response.status_code == 302
    response = client.post(f"/ke-hoach/{tu_plan.pk}/ban-hanh/", {"issued_on": "15/07/2022"})
    assert response.status_code == 302
    page = text(client.get(f"/ke-hoach/{tu_plan.pk}/").content.decode())
    assert "Lần 1 Đã được điều chỉnh (còn lưu) 14/02/2022 1.600" in page
    assert "Lần 2 (đang xem) Đã ban hành 15/07/2022 1.650 1.650 Điều chỉnh sau sơ kết 6 tháng" in page
    assert "ngày 15 tháng 07 năm 2022" in page


def test_create_through_the_page(client, personas, province, tu_plan):
    client.force_login(personas.kimboi)
    page = text(client.get("/ke-hoach/moi/").content.decode())
    assert "Cấp ủy và năm kế hoạch" in page and "Huyện ủy Kim Bôi" in page
    assert "Huyện ủy Lạc Sơn" not in page
    response = client.get("/ke-hoach/moi/?don-vi=KB&nam=2022")
    html = response.content.decode()
    assert "Kế hoạch số 77-KH/TU của Tỉnh ủy Hòa Bình" in html
    assert 'placeholder="Ví dụ: 25-KH/HU"' in html
    response = client.post("/ke-hoach/moi/?don-vi=KB&nam=2022", {
        "number": "25-kh/hu", "title": TITLE, "target": "140", "parent": str(tu_plan.pk)})
    assert response.status_code == 302
    plan = Plan.objects.get(number="25-KH/HU")
    assert (plan.unit, plan.parent, draft_of(plan).target) == (province.kb, tu_plan, 140)
    # The same number again: shown on its box, nothing saved.
    response = client.post("/ke-hoach/moi/?don-vi=KB&nam=2022", {
        "number": "25-KH/HU", "title": TITLE, "target": "150", "parent": ""})
    assert response.status_code == 400
    assert "đã có Kế hoạch số 25-KH/HU năm 2022" in text(response.content.decode())
    assert Plan.objects.filter(unit=province.kb).count() == 1
    # Lạc Sơn is not Kim Bôi's to plan for.
    assert client.get("/ke-hoach/moi/?don-vi=LS&nam=2022").status_code in (200, 404)
    response = client.post("/ke-hoach/moi/?don-vi=LS&nam=2022", {
        "number": "30-KH/HU", "title": TITLE, "target": "150", "parent": ""})
    assert not Plan.objects.filter(unit=province.ls).exists()
    assert get(client, personas.outsider, "/ke-hoach/moi/").status_code == 404


# --- queries ---------------------------------------------------------------------------


def _queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_plan_page_queries_do_not_grow_with_units(client, personas, province, tu_plan, kb_plan):
    def add_communes(start: int, count: int) -> None:
        units = []
        for i in range(start, start + count):
            unit = unit_create(by=None, parent=province.kb, code=f"KB.X{i:02d}",
                               name=f"Đảng bộ xã Thử {i}", kind=UnitKind.GRASSROOTS_COMMITTEE,
                               place_kind=PlaceKind.COMMUNE, valid_from=START)
            units.append(unit)
            plan_create(by=None, unit=unit, year=2022, number=f"{i + 1}-KH/ĐU", title=TITLE,
                        target=3, parent=kb_plan)
        given = dict(draft_of(kb_plan).allocations.values_list("unit", "target"))
        allocations = {u: given[u.pk] for u in type(province.kb).objects.filter(pk__in=given)}
        plan_allocate(by=None, version=draft_of(kb_plan),
                      allocations={**allocations, **{u: 13 for u in units}})

    client.force_login(personas.provincial)
    urls = [f"/ke-hoach/{tu_plan.pk}/", f"/ke-hoach/{kb_plan.pk}/", "/ke-hoach/"]
    add_communes(0, 1)
    few = [_queries(client, url) for url in urls]
    add_communes(1, 12)
    many = [_queries(client, url) for url in urls]
    assert many == few
    assert max(many) <= 20


# --- two people at once ----------------------------------------------------------------


def _token(html: str, form_action: str) -> str:
    """The version token of the form posting to `form_action` on a page."""
    import re

    form = html.split(f'action="{form_action}"', 1)[1].split("</form>", 1)[0]
    return re.search(r'name="phien_ban" value="([^"]*)"', form).group(1)


def test_second_officer_saving_allocations_over_a_newer_draft_is_told_and_can_reapply(
        client, personas, province, kb_plan):
    from django.test import Client

    url = f"/ke-hoach/{kb_plan.pk}/"
    action = f"/ke-hoach/{kb_plan.pk}/giao-chi-tieu/"
    other = Client()
    client.force_login(personas.kimboi)
    other.force_login(personas.provincial)
    mine = _token(client.get(url).content.decode(), action)
    theirs = _token(other.get(url).content.decode(), action)
    commune, school = f"u{province.kb_commune.pk}", f"u{province.kb_school.pk}"
    response = client.post(action, {"target": "150", commune: "108", school: "42",
                                    "phien_ban": mine})
    assert response.status_code == 302
    # The provincial officer loaded the page before that save: his save is refused.
    response = other.post(action, {"target": "150", commune: "100", school: "55",
                                   "phien_ban": theirs})
    assert response.status_code == 400
    page = text(response.content.decode())
    assert "Không lưu: Chỉ tiêu giao của Kế hoạch số 25-KH/HU đã được kimboi lúc" in page
    assert "chỉ tiêu giao KB.01: (trống) → 108" in page
    assert dict(draft_of(kb_plan).allocations.values_list("unit__code", "target")) == {
        "KB.01": 108, "KB.02": 42}
    # His input is still in the boxes, with the fresh version: one more save re-applies it.
    html = response.content.decode()
    assert f'name="{commune}" value="100"' in html
    fresh = _token(html, action)
    assert fresh != theirs
    response = other.post(action, {"target": "150", commune: "100", school: "55",
                                   "phien_ban": fresh})
    assert response.status_code == 302
    assert dict(draft_of(kb_plan).allocations.values_list("unit__code", "target")) == {
        "KB.01": 100, "KB.02": 55}
    # A forged version is refused with a message, not a server error.
    response = client.post(action, {"target": "150", commune: "1", "phien_ban": "x.y"})
    assert response.status_code == 400
    assert "Trang đã cũ hoặc bị sửa" in text(response.content.decode())
