"""Builds the default Word templates of the party forms (`reports/party_forms/*.docx`).

    python -m dangvien.reports.party_forms_build

The layout is the reports' party format (`word`: A4, Times New Roman 14, the header
block as a borderless table, the signature block); the values are Jinja tags that
`party_forms.form_context` fills (`{{ candidate_name }}` …). Run it again after changing
a form's text here, and commit the .docx files it writes. Each tag sits in one run, as
docxtpl needs.
"""

from __future__ import annotations

import io
import sys
from pathlib import Path

from docx import Document as new_docx

from .document import PARTY
from .party_forms import DEFAULTS_DIR, FORMS, FormSpec
from .word import (
    CENTER,
    JUSTIFY,
    LEFT,
    RIGHT,
    SIGNATURE_LINES,
    TEXT_WIDTH_MM,
    _borderless,
    _cell_para,
    _page,
    _para,
    _run,
    _styles,
    _widths,
)

_GROUNDS = "- Căn cứ Điều lệ Đảng Cộng sản Việt Nam và các quy định, hướng dẫn thi hành Điều lệ Đảng;"

#: kind, subject, body (("center", text) is a centred bold line; ("art", label, text) an
#: article whose label is bold), recipients.
TEXTS: dict[str, tuple[str, str, list, list[str]]] = {
    "6-KNĐ": ("NGHỊ QUYẾT", "Đề nghị kết nạp người vào Đảng", [
        "Hôm nay, {{ cell_resolution_date }}, {{ cell_name }} họp xét đề nghị kết nạp quần "
        "chúng {{ candidate_name }} vào Đảng.",
        "Tổng số đảng viên chính thức của chi bộ: {{ official_members }} đồng chí; có mặt: "
        "{{ members_present }} đồng chí.",
        "Sau khi nghe báo cáo đơn xin vào Đảng, lý lịch, giấy giới thiệu của đảng viên chính "
        "thức ({{ introducer_names }}) và ý kiến nhận xét của các tổ chức đoàn thể, chi bộ "
        "nhận xét quần chúng:",
        "Họ và tên: {{ candidate_name }}; giới tính: {{ candidate_gender }}; sinh "
        "{{ candidate_birth_date }}; dân tộc: {{ candidate_ethnicity }}; tôn giáo: "
        "{{ candidate_religion }}.",
        "Quê quán, nơi ở: {{ candidate_home_address }}; trình độ giáo dục phổ thông: "
        "{{ candidate_education }}; nghề nghiệp: {{ candidate_occupation }}.",
        "Đã học lớp bồi dưỡng nhận thức về Đảng, giấy chứng nhận số "
        "{{ awareness_certificate_no }} cấp {{ awareness_certificate_date }}; nguồn giới "
        "thiệu: {{ source }}; cách giới thiệu: {{ union_route }}.",
        "Số đảng viên chính thức tán thành việc kết nạp: {{ votes_for }} đồng chí, đạt "
        "{{ votes_percent }} so với tổng số đảng viên chính thức của chi bộ.",
        "Chi bộ đề nghị {{ grassroots_name }} xem xét, đề nghị cấp ủy có thẩm quyền kết nạp "
        "quần chúng {{ candidate_name }} vào Đảng Cộng sản Việt Nam.",
    ], ["{{ grassroots_name }},", "Lưu chi bộ."]),
    "8-KNĐ": ("NGHỊ QUYẾT", "Đề nghị kết nạp người vào Đảng", [
        _GROUNDS,
        "- Xét Nghị quyết số {{ cell_resolution_no }} {{ cell_resolution_date }} của "
        "{{ cell_name }} đề nghị kết nạp quần chúng {{ candidate_name }} vào Đảng,",
        "Hôm nay, {{ grassroots_resolution_date }}, {{ grassroots_name }} họp xét; tổng số cấp "
        "ủy viên: {{ committee_members }} đồng chí, có mặt: {{ members_present }} đồng chí; số "
        "cấp ủy viên tán thành: {{ votes_for }} đồng chí, đạt {{ votes_percent }} so với tổng "
        "số cấp ủy viên.",
        ("center", "QUYẾT NGHỊ"),
        "Đề nghị {{ decision_board }} xem xét, quyết định kết nạp quần chúng "
        "{{ candidate_name }}, sinh {{ candidate_birth_date }}, dân tộc "
        "{{ candidate_ethnicity }}, quê quán {{ candidate_home_address }}, sinh hoạt tại "
        "{{ cell_name }}, vào Đảng Cộng sản Việt Nam.",
    ], ["{{ decision_board }},", "{{ cell_name }},", "Lưu văn phòng đảng ủy."]),
    "9-KNĐ": ("QUYẾT ĐỊNH", "Kết nạp đảng viên", [
        ("center", "{{ decision_board|upper }}"),
        _GROUNDS,
        "- Xét Nghị quyết số {{ cell_resolution_no }} {{ cell_resolution_date }} của "
        "{{ cell_name }} và Nghị quyết số {{ grassroots_resolution_no }} "
        "{{ grassroots_resolution_date }} của {{ grassroots_name }} đề nghị kết nạp quần "
        "chúng {{ candidate_name }} vào Đảng,",
        ("center", "QUYẾT ĐỊNH:"),
        ("art", "Điều 1.", "Kết nạp quần chúng {{ candidate_name }}, sinh "
         "{{ candidate_birth_date }}, dân tộc {{ candidate_ethnicity }}, quê quán "
         "{{ candidate_home_address }}, vào Đảng Cộng sản Việt Nam."),
        ("art", "Điều 2.", "{{ grassroots_name }} và {{ cell_name }} tổ chức lễ kết nạp cho "
         "đồng chí {{ candidate_name }} theo quy định."),
        ("art", "Điều 3.", "Ban Tổ chức {{ decision_unit_name }}, {{ grassroots_name }}, "
         "{{ cell_name }} và đồng chí {{ candidate_name }} chịu trách nhiệm thi hành Quyết "
         "định này."),
    ], ["Như Điều 3,", "Lưu Văn phòng."]),
    "13-KNĐ": ("NGHỊ QUYẾT", "Đề nghị công nhận đảng viên chính thức", [
        "Hôm nay, {{ cell_recognition_date }}, {{ cell_name }} họp xét đề nghị công nhận "
        "đảng viên chính thức cho đồng chí {{ candidate_name }}.",
        "Đồng chí {{ candidate_name }}, sinh {{ candidate_birth_date }}, được kết nạp vào "
        "Đảng theo Quyết định số {{ decision_no }} {{ decision_date }} của "
        "{{ decision_board }}; lễ kết nạp tổ chức {{ ceremony_date }}; hết thời gian dự bị "
        "{{ probation_end_date }}.",
        "Đã học lớp bồi dưỡng đảng viên mới, giấy chứng nhận cấp "
        "{{ new_member_certificate_date }}.",
        "Số đảng viên chính thức có mặt: {{ members_present }} đồng chí; tán thành: "
        "{{ votes_for }} đồng chí, đạt {{ votes_percent }} so với tổng số đảng viên chính "
        "thức của chi bộ.",
        "Chi bộ đề nghị {{ grassroots_name }} xem xét, đề nghị cấp ủy có thẩm quyền công "
        "nhận đồng chí {{ candidate_name }} là đảng viên chính thức kể từ "
        "{{ official_from_date }}.",
    ], ["{{ grassroots_name }},", "Lưu chi bộ."]),
    "15-KNĐ": ("NGHỊ QUYẾT", "Đề nghị công nhận đảng viên chính thức", [
        _GROUNDS,
        "- Xét Nghị quyết số {{ cell_recognition_no }} {{ cell_recognition_date }} của "
        "{{ cell_name }} đề nghị công nhận đảng viên chính thức cho đồng chí "
        "{{ candidate_name }},",
        "Hôm nay, {{ grassroots_recognition_date }}, {{ grassroots_name }} họp xét; tổng số "
        "cấp ủy viên: {{ committee_members }} đồng chí, có mặt: {{ members_present }} đồng "
        "chí; số cấp ủy viên tán thành: {{ votes_for }} đồng chí, đạt {{ votes_percent }} so "
        "với tổng số cấp ủy viên.",
        ("center", "QUYẾT NGHỊ"),
        "Đề nghị {{ decision_board }} công nhận đồng chí {{ candidate_name }}, sinh "
        "{{ candidate_birth_date }}, kết nạp vào Đảng {{ ceremony_date }}, là đảng viên "
        "chính thức kể từ {{ official_from_date }}.",
    ], ["{{ decision_board }},", "{{ cell_name }},", "Lưu văn phòng đảng ủy."]),
    "QĐ-CNCT": ("QUYẾT ĐỊNH", "Công nhận đảng viên chính thức", [
        ("center", "{{ decision_board|upper }}"),
        _GROUNDS,
        "- Xét Nghị quyết số {{ cell_recognition_no }} {{ cell_recognition_date }} của "
        "{{ cell_name }} và Nghị quyết số {{ grassroots_recognition_no }} "
        "{{ grassroots_recognition_date }} của {{ grassroots_name }} đề nghị công nhận đảng "
        "viên chính thức,",
        ("center", "QUYẾT ĐỊNH:"),
        ("art", "Điều 1.", "Công nhận đồng chí {{ candidate_name }}, sinh "
         "{{ candidate_birth_date }}, kết nạp vào Đảng {{ ceremony_date }} theo Quyết định "
         "số {{ decision_no }} {{ decision_date }}, là đảng viên chính thức kể từ "
         "{{ official_from_date }}."),
        ("art", "Điều 2.", "Ban Tổ chức {{ decision_unit_name }}, {{ grassroots_name }}, "
         "{{ cell_name }} và đồng chí {{ candidate_name }} chịu trách nhiệm thi hành Quyết "
         "định này."),
    ], ["Như Điều 2,", "Lưu Văn phòng."]),
}


