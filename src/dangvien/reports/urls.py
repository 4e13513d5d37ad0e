from django.urls import path

from . import views, views_forms

app_name = "reports"
urlpatterns = [
    path("tien-do.<str:fmt>", views.progress_download, name="progress"),
    # Party forms from a candidacy, and their templates (views_forms.py)
    *views_forms.urlpatterns,
]
