"""`dangvien audit verify`: check that no audit row was changed or deleted."""

from django.core.management.base import BaseCommand, CommandError

from dangvien.audit.services import audit_verify


class Command(BaseCommand):
    help = "Nhật ký thay đổi. 'verify': kiểm tra chuỗi băm, báo dòng đầu tiên bị sửa hoặc xóa."

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["verify"], help="verify: kiểm tra toàn vẹn")

    def handle(self, *args, **options):
        result = audit_verify()
        if not result.ok:
            raise CommandError(result.message)
        self.stdout.write(self.style.SUCCESS(result.message))
