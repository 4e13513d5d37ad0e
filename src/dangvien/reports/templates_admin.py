"""Replacing the Word templates of the party forms (thay mẫu văn bản), for a province
administrator: check an uploaded .docx before it is used, keep it, go back to the default.

A template is accepted only when it is a sound Word package (the zip checks of the
importer: no zip bomb, no macro, sizes bounded), opens as a document, its Jinja is
valid, it uses only the variables the forms know (`party_forms.VARIABLES`) and it renders
with a sample context. Each refusal is one Vietnamese sentence saying what to fix.
Every replacement and every return to the default writes an audit row.
"""

from __future__ import annotations

import hashlib
import io
import re
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

from django.db import transaction
from docxtpl import DocxTemplate
from jinja2 import TemplateSyntaxError, nodes

from dangvien.accounts.models import Role
from dangvien.accounts.scope import scope_paths
from dangvien.audit.services import audit_record
from dangvien.core import vn
from dangvien.core.errors import DomainError
from dangvien.exchange.zipcheck import Refused, inspect_package
from dangvien.org.models import OrgUnit

from .models import PartyFormTemplate
from .party_forms import FORMS, VARIABLES, FormSpec, jinja_env, render_template, sample_context

#: An uploaded template's size, packed and unpacked (a form with a logo is ~100 KB).
MAX_BYTES = 2 * 2**20
MAX_UNCOMPRESSED = 20 * 2**20
WHAT = "tệp Word (.docx)"


class TemplateRefused(DomainError):
    """The uploaded template cannot be used; the message says what to fix."""


def may_replace_templates(user) -> bool:
    """Only a province administrator (admin role on a province, or a superuser) replaces
    the forms' templates: they are the same for every unit of the province."""
    if not getattr(user, "is_authenticated", False):
        return False
    paths = scope_paths(user, Role.ADMIN)
    return paths is None or any(len(p) == OrgUnit.steplen for p in paths)


def _mb(size: int) -> str:
    return vn.format_number(size / 2**20, 1)


def template_check(content: bytes, *, name: str) -> None:
    """Refuse a template that cannot be used (`TemplateRefused`, one message)."""
    if len(content) > MAX_BYTES:
        raise TemplateRefused(f"Tệp '{name}' có dung lượng {_mb(len(content))} MB, vượt giới "
                              f"hạn {_mb(MAX_BYTES)} MB của một mẫu văn bản.")
    with tempfile.TemporaryDirectory(prefix="dv-mau-") as tmp:
        path = Path(tmp) / "mau.docx"
        path.write_bytes(content)
        try:
            inspect_package(path, name=name, required="word/document.xml", what=WHAT,
                            max_uncompressed=MAX_UNCOMPRESSED)
        except Refused as exc:
            raise TemplateRefused(exc.message) from None
    env = jinja_env()
    try:
        template = DocxTemplate(io.BytesIO(content))
        used = template.get_undeclared_template_variables(env)
        _check_tags(template, content, env, name)
    except TemplateRefused:
        raise
    except TemplateSyntaxError as exc:
        raise TemplateRefused(
            f"Mẫu '{name}' có lỗi cú pháp ở thẻ {{{{ … }}}} hoặc {{% … %}}: {exc.message}. "
            "Hãy sửa thẻ đó (mỗi thẻ mở phải có thẻ đóng, tên biến không có dấu) rồi tải lên "
            "lại.") from None
    except Exception:  # noqa: BLE001 - python-docx and lxml raise many kinds on a bad part
        raise TemplateRefused(f"Tệp '{name}' không mở được như một {WHAT}. Hãy mở mẫu bằng "
                              "Word, lưu lại dạng .docx rồi tải lên.") from None
    unknown = sorted(used - set(VARIABLES))
    if unknown:
        listed = ", ".join(f"{{{{ {v} }}}}" for v in unknown)
        known = ", ".join(VARIABLES)
        raise TemplateRefused(f"Mẫu dùng biến {listed} không có; các biến dùng được: {known}.")
    try:
        render_template(content, sample_context())
    except Exception as exc:  # noqa: BLE001 - any failure to render means: do not use it
        detail = getattr(exc, "message", None) or type(exc).__name__
        raise TemplateRefused(f"Mẫu '{name}' không điền được dữ liệu thử ({detail}). Hãy kiểm "
                              "tra các thẻ {{ … }} và {% … %} trong mẫu rồi tải lên lại.") from None


