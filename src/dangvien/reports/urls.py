from django.urls import path

from . import views

app_name = "reports"
urlpatterns = [
    path("tien-do.<str:fmt>", views.progress_download, name="progress"),
]
