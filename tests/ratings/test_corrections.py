"""Correcting a rating with a reason (issue 13, item 2): before approval the cell (or
above) corrects, after approval only the committee that approved (or above); the old value
stays in a visible history and in the audit; the report and the screening follow at once.
The approval form and the screening case form carry version tokens too."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from dangvien.accounts.models import Role, RoleAssignment
from dangvien.audit.models import AuditEvent
from dangvien.core import versions
from dangvien.core.errors import DomainError
from dangvien.ratings.models import Rating, RatingCorrection, RatingStatus, ScreeningStatus
from dangvien.ratings.services import (
    Entry,
    rating_correct,
    rating_enter,
    ratings_approve,
    ratings_enter_batch,
    screening_open,
)
from tests.web.helpers import text as page_text

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 11, 27)
REASON = "Chi bộ họp xét lại ngày 15/01/2022, biên bản số 3"


def text(page: str) -> str:
    return re.sub(r" ([;.,:)])", r"\1", page_text(page))


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def token_of(page: str, name: str = "phien_ban") -> str:
    return re.search(rf'name="{re.escape(name)}" value="([^"]*)"', page).group(1)


@pytest.fixture
def commune(province):
    """Đảng ủy xã Vĩnh Đồng's officer: approves the ratings of its cells."""
    user = get_user_model().objects.create_user(username="xavinhdong", password="x")
    RoleAssignment.objects.create(user=user, unit=province.kb_commune, role=Role.EDITOR)
    return user


@pytest.fixture
def approved(province, personas, crowd):
    """Mớ Đá's 2021 ratings, entered by the secretary and approved by the commune."""
    members = crowd(province.kb_cell, 4)
    ratings_enter_batch(by=personas.secretary, cell=province.kb_cell, year=2021, today=TODAY,
                        entries=[Entry(m.pk, level="tot") for m in members])
    ratings_approve(by=personas.kimboi, cell=province.kb_cell, year=2021)
    return members


def report_row(page: str, unit: str, year: int) -> str:
    match = re.search(rf'<tr[^>]*data-unit="{unit}" data-year="{year}">(.*?)</tr>', page, re.S)
    return page_text(match.group(1))


def test_after_approval_the_cell_cannot_correct_the_approver_can(approved, personas, commune):
    rating = Rating.objects.get(membership=approved[0])
    url = f"/danh-gia/sua/{rating.pk}/"
    # The secretary sees the rating and who may correct it, but no form; a POST is refused.
    secretary = signed_in(personas.secretary)
    page = text(secretary.get(url).content.decode())
    assert "Kết quả đã được duyệt: chỉ Đảng bộ xã Vĩnh Đồng (cấp đã duyệt) hoặc cấp trên sửa được" in page
    assert "Lưu sửa đổi" not in page
    refused = secretary.post(url, {"level": "xuat_sac", "reason": REASON,
                                   "phien_ban": versions.token(rating)})
    assert refused.status_code == 400
    assert "đã được duyệt: chỉ Đảng bộ xã Vĩnh Đồng (cấp đã duyệt) hoặc cấp trên mới sửa được" in text(
        refused.content.decode())
    with pytest.raises(DomainError, match="cấp đã duyệt"):
        rating_correct(by=personas.secretary, rating=rating, level="xuat_sac", reason=REASON)
    assert Rating.objects.get(pk=rating.pk).level == "tot"
    assert not RatingCorrection.objects.exists()
    # The commune that approved corrects it, with a reason.
    officer = signed_in(commune)
    form = officer.get(url).content.decode()
    assert "Lưu sửa đổi" in form
    done = officer.post(url, {"level": "xuat_sac", "reason": REASON,
                              "phien_ban": token_of(form)}, follow=True)
    page = text(done.content.decode())
    assert f"Đã sửa kết quả xếp loại năm 2021 của {approved[0].person.full_name}." in page
    assert (f"Sửa xếp loại Hoàn thành tốt nhiệm vụ → Hoàn thành xuất sắc nhiệm vụ (sau khi đã "
            f"duyệt), lý do: {REASON}, bởi xavinhdong, lúc ") in page
    rating.refresh_from_db()
    assert (rating.level, rating.status) == ("xuat_sac", RatingStatus.APPROVED)
    event = AuditEvent.objects.get(action="rating.correct")
    assert (event.before["level"], event.after["level"], event.after["reason"]) == (
        "tot", "xuat_sac", REASON)
    assert event.actor_name == "xavinhdong"
    # The history shows on the cell's sheet too, under the member.
    sheet = text(secretary.get("/danh-gia/nhap/KB.01.01/2021/").content.decode())
    assert "Sửa xếp loại Hoàn thành tốt nhiệm vụ → Hoàn thành xuất sắc nhiệm vụ (sau khi đã duyệt)" in sheet
    # The district (above the approver) may correct too.
    rating_correct(by=personas.kimboi, rating=rating, level="tot", reason=REASON,
                   version=None)
    assert RatingCorrection.objects.count() == 2


