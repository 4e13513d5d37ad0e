"""The Django admin's app, with the product's own site (`core.admin_site`)."""

from django.contrib.admin.apps import AdminConfig as DjangoAdminConfig


class AdminConfig(DjangoAdminConfig):
    default_site = "dangvien.core.admin_site.AdminSite"
