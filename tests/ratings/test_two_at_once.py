"""Two secretaries on one rating sheet (issue 13, item 5): each row carries its own
version; a save writes only the rows its user changed; a row someone else changed since
the page was loaded is not overwritten but shown (who, what, when) with the user's choice
kept, and the next save applies it on purpose."""

from __future__ import annotations

import html
import re

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from dangvien.accounts.models import Role, RoleAssignment
from dangvien.audit.models import AuditEvent
from dangvien.ratings.models import Rating, RatingStatus
from dangvien.ratings.services import ratings_approve
from tests.web.helpers import text as page_text

pytestmark = pytest.mark.django_db
SHEET = "/danh-gia/nhap/KB.01.01/2021/"
SHEET_2025 = "/danh-gia/nhap/KB.01.01/2025/"


def text(page: str) -> str:
    """Visible text, without the space a tag leaves before punctuation."""
    return re.sub(r" ([;.,:)])", r"\1", page_text(page))


def form_of(page: str) -> dict[str, str]:
    """What the browser would send from the sheet as loaded: hidden fields, checked radios
    and score boxes."""
    form = page.split('id="rt-form"', 1)[1].split("</form>", 1)[0]
    data = {}
    for tag in re.findall(r"<input\b[^>]*>", form):
        name = re.search(r'name="([^"]+)"', tag)
        value = re.search(r'value="([^"]*)"', tag)
        if name is None or name.group(1) == "csrfmiddlewaretoken":
            continue
        if 'type="radio"' in tag and " checked" not in tag:
            continue
        data[name.group(1)] = html.unescape(value.group(1) if value else "")
    return data


@pytest.fixture
def deputy(province):
    """Phó bí thư chi bộ xóm Mớ Đá: a second editor of the same cell."""
    user = get_user_model().objects.create_user(username="phobithu", password="x")
    RoleAssignment.objects.create(user=user, unit=province.kb_cell, role=Role.EDITOR)
    return user


@pytest.fixture
def two(personas, deputy):
    """Two signed-in browsers on the same cell: the secretary's and her deputy's."""
    first, second = Client(), Client()
    first.force_login(personas.secretary)
    second.force_login(deputy)
    return first, second


def test_two_secretaries_rating_different_members_both_succeed(two, province, crowd):
    members = crowd(province.kb_cell, 4)
    first, second = two
    # Both open the sheet at the same time.
    a = form_of(first.get(SHEET).content.decode())
    b = form_of(second.get(SHEET).content.decode())
    a[f"lv-{members[0].pk}"] = "tot"
    a[f"lv-{members[1].pk}"] = "hoan_thanh"
    b[f"lv-{members[2].pk}"] = "xuat_sac"
    b[f"lv-{members[3].pk}"] = "tot"
    done = first.post(SHEET, a, follow=True)
    assert "Đã nhập mới 2 kết quả xếp loại." in text(done.content.decode())
    done = second.post(SHEET, b, follow=True)
    assert "Đã nhập mới 2 kết quả xếp loại." in text(done.content.decode())
    assert dict(Rating.objects.values_list("membership_id", "level")) == {
        members[0].pk: "tot", members[1].pk: "hoan_thanh", members[2].pk: "xuat_sac",
        members[3].pk: "tot"}
    # Later, both change one existing row each from sheets loaded together: both kept.
    a = form_of(first.get(SHEET).content.decode())
    b = form_of(second.get(SHEET).content.decode())
    a[f"lv-{members[0].pk}"] = "xuat_sac"
    b[f"lv-{members[3].pk}"] = "hoan_thanh"
    assert first.post(SHEET, a).status_code == 302
    assert second.post(SHEET, b).status_code == 302
    assert dict(Rating.objects.values_list("membership_id", "level")) == {
        members[0].pk: "xuat_sac", members[1].pk: "hoan_thanh", members[2].pk: "xuat_sac",
        members[3].pk: "hoan_thanh"}
    assert AuditEvent.objects.filter(action="rating.update").count() == 2


