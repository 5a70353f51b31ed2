"""Start the provider: `python -m tests.oidc_provider.serve` with OIDC_PROVIDER_PORT,
OIDC_PROVIDER_DB and OIDC_PROVIDER_CLIENT (client id) set. Prints "ready" when serving.

Its users (password "provider-password"): mia (mia.manager@acme.example, a known person
typed in another case), stranger (stranger@elsewhere.example), unverified
(rita.rep@acme.example, with email_verified false)."""

from __future__ import annotations

import os

import django

PASSWORD = "provider-password"
USERS = {
    "mia": "Mia.Manager@ACME.example",
    "stranger": "stranger@elsewhere.example",
    "unverified": "rita.rep@acme.example",
    "dora": "dora.deactivated@acme.example",
}
SECRET = "sustain-test-secret"


def main() -> None:
    os.environ["DJANGO_SETTINGS_MODULE"] = "tests.oidc_provider.settings"
    django.setup()
    from django.contrib.auth.models import User
    from django.core.management import call_command
    from oauth2_provider.models import Application
    from waitress import serve

    call_command("migrate", verbosity=0)
    for username, email in USERS.items():
        User.objects.create_user(username, email=email, password=PASSWORD)
    Application.objects.create(
        name="Sustain",
        client_id=os.environ["OIDC_PROVIDER_CLIENT"],
        client_secret=SECRET,
        client_type=Application.CLIENT_CONFIDENTIAL,
        authorization_grant_type=Application.GRANT_AUTHORIZATION_CODE,
        algorithm=Application.RS256_ALGORITHM,
        skip_authorization=True,
        redirect_uris=" ".join(
            f"http://{host}/sso/callback/" for host in ("testserver", "localhost", "127.0.0.1")
        ),
    )
    from django.core.wsgi import get_wsgi_application

    print("ready", flush=True)
    serve(
        get_wsgi_application(),
        host="127.0.0.1",
        port=int(os.environ["OIDC_PROVIDER_PORT"]),
        threads=4,
        _quiet=True,
    )


if __name__ == "__main__":
    main()
