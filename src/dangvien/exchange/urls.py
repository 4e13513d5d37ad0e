from django.urls import path

from . import views

app_name = "exchange"
urlpatterns = [
    path("", views.index, name="index"),
    path("mau/<slug:slug>/", views.template_download, name="template"),
    path("nhap/<slug:slug>/", views.upload, name="upload"),
    path("nhap/luot/<int:pk>/", views.job_page, name="job"),
    path("nhap/luot/<int:pk>/luu/", views.job_save, name="job_save"),
    path("nhap/luot/<int:pk>/chay-lai/", views.job_retry, name="job_retry"),
    path("nhap/luot/<int:pk>/tien-do/", views.job_status, name="job_status"),
    path("nhap/luot/<int:pk>/hoan-tac/", views.job_undo, name="job_undo"),
    # Exports (helper "export") add their addresses below.
]

from . import views_export  # noqa: E402 - Excel downloads of the lists (helper "export")

urlpatterns += views_export.urlpatterns