def test_same_member_is_a_conflict_shown_then_reapplied(two, province, crowd, deputy):
    members = crowd(province.kb_cell, 3)
    first, second = two
    a = form_of(first.get(SHEET).content.decode())
    b = form_of(second.get(SHEET).content.decode())
    # The deputy rates members 0 and 1 first.
    b[f"lv-{members[0].pk}"] = "hoan_thanh"
    b[f"lv-{members[1].pk}"] = "tot"
    assert second.post(SHEET, b).status_code == 302
    # The secretary, on her older page, rates members 0 and 2.
    a[f"lv-{members[0].pk}"] = "xuat_sac"
    a[f"lv-{members[2].pk}"] = "tot"
    response = first.post(SHEET, a)
    assert response.status_code == 409
    page = response.content.decode()
    flat = text(page)
    name = members[0].person.full_name
    # Member 2 is saved; member 0 is not overwritten, and the page says so, by name.
    assert "Đã nhập mới 1 kết quả xếp loại." in flat
    assert f"1 đảng viên chưa lưu vì người khác đã nhập hoặc sửa kết quả của họ sau khi bạn mở trang: {name}." in flat
    assert "Các dòng khác đã lưu." in flat
    assert dict(Rating.objects.values_list("membership_id", "level")) == {
        members[0].pk: "hoan_thanh", members[1].pk: "tot", members[2].pk: "tot"}
    row = text(page.split(f'id="xung-dot-{members[0].pk}"', 1)[1].split("</li>\n", 1)[0])
    assert "Chưa lưu. Đang lưu: Hoàn thành nhiệm vụ; bạn chọn: Hoàn thành xuất sắc nhiệm vụ." in row
    assert "phobithu lúc " in row and "nhập lần đầu" in row
    # Her choice is kept on the page; member 1 (untouched by her) shows the deputy's level.
    again = form_of(page)
    assert again[f"lv-{members[0].pk}"] == "xuat_sac"
    assert again[f"lv-{members[1].pk}"] == "tot"
    # One more "Lưu" applies it, on purpose, and only it.
    done = first.post(SHEET, again, follow=True)
    assert "Đã sửa 1 kết quả xếp loại." in text(done.content.decode())
    assert dict(Rating.objects.values_list("membership_id", "level")) == {
        members[0].pk: "xuat_sac", members[1].pk: "tot", members[2].pk: "tot"}


def test_a_changed_row_shows_the_other_persons_change(two, province, crowd):
    members = crowd(province.kb_cell, 2)
    first, second = two
    base = form_of(first.get(SHEET).content.decode())
    base[f"lv-{members[0].pk}"] = "tot"
    base[f"lv-{members[1].pk}"] = "tot"
    first.post(SHEET, base)
    a = form_of(first.get(SHEET).content.decode())
    b = form_of(second.get(SHEET).content.decode())
    b[f"lv-{members[0].pk}"] = "hoan_thanh"
    assert second.post(SHEET, b).status_code == 302
    # She did not touch member 0: saving her change to member 1 leaves the deputy's level.
    a[f"lv-{members[1].pk}"] = "xuat_sac"
    assert first.post(SHEET, a).status_code == 302
    assert Rating.objects.get(membership=members[0]).level == "hoan_thanh"
    assert Rating.objects.get(membership=members[1]).level == "xuat_sac"
    # A stale change of member 0 names the deputy and the levels by their names.
    a[f"lv-{members[0].pk}"] = "xuat_sac"
    response = first.post(SHEET, a)
    assert response.status_code == 409
    row = text(response.content.decode().split(f'id="xung-dot-{members[0].pk}"', 1)[1]
               .split("</li>\n", 1)[0])
    assert "mức xếp loại: Hoàn thành tốt nhiệm vụ → Hoàn thành nhiệm vụ" in row
    assert "phobithu lúc" in row
    assert Rating.objects.get(membership=members[0]).level == "hoan_thanh"


