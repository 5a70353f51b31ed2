"""Background jobs: scoring a call, re-scoring a program, the retention sweep."""

from __future__ import annotations

import logging

from django.tasks import task

from sustain.adoption import services
from sustain.adoption.models import Call, CallStatus
from sustain.programs.models import Program

logger = logging.getLogger(__name__)
QUEUE = "imports"


@task(queue_name=QUEUE)
def process_call(call_id: int) -> None:
    call = Call.objects.select_related("program").filter(pk=call_id).first()
    if call is None or call.status == CallStatus.DONE:
        return
    services.call_mark(call_id=call_id, status=CallStatus.RUNNING)
    try:
        services.call_process(call=call)
    except Exception as exc:  # the call must end failed with a reason, never stay running
        logger.exception("Scoring call %s failed", call_id)
        services.call_mark(call_id=call_id, status=CallStatus.FAILED, error=str(exc) or repr(exc))


@task(queue_name=QUEUE)
def rescore_program(program_id: int) -> None:
    program = Program.objects.filter(pk=program_id).first()
    if program is not None:
        services.program_rescore(program=program)


@task()
def delete_old_transcripts() -> int:
    return services.transcripts_delete_expired()
