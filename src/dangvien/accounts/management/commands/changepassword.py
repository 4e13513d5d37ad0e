"""Django's `changepassword`, written to the audit trail."""

from django.contrib.auth import get_user_model
from django.contrib.auth.management.commands import changepassword

from dangvien.audit.services import audit_record


class Command(changepassword.Command):
    help = "Đổi mật khẩu của một tài khoản từ dòng lệnh (ghi vào nhật ký)."

    def handle(self, *args, **options):
        result = super().handle(*args, **options)
        username = options.get("username") or ""
        user = get_user_model().objects.filter(username=username).first()
        if user is not None:
            audit_record(by=None, action="account.password_change", object_type="auth.user",
                         object_id=user.pk, after={"via": "changepassword"})
        return result
