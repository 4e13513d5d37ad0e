"""Renderers of official documents: docx in party format, pdf, narrative (báo cáo)."""
