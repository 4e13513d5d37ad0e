from django.urls import path

from . import views

app_name = "ratings"
urlpatterns = [
    path("", views.report, name="report"),
    path("nhap/<str:code>/<int:year>/", views.entry, name="entry"),
    path("duyet/<str:code>/<int:year>/", views.approve, name="approve"),
    path("sua/<int:pk>/", views.correct, name="correct"),
    path("sang-loc/truong-hop/<int:pk>/", views.case_page, name="case"),
    path("sang-loc/<str:code>/<int:year>/", views.screening, name="screening"),
]
