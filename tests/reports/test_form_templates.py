"""The province administrator's page of the party forms' Word templates: every upload is
checked before use (a real .docx, no zip bomb, valid Jinja, known variables only), a good
replacement fills the forms until he goes back to the default, each change is audited;
nobody else reaches the page. The shipped defaults are what the generator builds."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.contrib.auth import get_user_model
from docx import Document as new_docx

from dangvien.accounts.models import Role, RoleAssignment
from dangvien.audit.models import AuditEvent
from dangvien.audit.services import audit_verify
from dangvien.reports import party_forms_build
from dangvien.reports.models import PartyFormTemplate
from dangvien.reports.party_forms import DEFAULTS_DIR, FORMS, default_template
from dangvien.reports.templates_admin import template_check
from tests.admission import conftest as admission
from tests.admission.test_path import walk_to_ceremony

from .test_party_forms import text_of

pytestmark = pytest.mark.django_db

PAGE = "/bao-cao/mau-van-ban/"
UPLOAD = "/bao-cao/mau-van-ban/9-knd/tai-len"
REVERT = "/bao-cao/mau-van-ban/9-knd/mac-dinh"

awareness_class = admission.awareness_class
candidate = admission.candidate
introducers = admission.introducers
ready = admission.ready


def docx_with(*paragraphs: str) -> bytes:
    doc = new_docx()
    for text in paragraphs:
        doc.add_paragraph(text)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def upload(client, content: bytes, name="mau-9.docx", target=UPLOAD):
    return client.post(target, {"tep": _file(content, name)}, follow=True)


def _file(content: bytes, name: str):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


def page_messages(response) -> str:
    return " ".join(str(m) for m in response.context["messages"])


@pytest.fixture
def admin(client, personas):
    client.force_login(personas.provincial)
    return client


def test_the_page_lists_the_six_forms_with_their_default_templates(admin):
    page = admin.get(PAGE).content.decode()
    for spec in FORMS:
        assert spec.code in page and spec.title in page
        assert f'href="/bao-cao/mau-van-ban/{spec.slug}.docx"' in page
    assert page.count("Mẫu mặc định") == len(FORMS)
    assert "candidate_name" in page  # the variables a template may use
    # The province administrator finds it from the accounts page.
    assert 'href="/bao-cao/mau-van-ban/"' in admin.get("/tai-khoan/quan-ly/").content.decode()


def test_only_a_province_administrator_reaches_the_page(client, personas, province):
    district_admin = get_user_model().objects.create_user(username="qtkimboi", password="x")
    RoleAssignment.objects.create(user=district_admin, unit=province.kb, role=Role.ADMIN)
    for user in (personas.kimboi, personas.lacson, personas.secretary, personas.outsider,
                 district_admin):
        client.force_login(user)
        assert client.get(PAGE).status_code == 404
        assert client.get("/bao-cao/mau-van-ban/9-knd.docx").status_code == 404
        assert client.post(UPLOAD, {"tep": _file(docx_with("{{ candidate_name }}"),
                                                 "x.docx")}).status_code == 404
        assert client.post(REVERT).status_code == 404
    client.force_login(district_admin)
    assert 'href="/bao-cao/mau-van-ban/"' not in client.get("/tai-khoan/quan-ly/").content.decode()
    assert not PartyFormTemplate.objects.exists()
    assert AuditEvent.objects.filter(action="party_form_template.page.refused").count() == 20


def test_the_current_template_downloads_as_a_word_file(admin):
    response = admin.get("/bao-cao/mau-van-ban/9-knd.docx")
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="Mau-9-KND.docx"'
    assert "Điều 1. Kết nạp quần chúng {{ candidate_name }}" in text_of(response.content)


def refused(admin, content: bytes, name="mau-9.docx") -> str:
    response = upload(admin, content, name)
    assert response.status_code == 200
    assert not PartyFormTemplate.objects.exists()
    return page_messages(response)


def test_a_file_that_is_not_a_word_document_is_refused(admin):
    message = refused(admin, b"Day khong phai tep Word", "ghi-chu.docx")
    assert message == ("9-KNĐ: Tệp 'ghi-chu.docx' bị hỏng, không đọc được (có thể tải lên chưa "
                       "hết hoặc bị cắt). Hãy mở tệp, lưu lại thành tệp Word (.docx) rồi tải lên "
                       "lần nữa.")
    sheet = io.BytesIO()
    with zipfile.ZipFile(sheet, "w") as z:
        z.writestr("xl/workbook.xml", "<workbook/>")
    assert "không phải tệp Word (.docx)" in refused(admin, sheet.getvalue(), "bang.xlsx")


def test_a_zip_bomb_is_refused_without_being_unpacked(admin):
    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", b"\0" * (40 * 2**20))
    assert len(bomb.getvalue()) < 100_000
    message = refused(admin, bomb.getvalue(), "bom.docx")
    assert "khi giải nén có dung lượng 40,0 MB, vượt giới hạn 20,0 MB" in message


def test_an_unknown_variable_is_named_with_the_ones_that_exist(admin):
    message = refused(admin, docx_with("Kính gửi {{ ten_ung_vien }}"))
    assert message.startswith("9-KNĐ: Mẫu dùng biến {{ ten_ung_vien }} không có; các biến dùng "
                              "được: issuer_superior, issuer_name, number,")
    assert "candidate_name" in message


def test_a_jinja_syntax_error_is_refused(admin):
    message = refused(admin, docx_with("{% if candidate_name %}Kính gửi {{ candidate_name }}"))
    assert "có lỗi cú pháp" in message and "endif" in message


def test_a_template_that_fails_on_sample_data_is_refused(admin):
    message = refused(admin, docx_with("{{ candidate_name.ho_ten }}"))
    assert "không điền được dữ liệu thử" in message


@pytest.mark.parametrize("tag", [
    "{% for i in range(100000000) %}{{ candidate_name }}{% endfor %}",
    "{{ candidate_name * 100000000 }}",
    "{{ candidate_name|center(900000000) }}",
    "{{ candidate_name.ljust(900000000) }}",
])
def test_a_template_that_could_exhaust_the_server_is_refused(admin, tag):
    """Checked without being run: the sample render would otherwise loop or fill memory."""
    assert "không được phép trong mẫu văn bản" in refused(admin, docx_with(tag))


def test_a_good_replacement_is_used_then_reverted(client, personas, ready):
    c = walk_to_ceremony(ready)
    client.force_login(personas.provincial)
    response = upload(client, docx_with(
        "QUYẾT ĐỊNH MẪU TỈNH", "Kết nạp {{ candidate_name }}, số {{ decision_no }}, "
        "{{ decision_date }}.", "{% for i in introducers %}{{ i.name }}; {% endfor %}"))
    assert page_messages(response) == "Đã thay mẫu 9-KNĐ bằng tệp 'mau-9.docx'."
    page = response.content.decode()
    assert "Đã thay: mau-9.docx" in page and "(tinhuy)" in page

    client.force_login(personas.kimboi)
    text = text_of(client.get(f"/bao-cao/ho-so/{c.pk}/9-knd.docx").content)
    assert text.startswith("QUYẾT ĐỊNH MẪU TỈNH\nKết nạp Hà Thị Mai, số 311-QĐ/HU, "
                           "ngày 05 tháng 4 năm 2022.\nBùi Văn Thành; ")
    # Other forms keep their default.
    assert "NGHỊ QUYẾT" in text_of(client.get(f"/bao-cao/ho-so/{c.pk}/6-knd.docx").content)

    client.force_login(personas.provincial)
    response = client.post(REVERT, follow=True)
    assert page_messages(response) == "Mẫu 9-KNĐ đã trở lại mẫu mặc định."
    assert not PartyFormTemplate.objects.exists()
    client.force_login(personas.kimboi)
    text = text_of(client.get(f"/bao-cao/ho-so/{c.pk}/9-knd.docx").content)
    assert "MẪU TỈNH" not in text and "Số: 311-QĐ/HU" in text

    actions = list(AuditEvent.objects.filter(action__startswith="party_form_template")
                   .values_list("action", "object_id", "actor__username"))
    assert actions == [("party_form_template.replace", "9-KNĐ", "tinhuy"),
                       ("party_form_template.revert", "9-KNĐ", "tinhuy")]
    assert audit_verify().ok


def test_a_template_that_fails_when_used_falls_back_to_the_default(client, personas, ready):
    """A stored template that no longer renders (checked under an older version) never
    stops the officer: he gets the default form and a message saying so."""
    c = walk_to_ceremony(ready)
    PartyFormTemplate.objects.create(form="9-KNĐ", content=docx_with("{{ decision_no.so }}"),
                                     file_name="cu.docx", size=1, sha256="-")
    client.force_login(personas.kimboi)
    response = client.get(f"/bao-cao/ho-so/{c.pk}/9-knd.docx")
    assert response.status_code == 200
    assert "Số: 311-QĐ/HU" in text_of(response.content)
    page = client.get(f"/ket-nap/ho-so/{c.pk}/").content.decode()
    assert "Mẫu 9-KNĐ đã tải lên không dùng được" in page
    assert AuditEvent.objects.get(action="export.report").after["fallback"] is True


def test_the_shipped_defaults_are_what_the_generator_builds(tmp_path):
    written = party_forms_build.main(tmp_path)
    assert [p.name for p in written] == [f"{s.file_stem}.docx" for s in FORMS]
    for path in written:
        assert text_of(path.read_bytes()) == text_of((DEFAULTS_DIR / path.name).read_bytes())
    for spec in FORMS:  # and they pass the checks an uploaded template must pass
        template_check(default_template(spec), name=f"{spec.file_stem}.docx")
