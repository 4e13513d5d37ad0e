"""Training pages: classes in scope, opening a class, enrolling, recording results."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from dangvien.training.models import ClassKind, Enrolment, Result, TrainingClass
from dangvien.training.services import class_create, enrol

from .helpers import text

pytestmark = pytest.mark.django_db


@pytest.fixture
def today():
    return timezone.localdate()


@pytest.fixture
def classes(province, today):
    """An open class of Kim Bôi, one of Lạc Sơn, and a Kim Bôi class that has ended."""
    return {
        "kb": class_create(by=None, organiser=province.kb, kind=ClassKind.AWARENESS,
                           name="Lớp nhận thức về Đảng Kim Bôi khóa 3",
                           starts_on=today - dt.timedelta(days=3),
                           ends_on=today + dt.timedelta(days=2)),
        "ls": class_create(by=None, organiser=province.ls, kind=ClassKind.AWARENESS,
                           name="Lớp nhận thức về Đảng Lạc Sơn khóa 1",
                           starts_on=today - dt.timedelta(days=3),
                           ends_on=today + dt.timedelta(days=2)),
        "old": class_create(by=None, organiser=province.kb, kind=ClassKind.NEW_MEMBER,
                            name="Lớp đảng viên mới Kim Bôi 2022",
                            starts_on=dt.date(2022, 6, 6), ends_on=dt.date(2022, 6, 10)),
    }


@pytest.fixture
def learners(province, make_member, classes, today):
    from dangvien.people.services import person_create

    mai = person_create(by=None, unit=province.kb_cell,
                        data={"full_name": "Hà Thị Mai", "gender": "nu",
                              "birth_date": dt.date(1998, 4, 12), "cccd": "017198000123"})
    duc = person_create(by=None, unit=province.kb_cell2,
                        data={"full_name": "Nguyễn Văn Đức", "gender": "nam",
                              "birth_date": dt.date(1996, 1, 2)})
    for person in (mai, duc):
        enrol(by=None, training_class=classes["kb"], person=person)
    return {"mai": mai, "duc": duc}


def page(client, user, url, status=200):
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == status
    return response.content.decode()


def test_class_list_in_scope(client, personas, classes):
    html = page(client, personas.kimboi, "/lop/")
    assert "Lớp nhận thức về Đảng Kim Bôi khóa 3" in html
    assert "Lớp đảng viên mới Kim Bôi 2022" in html
    assert "Lạc Sơn" not in html
    assert "Mở lớp" in html
    html = page(client, personas.lacson, "/lop/")
    assert "Lạc Sơn khóa 1" in html and "Kim Bôi" not in html


def test_a_cell_sees_the_classes_of_the_units_above_it(client, personas, classes, learners):
    html = page(client, personas.secretary, "/lop/")
    assert "Kim Bôi khóa 3" in html and "Lạc Sơn" not in html
    assert "Mở lớp" not in html  # cells do not open classes
    html = page(client, personas.secretary, f"/lop/{classes['kb'].pk}/")
    # Only her own people among the learners.
    assert "Hà Thị Mai" in html and "Nguyễn Văn Đức" not in html


def test_class_outside_scope_is_404(client, personas, classes):
    page(client, personas.lacson, f"/lop/{classes['kb'].pk}/", status=404)
    page(client, personas.outsider, f"/lop/{classes['kb'].pk}/", status=404)
    client.force_login(personas.lacson)
    assert client.post(f"/lop/{classes['kb'].pk}/ghi-danh/", {}).status_code == 404


def test_open_a_class(client, personas, province):
    client.force_login(personas.kimboi)
    response = client.post("/lop/mo-lop/", {
        "kind": ClassKind.AWARENESS, "name": "Lớp nhận thức  khóa 4", "organiser": province.kb.pk,
        "starts_on": "06/09/2021", "ends_on": "10/09/2021"})
    klass = TrainingClass.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/lop/{klass.pk}/"
    assert klass.name == "Lớp nhận thức khóa 4" and klass.starts_on == dt.date(2021, 9, 6)
    response = client.post("/lop/mo-lop/", {
        "kind": ClassKind.AWARENESS, "name": "Lớp sai ngày", "organiser": province.kb.pk,
        "starts_on": "10/09/2021", "ends_on": "06/09/2021"})
    assert "trước ngày khai giảng" in response.context["form"].errors["ends_on"][0]
    response = client.post("/lop/mo-lop/", {
        "kind": ClassKind.AWARENESS, "name": "Lớp của huyện khác", "organiser": province.ls.pk,
        "starts_on": "06/09/2021", "ends_on": "10/09/2021"})
    assert "organiser" in response.context["form"].errors
    assert TrainingClass.objects.count() == 1


def test_enrol_and_record_a_certificate(client, personas, classes, learners, today):
    klass = classes["kb"]
    html = page(client, personas.kimboi, f"/lop/{klass.pk}/?tim=mai")
    assert "Hà Thị Mai" in html and "017198000123" not in html
    enrolment = Enrolment.objects.get(person=learners["mai"])
    response = client.post(f"/lop/{klass.pk}/hoc-vien/{enrolment.pk}/ket-qua/", {
        "result": Result.PASSED, "certificate_number": "CN-77/2026",
        "certificate_on": timezone.localdate().strftime("%d/%m/%Y")})
    assert response.status_code == 302
    enrolment.refresh_from_db()
    assert enrolment.result == Result.PASSED and enrolment.certificate_number == "CN-77/2026"
    assert enrolment.certificate_expires_on is not None
    # A certificate dated before the class started is refused on its field.
    response = client.post(f"/lop/{klass.pk}/hoc-vien/{enrolment.pk}/ket-qua/", {
        "result": Result.PASSED, "certificate_number": "CN-1", "certificate_on": "01/01/2020"})
    assert response.status_code == 400
    assert "trước ngày khai giảng" in text(response.content.decode())
    enrolment.refresh_from_db()
    assert enrolment.certificate_number == "CN-77/2026"


def test_enrol_a_person_in_scope(client, personas, province, classes, make_member):
    from dangvien.people.services import person_create

    hoa = person_create(by=None, unit=province.kb_school,
                        data={"full_name": "Bùi Thị Hoa", "gender": "nu",
                              "birth_date": dt.date(2000, 1, 1)})
    binh = person_create(by=None, unit=province.ls_cell,
                         data={"full_name": "Quách Thị Hoa", "gender": "nu",
                               "birth_date": dt.date(2000, 1, 1)})
    klass = classes["kb"]
    html = page(client, personas.kimboi, f"/lop/{klass.pk}/?tim=hoa")
    assert "Bùi Thị Hoa" in html and "Quách Thị Hoa" not in html
    response = client.post(f"/lop/{klass.pk}/ghi-danh/", {"person": hoa.pk})
    assert response.status_code == 302
    assert Enrolment.objects.filter(training_class=klass, person=hoa).exists()
    response = client.post(f"/lop/{klass.pk}/ghi-danh/", {"person": binh.pk})
    assert response.status_code == 400
    assert not Enrolment.objects.filter(person=binh).exists()


def test_a_class_that_has_ended_takes_no_one(client, personas, province, classes):
    from dangvien.people.services import person_create

    hoa = person_create(by=None, unit=province.kb_school,
                        data={"full_name": "Bùi Thị Hoa", "gender": "nu",
                              "birth_date": dt.date(2000, 1, 1)})
    klass = classes["old"]
    html = page(client, personas.kimboi, f"/lop/{klass.pk}/")
    assert "Lớp đã bế giảng ngày 10/06/2022" in html
    response = client.post(f"/lop/{klass.pk}/ghi-danh/", {"person": hoa.pk})
    assert response.status_code == 400
    assert "không thể ghi danh thêm" in text(response.content.decode())
    assert not Enrolment.objects.filter(person=hoa).exists()
