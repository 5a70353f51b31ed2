"""The REST API at /api/v1/: one router per app, all behind token authentication."""

from __future__ import annotations

from ninja import NinjaAPI

from sustain.api import auth, errors
from sustain.api.auth import TokenAuth

api = NinjaAPI(
    title="Sustain API",
    version="1",
    description="Programs, people and the evidence of a sales training program.",
    auth=TokenAuth(),
    urls_namespace="api",
)
errors.install(api)
auth.install(api)

# Each app owns its endpoints; the order here is the order of the OpenAPI document.
ROUTERS = [
    # Before orgs: its /people/import must win over /people/{person_id}.
    ("sustain.roster.api", "router"),
    ("sustain.orgs.api", "router"),
    ("sustain.accounts.api", "router"),
    ("sustain.programs.api", "router"),
    ("sustain.readiness.api", "router"),
    ("sustain.plans.api", "router"),
    ("sustain.coaching.api", "router"),
    ("sustain.certification.api", "router"),
    ("sustain.refreshers.api", "router"),
    ("sustain.metrics.api", "router"),
    ("sustain.analysis.api", "router"),
    ("sustain.audit.api", "router"),
    ("sustain.notify.api", "router"),
    ("sustain.exports.api", "router"),
]

for module_name, attr in ROUTERS:
    module = __import__(module_name, fromlist=[attr])
    api.add_router("/", getattr(module, attr))
