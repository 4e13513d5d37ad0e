"""Log in and out. Django's own views do the work (safe `next` redirects, session key
rotation, CSRF); we only give them a Vietnamese form and templates."""

from __future__ import annotations

from django.contrib.auth import views as auth_views

from .forms import LoginForm

login = auth_views.LoginView.as_view(
    template_name="accounts/login.html",
    authentication_form=LoginForm,
    redirect_authenticated_user=True,
)

# POST only (Django 5): a link or an image tag cannot log anyone out.
logout = auth_views.LogoutView.as_view()
