from django.urls import path

from . import views

app_name = "org"
urlpatterns = [
    path("", views.tree, name="tree"),
    path("<str:code>/", views.unit_detail, name="unit"),
    path("<str:code>/cay/", views.children, name="children"),
    path("<str:code>/them-don-vi/", views.unit_new, name="unit_new"),
]
