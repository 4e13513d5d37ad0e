"""dangvien: planning, tracking and reporting party-member development."""
