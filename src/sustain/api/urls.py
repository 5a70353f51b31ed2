"""The REST API at /api/v1/: one router per app, all behind token authentication."""

from __future__ import annotations

from ninja import NinjaAPI, Router

from sustain.api import auth, errors
from sustain.api.auth import TokenAuth
from sustain.api.schemas import Error

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
    ("sustain.adoption.api", "router"),
    ("sustain.health.api", "router"),
]


def document_errors(router: Router) -> None:
    """Declare in the OpenAPI document the errors each operation can answer, all in the
    `Error` shape: 401/403 everywhere (token, role); 404 where the request names an object
    (in its path or body, or the caller's own plan under /me/); 400 (a service refused the values) and 422
    (the request does not fit its schema) where the request carries any input; 413
    where it carries a body."""
    for path, view in router.path_operations.items():
        for op in view.operations:
            codes = {401, 403}
            has_input = bool(op.models)
            if has_input or path.startswith("/me/"):
                codes.add(404)
            if has_input or set(op.methods) - {"GET"}:
                codes |= {400, 422}
            if set(op.methods) & {"POST", "PUT", "PATCH"}:
                codes.add(413)
            for code in codes:
                op.response_models.setdefault(code, op._create_response_model(Error))


for module_name, attr in ROUTERS:
    module = __import__(module_name, fromlist=[attr])
    document_errors(getattr(module, attr))
    getattr(module, attr).add_decorator(errors.atomic_writes)
    api.add_router("/", getattr(module, attr))
