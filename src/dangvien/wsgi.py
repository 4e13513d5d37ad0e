"""WSGI entry point (served by granian in `dangvien serve`).

granian loads this module in each web process it starts. A web process started by `dangvien
serve` (DANGVIEN_WEB_PARENT holds the server's process id) watches that its server is still
there: should the server be killed outright (SIGKILL, an OOM kill), its web processes end
within a second instead of holding the port and serving on without a supervisor. (gunicorn's
workers did this by themselves; granian's do not.)
"""

import gc
import os
import threading
import time

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dangvien.settings")
application = get_wsgi_application()

_parent = os.environ.get("DANGVIEN_WEB_PARENT", "")
if _parent.isdigit() and os.getppid() == int(_parent):

    def _watch_parent(parent: int = int(_parent)) -> None:
        while True:
            time.sleep(1)
            if os.getppid() != parent:
                os._exit(0)

    threading.Thread(target=_watch_parent, name="dangvien-parent", daemon=True).start()
    # Django, the apps and the templates loaded now live as long as the process: out of the
    # collector's sight, a full collection walks only what the requests made.
    gc.freeze()
