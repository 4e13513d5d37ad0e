from django.urls import path

from . import views

app_name = "training"
urlpatterns = [
    path("", views.classes, name="classes"),
    path("mo-lop/", views.class_new, name="class_new"),
    path("<int:pk>/", views.class_page, name="class"),
    path("<int:pk>/ghi-danh/", views.class_enrol, name="enrol"),
    path("<int:pk>/ket-qua/", views.class_results, name="results"),
    path("<int:pk>/them-hoc-vien/", views.class_learners_add, name="learners_add"),
    path("<int:pk>/hoc-vien/<int:enrolment_pk>/ket-qua/", views.enrolment_result, name="result"),
]
