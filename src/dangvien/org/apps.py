from django.apps import AppConfig


class OrgConfig(AppConfig):
    name = "dangvien.org"
    label = "org"
    verbose_name = "Tổ chức đảng"
