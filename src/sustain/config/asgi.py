from __future__ import annotations

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sustain.config.settings.local")
application = get_asgi_application()

from sustain.config.dirs import ensure_data_dirs  # noqa: E402  (needs settings loaded)

ensure_data_dirs()
