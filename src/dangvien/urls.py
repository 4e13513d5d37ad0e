from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

from dangvien.core.views import back_to_today

urlpatterns = [
    path("ngay/hom-nay/", back_to_today, name="today"),
    path("", RedirectView.as_view(pattern_name="org:tree", permanent=False)),
    path("tai-khoan/", include("dangvien.accounts.urls")),
    path("to-chuc/", include("dangvien.org.urls")),
    path("dang-vien/", include("dangvien.people.urls")),
    path("ket-nap/", include("dangvien.admission.urls")),
    path("lop/", include("dangvien.training.urls")),
    path("ke-hoach/", include("dangvien.plans.urls")),
    path("danh-gia/", include("dangvien.ratings.urls")),
    path("trao-doi/", include("dangvien.exchange.urls")),
    path("bao-cao/", include("dangvien.reports.urls")),
    path("tep/", include("dangvien.jobs.urls")),
    path("don-doc/", include("dangvien.reminders.urls")),
    path("quan-tri/", admin.site.urls),
]
