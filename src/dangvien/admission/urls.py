from . import views, views_corrections, views_deadlines

app_name = "admission"
urlpatterns = [
    # Candidate pages (views.py)
    *views.urlpatterns,
    # Corrections, reopening, the over-60 agreement (views_corrections.py)
    *views_corrections.urlpatterns,
    # Deadlines and quarterly surveys (views_deadlines.py)
    *views_deadlines.urlpatterns,
]