def test_the_report_and_screening_follow_a_correction(approved, personas, province, commune):
    member = approved[0]
    rating_enter(by=None, membership=member, year=2020, level="khong_hoan_thanh", today=TODAY)
    district = signed_in(personas.kimboi)
    report = district.get("/danh-gia/?don-vi=KB.01&nam=2021").content.decode()
    assert report_row(report, "KB.01.01", 2021) == (
        "Chi bộ xóm Mớ Đá 2021 4 0 0,0% 4 100,0% 0 0,0% 0 0,0%")
    screening = text(district.get("/danh-gia/sang-loc/KB/2021/").content.decode())
    assert member.person.full_name not in screening
    rating = Rating.objects.get(membership=member, year=2021)
    rating_correct(by=commune, rating=rating, level="khong_hoan_thanh", reason=REASON)
    report = district.get("/danh-gia/?don-vi=KB.01&nam=2021").content.decode()
    assert report_row(report, "KB.01.01", 2021) == (
        "Chi bộ xóm Mớ Đá 2021 4 0 0,0% 3 75,0% 0 0,0% 1 25,0%")
    screening = text(district.get("/danh-gia/sang-loc/KB/2021/").content.decode())
    assert member.person.full_name in screening
    assert "Không hoàn thành nhiệm vụ năm 2020 và năm 2021." in screening


def test_before_approval_the_cell_corrects_with_a_reason(province, personas, crowd):
    member = crowd(province.kb_cell, 1)[0]
    rating = rating_enter(by=personas.secretary, membership=member, year=2021, level="tot",
                          today=TODAY)
    url = f"/danh-gia/sua/{rating.pk}/"
    secretary = signed_in(personas.secretary)
    form = secretary.get(url).content.decode()
    assert "Kết quả chưa duyệt: chi bộ hoặc cấp trên sửa." in text(form)
    for reason, message in (("", "Hãy ghi lý do sửa (ít nhất 10 ký tự)."),
                            ("nhầm", "Hãy ghi lý do sửa (ít nhất 10 ký tự), ví dụ:"),
                            ("   nhầm      mức ", "Hãy ghi lý do sửa (ít nhất 10 ký tự), ví dụ:")):
        refused = secretary.post(url, {"level": "hoan_thanh", "reason": reason,
                                       "phien_ban": token_of(form)})
        assert refused.status_code == 400 and message in text(refused.content.decode())
    same = secretary.post(url, {"level": "tot", "reason": REASON, "phien_ban": token_of(form)})
    assert "Mức mới giống mức đang lưu (Hoàn thành tốt nhiệm vụ): không có gì để sửa." in text(
        same.content.decode())
    assert not RatingCorrection.objects.exists() and Rating.objects.get().level == "tot"
    done = secretary.post(url, {"level": "hoan_thanh", "reason": REASON,
                                "phien_ban": token_of(form)}, follow=True)
    assert "Sửa xếp loại Hoàn thành tốt nhiệm vụ → Hoàn thành nhiệm vụ, lý do: " in text(
        done.content.decode())
    assert Rating.objects.get().status == RatingStatus.ENTERED


@pytest.mark.parametrize("who", ["lacson", "outsider"])
def test_outside_scope_is_404(approved, personas, who):
    rating = Rating.objects.get(membership=approved[0])
    client = signed_in(getattr(personas, who))
    assert client.get(f"/danh-gia/sua/{rating.pk}/").status_code == 404
    assert client.post(f"/danh-gia/sua/{rating.pk}/", {"level": "xuat_sac",
                                                       "reason": REASON}).status_code == 404
    assert client.get("/danh-gia/sua/99999999/").status_code == 404
    assert Rating.objects.get(pk=rating.pk).level == "tot"


def test_secretary_of_another_cell_gets_404(province, personas, crowd):
    other = crowd(province.kb_cell2, 1)[0]
    rating = rating_enter(by=None, membership=other, year=2021, level="tot", today=TODAY)
    assert signed_in(personas.secretary).get(f"/danh-gia/sua/{rating.pk}/").status_code == 404


