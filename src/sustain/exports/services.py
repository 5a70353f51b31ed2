"""The export as a file to send: written to a temporary file, so a large organization does
not have to fit in memory."""

from __future__ import annotations

import tempfile
from typing import IO

from django.http import FileResponse
from django.utils import timezone

from sustain.exports.exporter import organization_export
from sustain.orgs.models import Organization


def export_file(*, organization: Organization) -> IO[bytes]:
    # The caller (FileResponse) closes it, and the file is gone then.
    out = tempfile.TemporaryFile()  # noqa: SIM115
    organization_export(organization=organization, out=out)
    out.seek(0)
    return out


def export_response(*, organization: Organization) -> FileResponse:
    name = f"sustain-{organization.slug}-{timezone.now():%Y-%m-%d}.zip"
    return FileResponse(
        export_file(organization=organization),
        as_attachment=True,
        filename=name,
        content_type="application/zip",
    )
