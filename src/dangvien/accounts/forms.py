"""Login form in Vietnamese."""

from __future__ import annotations

from django.contrib.auth.forms import AuthenticationForm

#: One message for a wrong password, an unknown user and a disabled account, so the
#: form never tells whether a user name exists.
INVALID_LOGIN = "Tên đăng nhập hoặc mật khẩu không đúng."


class LoginForm(AuthenticationForm):
    error_messages = {
        "invalid_login": INVALID_LOGIN,
        "inactive": INVALID_LOGIN,
    }

    def __init__(self, request=None, *args, **kwargs):
        super().__init__(request, *args, **kwargs)
        self.fields["username"].label = "Tên đăng nhập"
        self.fields["username"].widget.attrs.update(
            {"autocapitalize": "none", "autocorrect": "off", "spellcheck": "false"}
        )
        self.fields["password"].label = "Mật khẩu"
        self.fields["username"].error_messages["required"] = "Hãy nhập tên đăng nhập."
        self.fields["password"].error_messages["required"] = "Hãy nhập mật khẩu."
