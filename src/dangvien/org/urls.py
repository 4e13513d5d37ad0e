from django.urls import path

from . import views, views_changes

app_name = "org"
urlpatterns = [
    path("", views.tree, name="tree"),
    path("<str:code>/", views.unit_detail, name="unit"),
    path("<str:code>/cay/", views.children, name="children"),
    path("<str:code>/them-don-vi/", views_changes.change, {"kind": "them-don-vi"},
         name="unit_new"),
    path("<str:code>/doi-ten/", views_changes.change, {"kind": "doi-ten"}, name="rename"),
    path("<str:code>/dieu-chuyen/", views_changes.change, {"kind": "dieu-chuyen"}, name="move"),
    path("<str:code>/giai-the/", views_changes.change, {"kind": "giai-the"}, name="dissolve"),
    path("<str:code>/sap-nhap/", views_changes.change, {"kind": "sap-nhap"}, name="merge"),
    path("<str:code>/chia-tach/", views_changes.change, {"kind": "chia-tach"}, name="split"),
]