def test_scores_merge_too(two, province, crowd):
    members = crowd(province.kb_cell, 2)
    first, second = two
    a = form_of(first.get(SHEET_2025).content.decode())
    b = form_of(second.get(SHEET_2025).content.decode())
    a[f"diem-{members[0].pk}"] = "91"
    b[f"diem-{members[1].pk}"] = "72"
    assert first.post(SHEET_2025, a).status_code == 302
    assert second.post(SHEET_2025, b).status_code == 302
    assert dict(Rating.objects.values_list("membership_id", "score")) == {
        members[0].pk: 91, members[1].pk: 72}
    b[f"diem-{members[0].pk}"] = "50"
    response = second.post(SHEET_2025, b)
    assert response.status_code == 409
    assert "Đang lưu: Hoàn thành xuất sắc nhiệm vụ (91 điểm); bạn chọn: Hoàn thành nhiệm vụ (50 điểm)" in text(
        response.content.decode())
    assert form_of(response.content.decode())[f"diem-{members[0].pk}"] == "50"


def test_approved_since_loading_is_a_conflict_not_an_overwrite(two, personas, province, crowd):
    members = crowd(province.kb_cell, 2)
    first, _ = two
    a = form_of(first.get(SHEET).content.decode())
    a[f"lv-{members[0].pk}"] = "tot"
    first.post(SHEET, a)
    a = form_of(first.get(SHEET).content.decode())
    ratings_approve(by=personas.kimboi, cell=province.kb_cell, year=2021)
    a[f"lv-{members[0].pk}"] = "xuat_sac"
    a[f"lv-{members[1].pk}"] = "tot"
    response = first.post(SHEET, a)
    assert response.status_code == 409
    flat = text(response.content.decode())
    assert "(đã được cấp ủy cấp trên duyệt: muốn sửa, cấp đã duyệt sửa với lý do)" in flat
    assert re.search(r"kimboi lúc \d\d:\d\d ngày \d\d/\d\d/\d{4}: duyệt", flat)
    assert Rating.objects.get(membership=members[0]).level == "tot"
    assert Rating.objects.get(membership=members[0]).status == RatingStatus.APPROVED
    assert Rating.objects.get(membership=members[1]).level == "tot"


STALE = "Trang đã cũ hoặc bị sửa: hãy tải lại trang rồi nhập lại."
NUL = "có ký tự không hợp lệ (ký tự NUL)"


@pytest.mark.parametrize(("token", "message"), [
    ("abc", STALE), ("1.\x00", NUL), ("1." + "9" * 30, STALE), ("-3.5", STALE),
    ("0.99999999999999999999", STALE)])
def test_a_forged_token_is_a_message_not_a_500(two, province, crowd, token, message):
    members = crowd(province.kb_cell, 1)
    first, _ = two
    a = form_of(first.get(SHEET).content.decode())
    a[f"lv-{members[0].pk}"] = "tot"
    a[f"v-{members[0].pk}"] = token
    response = first.post(SHEET, a)
    assert response.status_code == 400
    assert message in text(response.content.decode())
    assert not Rating.objects.exists()


@pytest.mark.parametrize(("score", "message"), [
    ("9" * 50, "phải là số nguyên từ 0 đến 100"), ("²", "phải là số nguyên từ 0 đến 100"),
    ("1e3", "phải là số nguyên từ 0 đến 100"), ("٣", "phải là số nguyên từ 0 đến 100"),
    ("\x00", NUL)])
def test_garbage_score_is_a_message_not_a_500(two, province, crowd, score, message):
    members = crowd(province.kb_cell, 1)
    first, _ = two
    a = form_of(first.get(SHEET_2025).content.decode())
    a[f"diem-{members[0].pk}"] = score
    response = first.post(SHEET_2025, a)
    assert response.status_code == 400
    assert message in text(response.content.decode())
    assert not Rating.objects.exists()
