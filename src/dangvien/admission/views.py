"""Candidate pages: list, candidate page with timeline and dossier, step forms."""

urlpatterns: list = []
