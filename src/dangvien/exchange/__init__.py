"""Excel templates, importers and exporters (trao đổi dữ liệu Excel)."""
