"""Entering a class that happened years ago with its learners and their results (issue 13,
items 1 and 2): the class with past dates, forty learners pasted as a list, "Tất cả đạt"
with exceptions in one save, certificates valid by the rules of their day."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from dangvien.audit.models import AuditEvent
from dangvien.training.models import Enrolment, Result, TrainingClass

from ..web.helpers import text
from .conftest import token_of

pytestmark = pytest.mark.django_db


def results_data(html: str, enrolments, **lines) -> dict:
    """The results form as the page shows it: every line kept (blank), with its token."""
    data = {"certificate_on": "", "reason": ""}
    for e in enrolments:
        data[f"pb-{e.pk}"] = token_of(html, f"pb-{e.pk}")
        data[f"kq-{e.pk}"] = data[f"so-{e.pk}"] = data[f"ng-{e.pk}"] = ""
    for key, value in lines.items():
        data[key] = value
    return data


def test_enter_a_2017_class_with_forty_learners_through_the_pages(client, personas, province,
                                                                  forty):
    client.force_login(personas.kimboi)
    response = client.post("/lop/mo-lop/", {
        "kind": "nhan_thuc", "name": "Lớp nhận thức về Đảng khóa 2 năm 2017",
        "organiser": province.kb.pk, "starts_on": "05/06/2017", "ends_on": "10/06/2017"})
    klass = TrainingClass.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/lop/{klass.pk}/"
    html = client.get(response["Location"]).content.decode()
    assert f'href="/lop/{klass.pk}/ket-qua/"' in html and "Nhập kết quả lớp" in html

    # The attendance list pasted from the class register: CCCDs and names (without
    # diacritics too), one per line, blank lines ignored.
    assert forty[39].full_name == "Lê Văn Nga"
    lines = [p.cccd for p in forty[:30]] + ["", *(p.full_name for p in forty[30:39]),
                                             "le van nga"]
    response = client.post(f"/lop/{klass.pk}/them-hoc-vien/", {"danh_sach": "\n".join(lines)})
    assert response.status_code == 302, text(response.content.decode())
    assert Enrolment.objects.filter(training_class=klass).count() == 40
    assert AuditEvent.objects.filter(action="training.enrol_past").count() == 40

    html = client.get(f"/lop/{klass.pk}/ket-qua/").content.decode()
    assert "Tất cả đạt" in html and "017199000100" not in html
    enrolments = list(Enrolment.objects.filter(training_class=klass).order_by("pk"))
    failed, absent, own = enrolments[3], enrolments[7], enrolments[11]
    data = results_data(html, enrolments, **{
        f"kq-{failed.pk}": Result.FAILED, f"kq-{absent.pk}": Result.ABSENT,
        f"so-{own.pk}": "CN-17/2017", f"ng-{own.pk}": "12/06/2017"}, tat_ca_dat="1")
    response = client.post(f"/lop/{klass.pk}/ket-qua/", data)
    assert response.status_code == 302
    assert "ghi mới 40" in text(client.get(response["Location"]).content.decode())

    passed = Enrolment.objects.filter(training_class=klass, result=Result.PASSED)
    assert passed.count() == 38
    assert set(passed.exclude(pk=own.pk).values_list("certificate_on", flat=True)) == {
        dt.date(2017, 6, 10)}
    # Valid five years from the certificate, by QĐ 29-QĐ/TW in force in 2017, not by today.
    assert set(passed.exclude(pk=own.pk).values_list("certificate_expires_on", flat=True)) == {
        dt.date(2022, 6, 10)}
    own.refresh_from_db()
    assert (own.certificate_number, own.certificate_on) == ("CN-17/2017", dt.date(2017, 6, 12))
    failed.refresh_from_db()
    absent.refresh_from_db()
    assert failed.result == Result.FAILED and failed.certificate_on is None
    assert absent.result == Result.ABSENT
    assert all(e.result_unit_id == province.kb.pk for e in Enrolment.objects.all())
    # The list of classes counts them.
    listing = text(client.get("/lop/").content.decode())
    assert re.search(r"05/06/2017 – 10/06/2017\s+40\s+38", listing)

    # Saving the same page again changes nothing (blank keeps; "Tất cả đạt" has no one left).
    response = client.post(f"/lop/{klass.pk}/ket-qua/", data)
    assert response.status_code == 302
    assert "ghi mới 0, sửa 0" in text(client.get(response["Location"]).content.decode())


def test_pasted_list_is_checked_line_by_line_and_adds_no_one_when_wrong(
        client, personas, class_2017, forty, province):
    from dangvien.people.services import person_create

    person_create(by=None, unit=province.kb_cell2,
                  data={"full_name": "Bùi Thị An", "gender": "nu", "birth_date": dt.date(1990, 1, 1)})
    client.force_login(personas.kimboi)
    response = client.post(f"/lop/{class_2017.pk}/them-hoc-vien/", {"danh_sach": "\n".join([
        forty[1].cccd, "01719900", "Không Có Ai", "Bùi Thị An", forty[1].full_name,
        forty[2].cccd, "x" * 200])})
    assert response.status_code == 400
    page = text(response.content.decode())
    assert "Dòng 2: số CCCD phải gồm đúng 12 chữ số." in page
    assert "Dòng 3: không tìm thấy “Không Có Ai”" in page
    assert "Dòng 4: có nhiều người tên “Bùi Thị An”" in page
    assert "Dòng 5: Hà Văn Bình đã có ở dòng 1." in page
    assert "Dòng 7: họ tên dài quá 120 ký tự." in page
    assert "Dòng 6" not in page
    assert not Enrolment.objects.exists()
    # A NUL byte (pasted from a broken file) gets one clear message, never a 500.
    response = client.post(f"/lop/{class_2017.pk}/them-hoc-vien/",
                           {"danh_sach": "\x00" + forty[2].cccd})
    assert response.status_code == 400
    assert "ký tự NUL" in text(response.content.decode())
    assert not Enrolment.objects.exists()


def test_class_dates_are_bounded_with_one_clear_message(client, personas, province):
    client.force_login(personas.kimboi)

    def open_class(start, end):
        response = client.post("/lop/mo-lop/", {
            "kind": "nhan_thuc", "name": "Lớp thử", "organiser": province.kb.pk,
            "starts_on": start, "ends_on": end})
        assert response.status_code == 200
        return text(response.content.decode())

    assert "hệ thống nhận lớp từ ngày 01/01/1990" in open_class("05/06/1989", "10/06/1989")
    assert "quá xa trong tương lai" in open_class("01/01/9999", "02/01/9999")
    assert "dài hơn một năm" in open_class("05/06/2017", "10/06/2019")
    assert "không phải ngày hợp lệ" in open_class("31/02/2017", "10/06/2017")
    assert not TrainingClass.objects.exists()
    # 1990 itself is fine.
    response = client.post("/lop/mo-lop/", {
        "kind": "nhan_thuc", "name": "Lớp năm 1990", "organiser": province.kb.pk,
        "starts_on": "02/01/1990", "ends_on": "06/01/1990"})
    assert response.status_code == 302


def test_only_the_organiser_enters_the_learners_of_an_ended_class(client, personas, class_2017,
                                                                  forty):
    # The cell secretary may not add her people to a class Kim Bôi held in 2017.
    client.force_login(personas.secretary)
    html = client.get(f"/lop/{class_2017.pk}/ket-qua/").content.decode()
    assert "Thêm học viên" not in html
    response = client.post(f"/lop/{class_2017.pk}/them-hoc-vien/", {"danh_sach": forty[0].cccd})
    assert response.status_code == 400
    assert "không thể ghi danh thêm" in text(response.content.decode())
    # The live page's "Ghi danh" still refuses an ended class, for anyone.
    client.force_login(personas.kimboi)
    response = client.post(f"/lop/{class_2017.pk}/ghi-danh/", {"person": forty[0].pk})
    assert response.status_code == 400
    assert not Enrolment.objects.exists()


def test_results_page_outside_scope_is_404(client, personas, class_2017):
    for user in (personas.lacson, personas.outsider):
        client.force_login(user)
        assert client.get(f"/lop/{class_2017.pk}/ket-qua/").status_code == 404
        assert client.post(f"/lop/{class_2017.pk}/ket-qua/", {}).status_code == 404
        assert client.post(f"/lop/{class_2017.pk}/them-hoc-vien/",
                           {"danh_sach": "x"}).status_code == 404


def test_bad_input_on_a_line_saves_nothing_and_says_why(client, personas, class_2017, forty):
    from dangvien.training.services import enrol

    a, b = (enrol(by=None, training_class=class_2017, person=p, past=True) for p in forty[:2])
    client.force_login(personas.kimboi)
    html = client.get(f"/lop/{class_2017.pk}/ket-qua/").content.decode()
    for bad, message in (
        ({f"ng-{b.pk}": "31/12/9999"}, "ở sau hôm nay"),
        ({f"ng-{b.pk}": "01/01/2016"}, "trước ngày khai giảng"),
        ({f"so-{b.pk}": "A" * 51}, "tối đa 50 kí tự"),
        ({f"so-{b.pk}": "CN\x001"}, "ký tự NUL"),
        ({f"kq-{b.pk}": "gia-tri-la"}, "Hãy chọn một lựa chọn hợp lệ"),
        ({"certificate_on": "99/99/2017"}, "không phải ngày hợp lệ"),
    ):
        response = client.post(f"/lop/{class_2017.pk}/ket-qua/",
                               results_data(html, [a, b], tat_ca_dat="1", **bad))
        assert response.status_code == 400, bad
        assert message in text(response.content.decode()), bad
    assert not Enrolment.objects.exclude(result=Result.ENROLLED).exists()
