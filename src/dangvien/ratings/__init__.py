"""Yearly member quality ratings and screening (đánh giá, xếp loại chất lượng; sàng lọc)."""
