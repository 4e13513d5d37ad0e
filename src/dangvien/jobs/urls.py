from django.urls import path

from . import views

app_name = "jobs"
urlpatterns = [
    path("", views.file_jobs_page, name="file_jobs"),
    path("<int:pk>/", views.file_job_page, name="file_job"),
    path("<int:pk>/tien-do/", views.file_job_status, name="file_job_status"),
    path("<int:pk>/tai-ve/", views.file_job_download, name="file_job_download"),
    path("<int:pk>/chay-lai/", views.file_job_retry, name="file_job_retry"),
]
