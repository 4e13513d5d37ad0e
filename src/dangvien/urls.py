from django.contrib import admin
from django.urls import include, path

from dangvien.core.views import back_to_today
from dangvien.home.views import home

urlpatterns = [
    path("ngay/hom-nay/", back_to_today, name="today"),
    path("", home, name="home"),
    path("tai-khoan/", include("dangvien.accounts.urls")),
    path("to-chuc/", include("dangvien.org.urls")),
    path("dang-vien/", include("dangvien.people.urls")),
    path("ket-nap/", include("dangvien.admission.urls")),
    path("lop/", include("dangvien.training.urls")),
    path("ke-hoach/", include("dangvien.plans.urls")),
    path("danh-gia/", include("dangvien.ratings.urls")),
    path("trao-doi/", include("dangvien.exchange.urls")),
    path("bao-cao/", include("dangvien.reports.urls")),
    path("ky-bao-cao/", include("dangvien.periods.urls")),
    path("tep/", include("dangvien.jobs.urls")),
    path("don-doc/", include("dangvien.reminders.urls")),
    path("quan-tri/", admin.site.urls),
    path("api/", include("dangvien.api.urls")),
]

handler404 = "dangvien.api.errors.handler404"
handler500 = "dangvien.api.errors.handler500"