def build(spec: FormSpec) -> bytes:
    """The default template of `spec` as .docx bytes."""
    kind, subject, body, recipients = TEXTS[spec.code]
    word = new_docx()
    _page(word)
    _styles(word)
    word.core_properties.title = f"{spec.code} {spec.title}"
    word.core_properties.author = "dangvien"
    word.core_properties.language = "vi-VN"

    table = word.add_table(rows=2, cols=2)
    _borderless(table)
    _widths(table, [74, TEXT_WIDTH_MM - 74])
    (left, right), (number, place) = (r.cells for r in table.rows)
    _cell_para(left, "{{ issuer_superior }}", first=True, align=CENTER, size=14)
    _cell_para(left, "{{ issuer_name }}", align=CENTER, bold=True, size=14)
    _cell_para(left, "*", align=CENTER, size=14)
    _cell_para(right, PARTY, first=True, align=CENTER, bold=True, underline=True, size=15)
    _cell_para(number, "Số: {{ number }}", first=True, align=CENTER, size=14)
    _cell_para(place, "{{ place_date }}", first=True, align=RIGHT, italic=True, size=14)

    _para(word, kind, align=CENTER, bold=True, size=16, before=18, after=0)
    _para(word, subject, align=CENTER, bold=True, after=0)
    _para(word, "-----", align=CENTER, after=12)
    for block in body:
        if isinstance(block, str):
            _para(word, block, align=JUSTIFY, indent=True)
        elif block[0] == "center":
            _para(word, block[1], align=CENTER, bold=True, before=6)
        else:
            p = _para(word, "", align=JUSTIFY, indent=True)
            _run(p, block[1], bold=True)
            _run(p, " " + block[2])

    _para(word, "", after=0)
    closing = word.add_table(rows=1, cols=2)
    _borderless(closing)
    _widths(closing, [TEXT_WIDTH_MM * 0.5, TEXT_WIDTH_MM * 0.5])
    left, right = closing.rows[0].cells
    p = _cell_para(left, "", first=True, align=LEFT)
    _run(p, "Nơi nhận:", underline=True, size=14)
    for line in recipients:
        _cell_para(left, f"- {line}", align=LEFT, size=12)
    _cell_para(right, "{{ sign_for }}", first=True, align=CENTER, bold=True, size=14)
    _cell_para(right, "{{ sign_title }}", align=CENTER, bold=True, size=14)
    for _ in range(SIGNATURE_LINES):
        _cell_para(right, "", align=CENTER)
    _cell_para(right, "{{ signer_name }}", align=CENTER, bold=True, size=14)

    out = io.BytesIO()
    word.save(out)
    return out.getvalue()


def main(target: Path = DEFAULTS_DIR) -> list[Path]:
    """Write every default template under `target`; return the paths written."""
    target.mkdir(parents=True, exist_ok=True)
    written = []
    for spec in FORMS:
        path = target / f"{spec.file_stem}.docx"
        path.write_bytes(build(spec))
        written.append(path)
    return written


if __name__ == "__main__":
    for written_path in main(Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULTS_DIR):
        print(written_path)  # noqa: T201