def test_two_correctors_at_once_second_is_refused_then_reapplies(approved, personas, commune):
    rating = Rating.objects.get(membership=approved[1])
    url = f"/danh-gia/sua/{rating.pk}/"
    first, second = signed_in(commune), signed_in(personas.kimboi)
    a, b = first.get(url).content.decode(), second.get(url).content.decode()
    assert first.post(url, {"level": "xuat_sac", "reason": REASON,
                            "phien_ban": token_of(a)}).status_code == 302
    stale = second.post(url, {"level": "hoan_thanh", "reason": "Nhập nhầm người, sửa lại",
                              "phien_ban": token_of(b)})
    assert stale.status_code == 400
    page = text(stale.content.decode())
    assert "Không lưu: kết quả xếp loại năm 2021 của" in page and "đã được xavinhdong lúc" in page
    assert "mức xếp loại: Hoàn thành tốt nhiệm vụ → Hoàn thành xuất sắc nhiệm vụ" in page
    assert "Nhập nhầm người, sửa lại" in page  # her reason is kept
    assert Rating.objects.get(pk=rating.pk).level == "xuat_sac"
    again = second.post(url, {"level": "hoan_thanh", "reason": "Nhập nhầm người, sửa lại",
                              "phien_ban": token_of(stale.content.decode())}, follow=True)
    assert "Sửa xếp loại Hoàn thành xuất sắc nhiệm vụ → Hoàn thành nhiệm vụ (sau khi đã duyệt)" in text(
        again.content.decode())
    assert Rating.objects.get(pk=rating.pk).level == "hoan_thanh"


@pytest.mark.parametrize(("data", "message"), [
    ({"score": "9" * 50}, "Điểm phải từ 0 đến 100."),
    ({"score": "9" * 5000}, "Điểm phải là số nguyên từ 0 đến 100."),
    ({"score": "-1"}, "Điểm phải từ 0 đến 100."),
    ({"score": "abc"}, "Điểm phải là số nguyên từ 0 đến 100."),
    ({"score": "80", "reason": "lý do\x00 hỏng hỏng"}, "ký tự NUL"),
    ({"score": "80", "phien_ban": "rác"}, "Trang đã cũ hoặc bị sửa"),
])
def test_garbage_on_the_correction_form_is_one_message(province, personas, crowd, data, message):
    member = crowd(province.kb_cell, 1)[0]
    rating = rating_enter(by=None, membership=member, year=2025, score=75, today=TODAY)
    client = signed_in(personas.secretary)
    response = client.post(f"/danh-gia/sua/{rating.pk}/", {"reason": REASON} | data)
    assert response.status_code == 400
    assert message in text(response.content.decode())
    assert Rating.objects.get().score == 75


def test_a_score_year_is_corrected_by_score(province, personas, crowd):
    member = crowd(province.kb_cell, 1)[0]
    rating = rating_enter(by=None, membership=member, year=2025, score=75, today=TODAY)
    corrected = rating_correct(by=personas.secretary, rating=rating, score=92, reason=REASON)
    assert (corrected.level, corrected.score) == ("xuat_sac", 92)
    assert RatingCorrection.objects.get().line.startswith(
        "Sửa xếp loại Hoàn thành tốt nhiệm vụ (75 điểm) → Hoàn thành xuất sắc nhiệm vụ (92 điểm), ")


# --- approval and screening forms carry tokens ------------------------------------------


def test_approval_refused_when_the_cell_changed_after_the_page_was_opened(province, personas,
                                                                          crowd):
    members = crowd(province.kb_cell, 3)
    ratings_enter_batch(by=personas.secretary, cell=province.kb_cell, year=2021, today=TODAY,
                        entries=[Entry(m.pk, level="tot") for m in members])
    district = signed_in(personas.kimboi)
    page = district.get("/danh-gia/duyet/KB.01/2021/").content.decode()
    form = {"chi_bo": "KB.01.01", "v-KB.01.01": token_of(page, "v-KB.01.01")}
    # The secretary changes one rating while the approval page is open.
    ratings_enter_batch(by=personas.secretary, cell=province.kb_cell, year=2021, today=TODAY,
                        entries=[Entry(members[0].pk, level="xuat_sac")])
    refused = district.post("/danh-gia/duyet/KB.01/2021/", form)
    assert refused.status_code == 409
    flat = text(refused.content.decode())
    assert "Chưa duyệt: kết quả xếp loại của Chi bộ xóm Mớ Đá đã được nhập hoặc sửa sau khi bạn mở trang" in flat
    assert re.search(rf"chibo lúc \d\d:\d\d ngày \d\d/\d\d/\d{{4}}: {members[0].person.full_name}: "
                     "Hoàn thành tốt nhiệm vụ → Hoàn thành xuất sắc nhiệm vụ", flat)
    assert not Rating.objects.filter(status=RatingStatus.APPROVED).exists()
    # The refreshed page approves what it shows.
    again = {"chi_bo": "KB.01.01",
             "v-KB.01.01": token_of(refused.content.decode(), "v-KB.01.01")}
    done = district.post("/danh-gia/duyet/KB.01/2021/", again, follow=True)
    assert "Đã duyệt 3 kết quả xếp loại năm 2021 của Chi bộ xóm Mớ Đá." in text(done.content.decode())
    assert Rating.objects.filter(status=RatingStatus.APPROVED).count() == 3


