"""Refresher pages: answer what is due today, and a program's retention charts."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_POST

from sustain.orgs import access
from sustain.refreshers import choice, selectors, services
from sustain.refreshers.models import Card


@login_required
def due(request: HttpRequest) -> HttpResponse:
    cards = list(selectors.due_cards(person=request.user, today=timezone.localdate()))
    for card in cards:
        card.shown_choices = choice.shuffled(card.question.choices)  # type: ignore[attr-defined]
    return render(
        request,
        "refreshers/due.html",
        {
            "cards": cards,
            "reviews": selectors.recent_reviews(person=request.user),
        },
    )


@login_required
@require_POST
def answer(request: HttpRequest, question_id: int) -> HttpResponse:
    card = (
        Card.objects.filter(person=request.user, question_id=question_id)
        .select_related("question__concept")
        .first()
    )
    if card is None:
        raise Http404
    card.shown_choices = choice.shuffled(card.question.choices)  # type: ignore[attr-defined]
    context: dict[str, object] = {"card": card}
    try:
        context["review"] = services.refresher_answer(
            person=request.user, card=card, answer=request.POST.get("answer", "")
        )
    except ValidationError as exc:
        context["error"] = " ".join(exc.messages)
    status = 400 if "error" in context else 200
    template = "refreshers/due.html#question" if request.htmx else "refreshers/answered.html"
    return render(request, template, context, status=status)


@login_required
def program(request: HttpRequest, program_id: int) -> HttpResponse:
    program = access.get_program_for(request.user, program_id)
    return render(
        request,
        "refreshers/program.html",
        {
            "program": program,
            "by_concept": selectors.retention_spec(
                program=program, by="concept", viewer=request.user
            ),
            "by_team": selectors.retention_spec(program=program, by="team", viewer=request.user),
            "questions": selectors.questions_shown_to(
                request.user, selectors.questions_for(program)
            ),
        },
    )
