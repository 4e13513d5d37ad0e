from django.urls import path

from . import views, views_admin

app_name = "accounts"
urlpatterns = [
    path("dang-nhap/", views.login, name="login"),
    path("dang-xuat/", views.logout, name="logout"),
    path("xac-thuc/", views.verify, name="verify"),
    path("xac-thuc-hai-buoc/", views.enrol, name="enrol"),
    path("ma-du-phong/", views.recovery_shown, name="recovery_shown"),
    path("ma-du-phong/tao-moi/", views.recovery_renew, name="recovery_renew"),
    path("doi-mat-khau/", views.password, name="password"),
    path("thu-dien-tu/", views.email, name="email"),
    path("", views.me, name="me"),
    path("ma-truy-cap/", views.api_token_new, name="api_token_new"),
    path("ma-truy-cap/<int:pk>/thu-hoi/", views.api_token_revoke, name="api_token_revoke"),
    path("quan-ly/", views_admin.account_list, name="accounts"),
    path("quan-ly/them/", views_admin.account_new, name="account_new"),
    path("quan-ly/<int:pk>/", views_admin.account_detail, name="account"),
    path("quan-ly/<int:pk>/giao-vai-tro/", views_admin.role_grant, name="role_grant"),
    path("quan-ly/<int:pk>/thu-hoi-vai-tro/", views_admin.role_revoke, name="role_revoke"),
    path("quan-ly/<int:pk>/khoa/", views_admin.deactivate, name="deactivate"),
    path("quan-ly/<int:pk>/mo-lai/", views_admin.reactivate, name="reactivate"),
    path("quan-ly/<int:pk>/cap-lai-mat-khau/", views_admin.password_reset, name="password_reset"),
    path("quan-ly/<int:pk>/go-khoa-dang-nhap/", views_admin.unlock, name="unlock"),
    path("quan-ly/<int:pk>/dat-lai-xac-thuc/", views_admin.otp_reset, name="otp_reset"),
]
