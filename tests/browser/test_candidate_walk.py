"""In a real browser: a Kim Bôi officer walks one candidate from source to full member
through the pages (register, certificate, dossier, introducers, the five steps)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from dangvien.accounts.models import Role, RoleAssignment
from dangvien.people.models import Person
from dangvien.training.models import ClassKind
from dangvien.training.services import class_create, enrol, enrolment_record_result
from tests.admission import conftest as admission_fixtures

from .conftest import DESKTOP, PHONE, second_step

pytestmark = pytest.mark.browser

introducers = admission_fixtures.introducers
PASSWORD = "mat-khau-can-bo"


@pytest.fixture
def officer(province):
    """Ban Tổ chức Huyện ủy Kim Bôi: editor on the district, approver on the commune."""
    user = get_user_model().objects.create_user(
        username="canbo", password=PASSWORD, first_name="Hùng", last_name="Bùi Văn")
    RoleAssignment.objects.create(user=user, unit=province.kb, role=Role.EDITOR)
    RoleAssignment.objects.create(user=user, unit=province.kb_commune, role=Role.APPROVER)
    return user


def both_sizes(page, shots, name):
    for label, size in (("desktop", DESKTOP), ("phone", PHONE)):
        page.set_viewport_size(size)
        page.screenshot(path=str(shots / f"{name}-{label}.png"), full_page=True)
    page.set_viewport_size(DESKTOP)


def certificate(organiser, person, kind, name, start, end, number):
    """A class and a passed learner's certificate, recorded through the services."""
    klass = class_create(by=None, organiser=organiser, kind=kind, name=name, starts_on=start,
                         ends_on=end)
    enrolment = enrol(by=None, training_class=klass, person=person, today=start)
    return enrolment_record_result(by=None, enrolment=enrolment, result="dat",
                                   certificate_number=number, certificate_on=end)


