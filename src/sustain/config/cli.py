"""The `sustain` command: `serve`, `worker`, `demo`, `token create EMAIL`, `impact`, and
every Django management command, with Sustain's settings."""

from __future__ import annotations

import os
import sys

ALIASES = {
    "import-kpis": "import_kpis",
    "import-people": "import_people",
    "import-calls": "import_calls",
}


def main(argv: list[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if args and args[0] == "impact":
        # The impact engine is a library with no Django in it: keep its start-up light.
        from sustain.impact.cli import main as impact_main

        return impact_main(args[1:])
    # Commands documented with a dash run the Django command of the same name.
    if args and args[0] in ALIASES:
        args[0] = ALIASES[args[0]]
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sustain.config.settings.local")
    import django
    from django.core.management import execute_from_command_line

    from sustain.config.dirs import ensure_data_dirs

    django.setup()
    ensure_data_dirs()

    execute_from_command_line(["sustain", *(args or ["help"])])
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
