from __future__ import annotations

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sustain.config.settings.local")
application = get_wsgi_application()

from sustain.config.dirs import ensure_data_dirs  # noqa: E402  (needs settings loaded)

ensure_data_dirs()