#: Filters a form may use: none of them can make a page of text grow without bound.
SAFE_FILTERS = frozenset({"upper", "lower", "title", "capitalize", "trim", "default", "d",
                          "e", "escape", "join", "length", "count", "first", "last",
                          "replace"})
#: The parts docxtpl renders: the body, headers, footers, footnotes, the properties.
RENDERED_PARTS = re.compile(r"^(word/(document|header\d*|footer\d*|footnotes)|docProps/core)\.xml$")
#: Numbers in tags are small (a count, a position): a large one can only blow a text up.
MAX_CONSTANT = 1000


def _check_tags(template: DocxTemplate, content: bytes, env, name: str) -> None:
    """Refuse what could keep the server busy or fill its memory while a form is made: a
    call (range(), a method), multiplication or power, a big number, an unknown filter.
    Every XML part is looked at: docxtpl renders the properties and footnotes too."""
    with zipfile.ZipFile(io.BytesIO(content)) as package:
        for info in package.infolist():
            if RENDERED_PARTS.match(info.filename):
                xml = package.read(info).decode("utf-8", "replace")
                _check_tree(env.parse(template.patch_xml(xml)), name)


def _check_tree(tree, name: str) -> None:
    bad = ""
    for node in tree.find_all((nodes.Call, nodes.Mul, nodes.Pow, nodes.Const, nodes.Filter)):
        if isinstance(node, nodes.Call):
            bad = "gọi hàm (như range(…))"
        elif isinstance(node, (nodes.Mul, nodes.Pow)):
            bad = "phép nhân hoặc lũy thừa"
        elif isinstance(node, nodes.Filter) and node.name not in SAFE_FILTERS:
            bad = f"bộ lọc |{node.name}"
        elif isinstance(node, nodes.Const) and isinstance(node.value, int | float) \
                and not isinstance(node.value, bool) and abs(node.value) > MAX_CONSTANT:
            bad = f"số {node.value}"
        if bad:
            raise TemplateRefused(
                f"Mẫu '{name}' dùng {bad}, không được phép trong mẫu văn bản. Chỉ dùng các "
                "biến, {% if %}, {% for %} và các bộ lọc " + ", ".join(sorted(SAFE_FILTERS))
                + ".")


@transaction.atomic
def template_replace(*, by, spec: FormSpec, content: bytes, name: str) -> PartyFormTemplate:
    """Thay mẫu của một biểu mẫu bằng tệp đã kiểm tra."""
    if not may_replace_templates(by):
        raise DomainError("Chỉ quản trị viên cấp tỉnh được thay mẫu văn bản.")
    template_check(content, name=name)
    name = vn.normalize_spaces(name.replace("\x00", ""))[:200] or "mau.docx"
    digest = hashlib.sha256(content).hexdigest()
    previous = PartyFormTemplate.objects.select_for_update().filter(form=spec.code).first()
    before = ({"file": previous.file_name, "sha256": previous.sha256} if previous else
              {"file": "(mặc định)"})
    row, _ = PartyFormTemplate.objects.update_or_create(
        form=spec.code, defaults={"content": content, "file_name": name, "size": len(content),
                                  "sha256": digest, "uploaded_by": by})
    audit_record(by=by, action="party_form_template.replace", object_type="reports.partyform",
                 object_id=spec.code, before=before,
                 after={"file": name, "size": len(content), "sha256": digest})
    return row


@transaction.atomic
def template_revert(*, by, spec: FormSpec) -> bool:
    """Trở lại mẫu mặc định; False when the default was already in use."""
    if not may_replace_templates(by):
        raise DomainError("Chỉ quản trị viên cấp tỉnh được thay mẫu văn bản.")
    previous = PartyFormTemplate.objects.select_for_update().filter(form=spec.code).first()
    if previous is None:
        return False
    before = {"file": previous.file_name, "sha256": previous.sha256}
    previous.delete()
    audit_record(by=by, action="party_form_template.revert", object_type="reports.partyform",
                 object_id=spec.code, before=before, after={"file": "(mặc định)"})
    return True


@dataclass(frozen=True)
class TemplateRow:
    spec: FormSpec
    uploaded: PartyFormTemplate | None


def template_rows() -> list[TemplateRow]:
    """The forms with their current template (one query)."""
    uploaded = {t.form: t for t in PartyFormTemplate.objects.select_related("uploaded_by")
                .defer("content")}
    return [TemplateRow(spec, uploaded.get(spec.code)) for spec in FORMS]
