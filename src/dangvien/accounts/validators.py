"""Password rules with their messages in Vietnamese.

Django 5.2 changed the wording of the minimum-length message, and its Vietnamese
translation still has the old one, so the message would appear in English.
"""

from django.contrib.auth import password_validation


class MinimumLengthValidator(password_validation.MinimumLengthValidator):
    def get_error_message(self) -> str:
        return f"Mật khẩu quá ngắn: cần ít nhất {self.min_length} ký tự."

    def get_help_text(self) -> str:
        return f"Mật khẩu phải có ít nhất {self.min_length} ký tự."
