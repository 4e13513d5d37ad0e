from . import views, views_deadlines

app_name = "admission"
urlpatterns = [
    # Candidate pages (views.py)
    *views.urlpatterns,
    # Deadlines and quarterly surveys (views_deadlines.py)
    *views_deadlines.urlpatterns,
]
