"""Django's `createsuperuser`, with the new superuser written to the audit trail."""

from django.contrib.auth import get_user_model
from django.contrib.auth.management.commands import createsuperuser

from dangvien.accounts.services import user_snapshot
from dangvien.audit.services import audit_record


class Command(createsuperuser.Command):
    help = "Tạo quản trị viên hệ thống (ghi vào nhật ký). Lần đầu cài đặt hãy dùng 'dangvien setup'."

    def handle(self, *args, **options):
        User = get_user_model()
        before = User.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
        super().handle(*args, **options)
        for user in User.objects.filter(pk__gt=before, is_superuser=True):
            audit_record(by=None, action="account.createsuperuser", object_type="auth.user",
                         object_id=user.pk, after=user_snapshot(user))
