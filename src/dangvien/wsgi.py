"""WSGI entry point (served by gunicorn, or granian, in `dangvien serve`)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dangvien.settings")
application = get_wsgi_application()
