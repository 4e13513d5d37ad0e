from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "dangvien.accounts"
    label = "accounts"
    verbose_name = "Tài khoản và phân quyền"

    def ready(self) -> None:
        from . import signin

        signin.connect()
