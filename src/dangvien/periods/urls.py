from django.urls import path

from . import views

app_name = "periods"

urlpatterns = [
    path("", views.period_list, name="list"),
    path("them/", views.period_new, name="new"),
    path("<int:pk>/sua/", views.period_edit, name="edit"),
    path("<int:pk>/", views.completeness, name="completeness"),
    path("<int:pk>/<str:code>/", views.report, name="report"),
    path("<int:pk>/<str:code>/bao-cao.docx", views.report_docx, name="docx"),
]
