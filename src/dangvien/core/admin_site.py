"""The Django admin, for system operators only (superusers).

Officials never need it: accounts, units and records have their own pages. An official
who opens /quan-tri/ gets the same 404 as for a unit outside his scope, and the attempt
is audited; someone not signed in is sent to the product's own sign-in page (with its
second factor), never to the admin's login form.
"""

from __future__ import annotations

from functools import wraps

from django.contrib import admin
from django.contrib.auth.views import redirect_to_login
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse

from dangvien.audit.services import audit_refusal


class AdminSite(admin.AdminSite):
    site_header = "dangvien — Quản trị hệ thống"
    site_title = "dangvien"
    index_title = "Quản trị hệ thống"

    def register(self, model_or_iterable, admin_class=None, **options):
        """Every admin, ours or another app's (users, django-axes, django-otp), searches the
        same way on both databases and writes its changes to the audit trail."""
        from dangvien.core.admin import AuditMixin, SameSearchMixin

        base = admin_class or admin.ModelAdmin
        if not issubclass(base, SameSearchMixin):
            base = type(base.__name__, (AuditMixin, SameSearchMixin, base), {})
        super().register(model_or_iterable, base, **options)

    def has_permission(self, request) -> bool:
        user = request.user
        return bool(user.is_active and user.is_superuser)

    def admin_view(self, view, cacheable=False):
        inner = super().admin_view(view, cacheable)

        @wraps(view)
        def guarded(request, *args, **kwargs):
            user = request.user
            if not user.is_authenticated:
                return redirect_to_login(request.get_full_path(), reverse("accounts:login"))
            if not self.has_permission(request):
                audit_refusal(by=user, action="admin.open", target=None,
                              reason="không phải quản trị viên hệ thống",
                              detail={"path": request.path[:200]})
                raise Http404("Không tìm thấy trang.")
            return inner(request, *args, **kwargs)

        return guarded

    def password_change(self, request, extra_context=None):
        """The product's own page: Django's validators, audited, keeps the session."""
        return redirect("accounts:password")

    def login(self, request, extra_context=None):
        return redirect_to_login(request.GET.get("next", reverse("admin:index")),
                                 reverse("accounts:login"))

