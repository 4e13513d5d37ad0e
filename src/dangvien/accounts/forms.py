"""Forms of the account pages, in Vietnamese."""

from __future__ import annotations

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.core.validators import MaxLengthValidator

from .models import Role

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
        # Django sets max_length on this field after building it, so no validator checks
        # it: a 10.000-character name would reach authenticate() and the lockout table.
        self.fields["username"].validators.append(MaxLengthValidator(150))
        self.fields["password"].validators.append(MaxLengthValidator(1000))
        self.fields["username"].label = "Tên đăng nhập"
        self.fields["username"].widget.attrs.update(
            {"autocapitalize": "none", "autocorrect": "off", "spellcheck": "false"}
        )
        self.fields["password"].label = "Mật khẩu"
        self.fields["username"].error_messages["required"] = "Hãy nhập tên đăng nhập."
        self.fields["password"].error_messages["required"] = "Hãy nhập mật khẩu."


class CodeForm(forms.Form):
    """Mã xác thực: 6 chữ số trên ứng dụng, hoặc một mã dự phòng."""

    code = forms.CharField(
        label="Mã xác thực", max_length=40,
        error_messages={"required": "Hãy nhập mã xác thực."},
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "text",
                                      "autocapitalize": "none", "spellcheck": "false",
                                      "autofocus": True, "size": 12}),
    )


class PasswordChangeForm(forms.Form):
    old = forms.CharField(label="Mật khẩu hiện tại", strip=False, max_length=200,
                          widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
                          error_messages={"required": "Hãy nhập mật khẩu hiện tại."})
    password = forms.CharField(label="Mật khẩu mới", strip=False, max_length=200,
                               widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
                               help_text="Ít nhất 10 ký tự, không phổ biến, không giống tên "
                                         "đăng nhập, không toàn chữ số.",
                               error_messages={"required": "Hãy nhập mật khẩu mới."})
    confirm = forms.CharField(label="Nhập lại mật khẩu mới", strip=False, max_length=200,
                              widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
                              error_messages={"required": "Hãy nhập lại mật khẩu mới."})


class EmailForm(forms.Form):
    """Thư điện tử của tài khoản: where the reminders (đôn đốc) are sent."""

    email = forms.CharField(label="Địa chỉ thư điện tử", max_length=254, required=False,
                            help_text="Bản đôn đốc thời hạn kết nạp được gửi về địa chỉ này. "
                                      "Để trống nếu không muốn nhận thư.",
                            error_messages={"max_length": "Địa chỉ thư điện tử quá dài."},
                            widget=forms.EmailInput(attrs={"autocomplete": "email",
                                                           "autocapitalize": "none"}))


def _role_field() -> forms.ChoiceField:
    return forms.ChoiceField(label="Vai trò", choices=Role.choices,
                             error_messages={"invalid_choice": "Vai trò không có trong danh mục."})


def _unit_field() -> forms.CharField:
    return forms.CharField(
        label="Đơn vị (mã)", max_length=32,
        help_text="Mã đơn vị trong phạm vi quản trị của bạn, ví dụ KB hoặc KB.01. Vai trò có "
                  "hiệu lực trên đơn vị đó và toàn bộ cấp dưới.",
        error_messages={"required": "Hãy nhập mã đơn vị."},
        widget=forms.TextInput(attrs={"list": "units", "autocomplete": "off",
                                      "autocapitalize": "none", "size": 14}),
    )


class AccountCreateForm(forms.Form):
    username = forms.CharField(
        label="Tên đăng nhập", max_length=64,
        help_text="Chữ không dấu, số, dấu chấm, gạch ngang; ví dụ kimboi.hoa.",
        error_messages={"required": "Hãy nhập tên đăng nhập."},
        widget=forms.TextInput(attrs={"autocapitalize": "none", "autocomplete": "off",
                                      "spellcheck": "false"}))
    full_name = forms.CharField(label="Họ và tên", max_length=150,
                                error_messages={"required": "Hãy nhập họ và tên."})
    unit = _unit_field()
    role = _role_field()


class RoleGrantForm(forms.Form):
    unit = _unit_field()
    role = _role_field()


class AccountSearchForm(forms.Form):
    q = forms.CharField(label="Tìm tài khoản", required=False, max_length=100)


class ApiTokenForm(forms.Form):
    """Tạo mã truy cập API."""

    name = forms.CharField(label="Tên gợi nhớ", max_length=100,
                           help_text="Chương trình sẽ dùng mã, ví dụ: Phần mềm thống kê của Ban Tổ chức.",
                           error_messages={"required": "Hãy đặt tên cho mã.",
                                           "max_length": "Tên mã dài quá 100 ký tự."})
    expires_on = forms.CharField(label="Hết hạn sau ngày (dd/mm/yyyy)", max_length=20,
                                 required=False, help_text="Để trống: không hết hạn.")