def take_step(page, title, fields, *, check=True):
    page.get_by_role("link", name=title, exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(title)
    for label, value in fields.items():
        page.get_by_label(label, exact=True).fill(value)
    if check:
        page.get_by_role("button", name="Kiểm tra điều kiện").click()
        expect(page.get_by_role("heading", name="Kết quả kiểm tra điều kiện")).to_be_visible()
        expect(page.locator(".rules li.alert")).to_have_count(0)
    page.get_by_role("button", name="Lưu", exact=True).click()
    expect(page.locator(".msg").first).to_contain_text(f"Đã ghi bước “{title}”")


def tick(page, code, on, reference=""):
    line = page.locator(f'li[data-form="{code}"]')
    line.locator("summary").click()
    line.get_by_label("Ngày", exact=True).fill(on)
    if reference:
        line.get_by_label("Số, ký hiệu hoặc ghi chú").fill(reference)
    line.get_by_role("button", name=f"Lưu {code}").click()
    expect(page.locator(".msg").first).to_contain_text(f"Đã ghi nhận mẫu {code}")


def test_walk_one_candidate_to_full_member(live_server, province, officer, introducers,
                                           browser_page, shots):
    page = browser_page
    page.goto(live_server.url + "/tai-khoan/dang-nhap/")
    page.get_by_label("Tên đăng nhập").fill("canbo")
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    second_step(page, "canbo")  # an admin or approver signs in with two factors

    # The list, then register a new person as a source.
    page.get_by_role("link", name="Kết nạp", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Quần chúng ưu tú, hồ sơ kết nạp")
    page.get_by_role("link", name="Thêm quần chúng ưu tú").click()
    page.get_by_label("Họ và tên", exact=True).fill("Đinh Thị Hạnh")
    page.get_by_label("Giới tính").select_option(label="Nữ")
    page.get_by_label("Ngày sinh").fill("05/07/2000")
    page.get_by_label("Dân tộc").select_option("Mường")
    page.get_by_label("Số CCCD").fill("017200000456")
    page.get_by_label("Trình độ giáo dục phổ thông").select_option(label="Trung học phổ thông")
    page.get_by_label("Nghề nghiệp").select_option(label="Cán bộ, công chức, viên chức")
    page.get_by_label("Chi bộ", exact=True).select_option(
        label="Chi bộ xóm Mớ Đá — Đảng bộ xã Vĩnh Đồng")
    page.get_by_label("Nguồn giới thiệu").select_option(label="Đoàn TNCS Hồ Chí Minh")
    page.get_by_label("Ngày đưa vào danh sách nguồn").fill("01/03/2021")
    both_sizes(page, shots, "candidate-new")
    page.get_by_role("button", name="Lưu", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Đinh Thị Hạnh")
    expect(page.get_by_text("Đã đưa Đinh Thị Hạnh vào danh sách nguồn kết nạp.")).to_be_visible()
    expect(page.get_by_text("*********456")).to_be_visible()
    expect(page.get_by_text("017200000456")).to_have_count(0)
    candidate_url = page.url

    # The awareness certificate, recorded at the district's class.
    person = Person.objects.get(full_name="Đinh Thị Hạnh")
    certificate(province.kb, person, ClassKind.AWARENESS, "Lớp nhận thức về Đảng khóa 1/2021",
                dt.date(2021, 9, 6), dt.date(2021, 9, 10), "CN-123/2021")
    page.reload()
    page.get_by_label("Giấy chứng nhận", exact=True).select_option(index=1)
    page.get_by_role("button", name="Gắn giấy chứng nhận").click()
    expect(page.locator(".msg").first).to_contain_text("Đã gắn giấy chứng nhận")
    expect(page.locator(".lead .tag")).to_have_text("Đã học lớp nhận thức về Đảng")

    # Introducers: two official members of her cell.
    for member, since in ((introducers[0], "01/09/2019"), (introducers[1], "15/06/2019")):
        page.get_by_text("Thêm người giới thiệu").click()
        page.get_by_label("Đảng viên chính thức giới thiệu").select_option(
            label=f"{member.person.full_name} (Chi bộ xóm Mớ Đá)")
        page.get_by_label("Cùng công tác, học tập, sinh sống từ ngày").fill(since)
        page.get_by_label("Ngày giấy giới thiệu (3-KNĐ)").fill("20/02/2022")
        page.get_by_role("button", name="Ghi người giới thiệu").click()
        expect(page.locator(".msg").first).to_contain_text(member.person.full_name)

    # The dossier, form by form.
    for code in ("1-KNĐ", "2-KNĐ", "TTLL", "4-KNĐ"):
        tick(page, code, "25/02/2022")
    both_sizes(page, shots, "candidate-page-dossier")
    tick(page, "5-KNĐ", "25/02/2022", "Chi ủy xóm Mớ Đá")
    expect(page.locator(".lead .tag")).to_have_text("Đã hoàn thiện hồ sơ")

    # The cell considers her: every rule green, with its regulation, before saving.
    page.get_by_role("link", name="Chi bộ đề nghị kết nạp", exact=True).click()
    page.get_by_label("Ngày chi bộ xét").fill("10/03/2022")
    page.get_by_label("Số nghị quyết chi bộ (mẫu 6-KNĐ)").fill("15-NQ/CB")
    expect(page.get_by_role("button", name="Lưu", exact=True)).to_have_count(0)
    page.get_by_role("button", name="Kiểm tra điều kiện").click()
    rules = page.locator(".rules li")
    expect(rules.first).to_be_visible()
    assert rules.count() >= 8
    expect(page.locator(".rules li.alert")).to_have_count(0)
    expect(page.get_by_text("Căn cứ: QĐ 24-QĐ/TW, điểm 1.1.1", exact=True)).to_be_visible()
    both_sizes(page, shots, "step-rules")
    page.get_by_role("button", name="Lưu", exact=True).click()
    expect(page.locator(".msg").first).to_contain_text("Đã ghi bước “Chi bộ đề nghị kết nạp”")

    take_step(page, "Đảng ủy cơ sở đề nghị kết nạp",
              {"Ngày đảng ủy cơ sở xét": "18/03/2022",
               "Số nghị quyết đảng ủy cơ sở (mẫu 8-KNĐ)": "42-NQ/ĐU"}, check=False)
    take_step(page, "Quyết định kết nạp",
              {"Ngày ký quyết định": "05/04/2022",
               "Số quyết định kết nạp (mẫu 9-KNĐ)": "311-QĐ/HU",
               "Ngày chi bộ nhận quyết định": "08/04/2022"})
    take_step(page, "Lễ kết nạp", {"Ngày tổ chức lễ kết nạp (ngày vào Đảng)": "20/04/2022"})
    expect(page.locator(".lead .tag")).to_have_text("Đã kết nạp, đang dự bị")

    # Probation: the new-member class and the recognition dossier.
    certificate(province.kb, person, ClassKind.NEW_MEMBER, "Lớp đảng viên mới 2022",
                dt.date(2022, 6, 6), dt.date(2022, 6, 10), "ĐVM-9")
    page.reload()
    for code in ("10-KNĐ", "11-KNĐ", "12-KNĐ", "13-KNĐ", "15-KNĐ"):
        tick(page, code, "20/05/2023")
    take_step(page, "Công nhận đảng viên chính thức",
              {"Ngày ký quyết định công nhận": "25/05/2023",
               "Số quyết định công nhận chính thức": "520-QĐ/HU"})

    assert page.url == candidate_url
    expect(page.locator(".lead .tag")).to_have_text("Đã công nhận chính thức")
    expect(page.get_by_text("chính thức từ 20/04/2023")).to_be_visible()
    expect(page.get_by_role("heading", name="Bước tiếp theo")).to_have_count(0)
    both_sizes(page, shots, "candidate-page")

    page.get_by_role("link", name="Quần chúng ưu tú", exact=True).click()
    page.get_by_text("Lọc theo đơn vị, bước, nguồn, thời hạn").click()
    page.get_by_label("Bước").select_option(label="Tất cả, kể cả đã kết thúc")
    page.get_by_role("button", name="Lọc").click()
    expect(page.get_by_role("link", name="Đinh Thị Hạnh")).to_be_visible()
    both_sizes(page, shots, "candidate-list")
    page.get_by_role("link", name="Đinh Thị Hạnh").click()

    # Every step is in the timeline; the decision's rule check opens.
    timeline = page.locator("#qua-trinh")
    for label in ("Chi bộ đề nghị kết nạp", "Đảng ủy cơ sở đề nghị kết nạp",
                  "Đã có quyết định kết nạp", "Đã kết nạp, đang dự bị", "Đã công nhận chính thức"):
        expect(timeline.get_by_text(label).first).to_be_visible()
    decision = timeline.locator("li", has_text="số 311-QĐ/HU")
    decision.locator("summary").click()
    expect(decision.locator(".rules li").first).to_be_visible()
