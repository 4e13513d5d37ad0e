"""The project's URLs plus one that fails, to see the 500 page."""

from django.urls import path

from dangvien.urls import urlpatterns as project_urls


def boom(request):
    raise RuntimeError("thử lỗi")


urlpatterns = [*project_urls, path("loi/", boom)]
