from django.urls import path

from . import views, views_breakdown, views_progress

app_name = "plans"
urlpatterns = [
    path("", views.plan_list, name="plans"),
    path("moi/", views.plan_new, name="plan_new"),
    path("<int:pk>/", views.plan_page, name="plan"),
    path("<int:pk>/giao-chi-tieu/", views.plan_allocate, name="plan_allocate"),
    path("<int:pk>/ban-hanh/", views.plan_issue, name="plan_issue"),
    path("<int:pk>/dieu-chinh/", views.plan_revise, name="plan_revise"),
    *views_progress.progress_urlpatterns,
    *views_breakdown.breakdown_urlpatterns,
]
