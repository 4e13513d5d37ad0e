"""Every error of the API is JSON: {"detail", "code", "field", "rules"}, in Vietnamese."""

from __future__ import annotations

import logging

from django.http import Http404, HttpRequest, JsonResponse
from ninja.errors import AuthenticationError, HttpError, Throttled, ValidationError

from dangvien.admission.services import RulesFailed
from dangvien.core import versions
from dangvien.core.errors import DomainError

log = logging.getLogger("dangvien.api")

BY_STATUS = {
    400: ("invalid", "Yêu cầu không hợp lệ (ví dụ: nội dung JSON hỏng)."),
    401: ("unauthorized", "Chưa xác thực."),
    403: ("forbidden", "Bạn không có quyền thực hiện việc này."),
    404: ("not_found", "Không tìm thấy."),
    405: ("method_not_allowed", "Phương thức không được hỗ trợ ở địa chỉ này."),
    413: ("too_large", "Nội dung gửi lên quá lớn."),
    429: ("throttled", "Quá nhiều yêu cầu."),
}

#: DomainError codes and the status they answer.
DOMAIN_STATUS = {"stale": 409, "period_locked": 409, "forbidden": 403, "override_forbidden": 403}


def body(detail: str, code: str, field: str | None = None, rules: list | None = None) -> dict:
    return {"detail": detail, "code": code, "field": field, "rules": rules or []}


def _loc(error: dict) -> str:
    parts = [str(p) for p in error.get("loc", ()) if p not in ("body", "query", "path", "payload")]
    return ".".join(parts)


def _validation_message(error: dict) -> str:
    kind = error.get("type", "")
    ctx = error.get("ctx") or {}
    if kind == "missing":
        return "thiếu giá trị"
    if kind in ("int_parsing", "int_type", "int_from_float"):
        return "phải là số nguyên"
    if kind in ("less_than_equal", "less_than"):
        return f"phải không lớn hơn {ctx.get('le', ctx.get('lt'))}"
    if kind in ("greater_than_equal", "greater_than"):
        return f"phải không nhỏ hơn {ctx.get('ge', ctx.get('gt'))}"
    if kind.startswith("date") or kind.startswith("datetime"):
        return "phải là ngày dạng YYYY-MM-DD, có thật"
    if kind == "string_too_long":
        return f"dài quá {ctx.get('max_length')} ký tự"
    if kind in ("string_type",):
        return "phải là chuỗi ký tự"
    if kind in ("bool_parsing", "bool_type"):
        return "phải là true hoặc false"
    if kind in ("literal_error", "enum"):
        return f"phải là một trong: {ctx.get('expected', '')}"
    if kind == "value_error":
        return str(ctx.get("error") or error.get("msg", ""))
    if kind in ("model_attributes_type", "dict_type", "model_type"):
        return "phải là một đối tượng JSON"
    if kind in ("list_type",):
        return "phải là một danh sách"
    return "giá trị không hợp lệ"


def json_response(payload: dict, status: int) -> JsonResponse:
    """The API's JSON, Vietnamese letters as they are."""
    return JsonResponse(payload, status=status, json_dumps_params={"ensure_ascii": False})


def install(api) -> None:
    def respond(request, status: int, payload: dict, headers: dict | None = None):
        response = json_response(payload, status)
        for key, value in (headers or {}).items():
            response[key] = value
        return response

    @api.exception_handler(AuthenticationError)
    def _auth(request, exc):
        return respond(request, 401, body(getattr(request, "dv_auth_error", "") or
                                          BY_STATUS[401][1], "unauthorized"),
                       {"WWW-Authenticate": "Bearer"})

    @api.exception_handler(Throttled)
    def _throttled(request, exc):
        wait = int(exc.wait or 1)
        return respond(request, 429, body(
            f"Quá nhiều yêu cầu với mã truy cập này; hãy thử lại sau {wait} giây.",
            "throttled"), {"Retry-After": str(wait)})

    @api.exception_handler(ValidationError)
    def _invalid(request, exc):
        errors = exc.errors or [{}]
        first = errors[0]
        field = _loc(first) or None
        detail = "Dữ liệu gửi lên không hợp lệ: " + "; ".join(
            f"{_loc(e) or 'nội dung'}: {_validation_message(e).rstrip('.')}"
            for e in errors[:5]) + "."
        return respond(request, 422, body(detail, "invalid", field))

    @api.exception_handler(Http404)
    def _not_found(request, exc):
        text = str(exc)
        detail = text if text and text.isascii() is False else "Không tìm thấy."
        return respond(request, 404, body(detail, "not_found"))

    @api.exception_handler(HttpError)
    def _http(request, exc):
        code, detail = BY_STATUS.get(exc.status_code, ("invalid", "Yêu cầu không hợp lệ."))
        return respond(request, exc.status_code, body(detail, code))

    @api.exception_handler(DomainError)
    def _domain(request, exc):
        rules = []
        if isinstance(exc, RulesFailed):
            from dangvien.admission import checks

            rules = [{"message": r.message, "regulation": r.regulation}
                     for r in checks.failed(exc.results)]
        status = DOMAIN_STATUS.get(exc.code, 400)
        if isinstance(exc, versions.StaleRecord):
            status = 409
        return respond(request, status, body(exc.message, exc.code, exc.field, rules))

    @api.exception_handler(Exception)
    def _crash(request, exc):
        log.exception("API: lỗi máy chủ ở %s %s", request.method, request.path)
        return server_error_body()


def server_error_body() -> JsonResponse:
    return json_response(body("Lỗi máy chủ: yêu cầu chưa được thực hiện. Hãy thử lại sau hoặc "
                              "báo cho quản trị viên.", "server_error"), 500)


def handler500(request: HttpRequest, *args, **kwargs):
    """Django's 500 handler: JSON under /api/, the usual page elsewhere."""
    if request.path.startswith("/api/"):
        return server_error_body()
    from django.views.defaults import server_error

    return server_error(request, *args, **kwargs)


def handler404(request: HttpRequest, exception=None):
    """Django's 404 handler: an address the API does not have answers JSON (a program reads
    it), anywhere else the usual page."""
    if request.path.startswith("/api/"):
        return json_response(body("Không có địa chỉ này trong API. Danh sách các địa chỉ ở "
                                  "/api/v1/docs.", "not_found"), 404)
    from django.views.defaults import page_not_found

    return page_not_found(request, exception)
