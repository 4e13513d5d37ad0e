"""Who may administer which accounts, and who must sign in with a second factor.

The rules of account administration (quản trị tài khoản), in one place for the pages,
the services and the commands:

- an administrator is a user with the admin role on some unit (or a superuser);
- he sees and manages an account only when every role the account holds lies inside
  his admin scope; an account with a role outside it, a superuser, or an account with
  no role at all is invisible to him, as a unit outside his scope is (404);
- he grants or revokes a role only on a unit inside his admin scope, never a role
  above his own rank there, and never makes anyone a superuser.
"""

from __future__ import annotations

from django.conf import settings

from dangvien.core.errors import DomainError

from .models import ROLE_RANK, SECOND_FACTOR_ROLES, Role
from .scope import role_rows, scope_paths

OUT_OF_SCOPE = "Không tìm thấy tài khoản."


def unit_not_found(code: str) -> str:
    """The same words for a unit that does not exist and one outside the admin's scope."""
    return f"Không tìm thấy đơn vị '{code}' trong phạm vi quản trị của bạn."


def second_factor_required(user) -> bool:
    """Whether the user must sign in with a second factor (xác thực hai bước)."""
    if not getattr(user, "is_authenticated", False):
        return False
    if settings.DANGVIEN_2FA_REQUIRED_FOR == "all" or user.is_superuser:
        return True
    return any(role in SECOND_FACTOR_ROLES for role, _ in role_rows(user))


def admin_paths(by) -> list[str] | None:
    """Roots of the subtrees `by` administers; None: everything (a superuser, or the
    system itself: `by=None` in commands and set-up)."""
    if by is None:
        return None
    return scope_paths(by, Role.ADMIN)


def may_administer(by) -> bool:
    """Whether `by` may open the account pages at all."""
    paths = admin_paths(by)
    return paths is None or bool(paths)


def _inside(paths: list[str], path: str) -> bool:
    return any(path.startswith(p) for p in paths)


def may_manage(by, target, target_paths: list[str]) -> bool:
    """Whether `by` may see and manage `target`, whose roles lie on `target_paths`."""
    paths = admin_paths(by)
    if paths is None:
        return True
    if target.is_superuser or not target_paths or not paths:
        return False
    return all(_inside(paths, p) for p in target_paths)


def rank_on(by, unit) -> int:
    """The highest role rank `by` holds on `unit` (through it or an ancestor)."""
    if by is None or by.is_superuser:
        return max(ROLE_RANK.values())
    ranks = [ROLE_RANK[Role(r)] for r, p in role_rows(by) if unit.path.startswith(p)]
    return max(ranks, default=0)


def check_grant(by, unit, role: str) -> None:
    """Refuse a role `by` may not grant or revoke on `unit`."""
    if role not in Role.values:
        raise DomainError(f"Vai trò '{role}' không có trong danh mục.", field="role")
    paths = admin_paths(by)
    if paths is not None and not _inside(paths, unit.path):
        raise DomainError(unit_not_found(unit.code), field="unit")
    if ROLE_RANK[Role(role)] > rank_on(by, unit):
        raise DomainError("Không được giao vai trò cao hơn vai trò của chính mình.", field="role")
