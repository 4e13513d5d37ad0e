"""Party forms (biểu mẫu kết nạp) as Word files, and the page where a province
administrator replaces their templates.

`/bao-cao/ho-so/<pk>/9-knd.docx`: the form filled from a candidacy the user may see (a
candidacy outside the scope, or a form its step does not offer yet, is 404). Each file
handed out writes one audit row ("export.report", kind "party_form"): it carries personal
data. `/bao-cao/mau-van-ban/`: the templates page (404 for anyone but a province
administrator, and the refusal audited, as the account pages do).
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from dangvien.admission.selectors import get_candidacy_or_404
from dangvien.audit.services import audit_refusal, audit_report
from dangvien.core.errors import DomainError

from . import templates_admin
from .party_forms import (
    BY_SLUG,
    CONTENT_TYPE,
    VARIABLES,
    FormSpec,
    current_template,
    form_file,
    form_offered,
    is_grassroots_cell,
)


def _spec_or_404(slug: str) -> FormSpec:
    spec = BY_SLUG.get(slug)
    if spec is None:
        raise Http404("Không có biểu mẫu này.")
    return spec


def _file(content: bytes, name: str) -> HttpResponse:
    response = HttpResponse(content, content_type=CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "private, no-store"
    return response


@require_GET
@login_required
def party_form(request: HttpRequest, pk: int, slug: str) -> HttpResponse:
    candidacy = get_candidacy_or_404(request.user, pk)
    spec = _spec_or_404(slug)
    if not form_offered(candidacy, spec, grassroots_cell=is_grassroots_cell(candidacy)):
        raise Http404("Hồ sơ này chưa đến bước lập biểu mẫu này.")
    made = form_file(candidacy=candidacy, spec=spec)
    if made.fallback:
        messages.warning(request, made.fallback)
    audit_report(by=request.user, kind="party_form", unit=candidacy.cell, as_of=None,
                 fmt="docx", title=made.title, file=made.name,
                 detail={"candidacy_id": candidacy.pk, "form": spec.code,
                         "fallback": bool(made.fallback)})
    return _file(made.content, made.name)


def _admin_only(request: HttpRequest) -> None:
    if not templates_admin.may_replace_templates(request.user):
        audit_refusal(by=request.user, action="party_form_template.page", target=None,
                      reason="không phải quản trị viên cấp tỉnh")
        raise Http404("Không tìm thấy trang.")


@require_http_methods(["GET"])
@login_required
def templates_page(request: HttpRequest) -> HttpResponse:
    _admin_only(request)
    return render(request, "reports/form_templates.html", {
        "rows": templates_admin.template_rows(), "variables": VARIABLES,
        "max_mb": templates_admin.MAX_BYTES // 2**20,
    })


@require_GET
@login_required
def template_download(request: HttpRequest, slug: str) -> HttpResponse:
    _admin_only(request)
    spec = _spec_or_404(slug)
    content, uploaded = current_template(spec)
    suffix = "" if uploaded is None else "-da-thay"
    return _file(content, f"Mau-{spec.file_stem}{suffix}.docx")


@require_POST
@login_required
def template_upload(request: HttpRequest, slug: str) -> HttpResponse:
    _admin_only(request)
    spec = _spec_or_404(slug)
    upload = request.FILES.get("tep")
    if upload is None:
        messages.error(request, f"Chưa chọn tệp mẫu cho {spec.code}.")
    elif upload.size > templates_admin.MAX_BYTES:
        messages.error(request, f"Tệp '{upload.name}' lớn hơn {templates_admin.MAX_BYTES // 2**20}"
                                " MB, quá lớn cho một mẫu văn bản.")
    else:
        try:
            templates_admin.template_replace(by=request.user, spec=spec, content=upload.read(),
                                             name=upload.name or "mau.docx")
        except DomainError as err:
            messages.error(request, f"{spec.code}: {err.message}")
        else:
            messages.success(request, f"Đã thay mẫu {spec.code} bằng tệp '{upload.name}'.")
    return redirect("reports:form_templates")


@require_POST
@login_required
def template_revert(request: HttpRequest, slug: str) -> HttpResponse:
    _admin_only(request)
    spec = _spec_or_404(slug)
    if templates_admin.template_revert(by=request.user, spec=spec):
        messages.success(request, f"Mẫu {spec.code} đã trở lại mẫu mặc định.")
    else:
        messages.info(request, f"Mẫu {spec.code} đang là mẫu mặc định.")
    return redirect("reports:form_templates")


urlpatterns = [
    path("ho-so/<int:pk>/<slug:slug>.docx", party_form, name="party_form"),
    path("mau-van-ban/", templates_page, name="form_templates"),
    path("mau-van-ban/<slug:slug>.docx", template_download, name="form_template_download"),
    path("mau-van-ban/<slug:slug>/tai-len", template_upload, name="form_template_upload"),
    path("mau-van-ban/<slug:slug>/mac-dinh", template_revert, name="form_template_revert"),
]
