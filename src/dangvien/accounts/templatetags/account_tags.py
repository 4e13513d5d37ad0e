"""Template filters of the account pages."""

from django import template

from dangvien.accounts import policy

register = template.Library()


@register.filter
def may_administer(user) -> bool:
    """Whether the menu shows "Tài khoản" (account administration)."""
    return bool(getattr(user, "is_authenticated", False) and user.is_active
                and policy.may_administer(user))