def test_approve_all_refuses_every_cell_when_one_changed(province, personas, crowd):
    mine, other = crowd(province.kb_cell, 2), crowd(province.kb_cell2, 2, "Hà Thị")
    ratings_enter_batch(by=personas.secretary, cell=province.kb_cell, year=2021, today=TODAY,
                        entries=[Entry(m.pk, level="tot") for m in mine])
    ratings_enter_batch(by=personas.kimboi, cell=province.kb_cell2, year=2021, today=TODAY,
                        entries=[Entry(m.pk, level="tot") for m in other])
    district = signed_in(personas.kimboi)
    page = district.get("/danh-gia/duyet/KB.01/2021/").content.decode()
    all_form = page.split('name="chi_bo" value="*"', 1)[1].split("</form>", 1)[0]
    form = dict(re.findall(r'name="(v-[^"]+)" value="([^"]*)"', all_form)) | {"chi_bo": "*"}
    assert set(form) == {"chi_bo", "v-KB.01.01", "v-KB.01.02"}
    ratings_enter_batch(by=personas.kimboi, cell=province.kb_cell2, year=2021, today=TODAY,
                        entries=[Entry(other[0].pk, level="hoan_thanh")])
    assert district.post("/danh-gia/duyet/KB.01/2021/", form).status_code == 409
    assert not Rating.objects.filter(status=RatingStatus.APPROVED).exists()


def test_case_outcome_from_a_page_older_than_the_vote_is_refused_then_reapplied(
        province, personas, crowd):
    member = crowd(province.kb_cell, 1)[0]
    rating_enter(by=None, membership=member, year=2020, level="khong_hoan_thanh", today=TODAY)
    rating_enter(by=None, membership=member, year=2021, level="khong_hoan_thanh", today=TODAY)
    case = screening_open(by=personas.secretary, membership=member, year=2021)
    url = f"/danh-gia/sang-loc/truong-hop/{case.pk}/"
    district, secretary = signed_in(personas.kimboi), signed_in(personas.secretary)
    old = district.get(url).content.decode()
    outcome = {"action": "outcome", "outcome": "tien_bo", "decision": "5-QĐ/ĐU",
               "decided_on": "01/03/2023", "note": "", "phien_ban": token_of(old)}
    vote_page = secretary.get(url).content.decode()
    assert secretary.post(url, {
        "action": "vote", "voted_on": "20/01/2022", "official_members": "15",
        "exempt_members": "0", "yes_votes": "11", "phien_ban": token_of(vote_page)}).status_code == 302
    stale = district.post(url, outcome)
    assert stale.status_code == 400
    flat = text(stale.content.decode())
    assert "Không lưu: trường hợp sàng lọc của" in flat and "đã được chibo lúc" in flat
    assert "tình trạng: Chờ chi bộ biểu quyết → Đang giáo dục, giúp đỡ" in flat
    case.refresh_from_db()
    assert case.status == ScreeningStatus.EDUCATION
    # Her input is kept with a fresh token: one more click records it.
    assert 'value="5-QĐ/ĐU"' in stale.content.decode()
    done = district.post(url, outcome | {"phien_ban": token_of(stale.content.decode())},
                         follow=True)
    assert "Tiến bộ, đưa ra khỏi diện giáo dục, giúp đỡ — số 5-QĐ/ĐU" in text(done.content.decode())


def test_a_second_vote_from_an_old_page_names_the_first(province, personas, crowd):
    member = crowd(province.kb_cell, 1)[0]
    rating_enter(by=None, membership=member, year=2020, level="khong_hoan_thanh", today=TODAY)
    rating_enter(by=None, membership=member, year=2021, level="khong_hoan_thanh", today=TODAY)
    case = screening_open(by=personas.secretary, membership=member, year=2021)
    url = f"/danh-gia/sang-loc/truong-hop/{case.pk}/"
    first, second = signed_in(personas.secretary), signed_in(personas.kimboi)
    a, b = first.get(url).content.decode(), second.get(url).content.decode()
    vote = {"action": "vote", "voted_on": "20/01/2022", "official_members": "15",
            "exempt_members": "0"}
    assert first.post(url, vote | {"yes_votes": "11", "phien_ban": token_of(a)}).status_code == 302
    late = second.post(url, vote | {"yes_votes": "4", "phien_ban": token_of(b)})
    assert late.status_code == 400
    assert "đã được chibo lúc" in text(late.content.decode())
    case.refresh_from_db()
    assert case.yes_votes == 11
