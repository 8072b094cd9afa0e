import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

# Django's WSGI handler, with machine endpoints (the SCORM runtime's commits, health checks)
# through fewer middlewares: bluelamp/core/handlers.py.
from bluelamp.core.handlers import get_wsgi_application  # noqa: E402

application = get_wsgi_application()
