"""Refresher pages: answer what is due today, and a program's retention charts."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST
from fsrs import Rating

from sustain.lib.uploads import CellError, TableRejected
from sustain.orgs import access
from sustain.orgs.http import AuthenticatedHttpRequest
from sustain.refreshers import charts, choice, selectors, services
from sustain.refreshers.forms import BankImportForm, QuestionForm
from sustain.refreshers.models import Card, Question
from sustain.web.forms import call_service


@login_required
def due(request: AuthenticatedHttpRequest) -> HttpResponse:
    cards = list(selectors.due_cards(person=request.user, today=timezone.localdate()))
    for card in cards:
        card.shown_choices = choice.shuffled(card.question.choices)  # type: ignore[attr-defined]  # set on the instance for the page or response
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
def answer(request: AuthenticatedHttpRequest, question_id: int) -> HttpResponse:
    card = (
        Card.objects.filter(person=request.user, question_id=question_id)
        .select_related("question__concept")
        .first()
    )
    if card is None:
        raise Http404
    card.shown_choices = choice.shuffled(card.question.choices)  # type: ignore[attr-defined]  # set on the instance for the page or response
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


# Past this many teams, the chart shows those with the lowest retention (the API has all).
TEAMS_CHARTED = 10


@login_required
def program(request: AuthenticatedHttpRequest, program_id: int) -> HttpResponse:
    program = access.get_program_for(request.user, program_id)
    stored = selectors.stored_state(program)
    lowest, n_teams = selectors.lowest_retention_teams(
        program=program, viewer=request.user, n=TEAMS_CHARTED, stored=stored
    )
    teams = lowest if n_teams > TEAMS_CHARTED else None
    return render(
        request,
        "refreshers/program.html",
        {
            "program": program,
            "by_concept": charts.retention_spec(
                program=program, by="concept", viewer=request.user, stored=stored
            ),
            "by_team": charts.retention_spec(
                program=program, by="team", viewer=request.user, teams=teams, stored=stored
            ),
            "teams_charted": len(lowest) if teams is not None else None,
            "n_teams": n_teams,
            "questions": selectors.questions_shown_to(
                request.user, selectors.questions_for(program)
            ),
            "can_edit": access.can_edit_program(request.user, program),
        },
    )


# The question bank: written by those who may edit the program --------------------------


@login_required
def bank(request: AuthenticatedHttpRequest, program_id: int) -> HttpResponse:
    program = access.get_program_for(request.user, program_id, write=True)
    return render(
        request,
        "refreshers/bank.html",
        {"program": program, "concepts": selectors.bank_by_concept(program=program)},
    )


def _question_page(
    request: HttpRequest,
    form: QuestionForm,
    save: Callable[[dict[str, Any]], object],
    *,
    title: str,
    back: str,
) -> HttpResponse:
    """Save on "Save"; on "Preview" show the question as a rep will see it, unsaved."""
    preview = None
    if request.method == "POST" and form.is_valid():
        if "preview" in request.POST:
            preview = Question(**form.service_data())
        elif call_service(form, lambda: save(form.service_data())) is not None:
            messages.success(request, "Question saved.")
            return redirect(back)
    return render(
        request,
        "refreshers/question_form.html",
        {"form": form, "title": title, "back_url": back, "preview": preview},
    )


@login_required
def question_create(request: AuthenticatedHttpRequest, concept_id: int) -> HttpResponse:
    concept = access.get_concept_for(request.user, concept_id, write=True)
    return _question_page(
        request,
        QuestionForm(request.POST or None),
        lambda data: services.question_create(concept=concept, **data),
        title=f"New question · {concept.name}",
        back=reverse("refreshers:bank", args=[concept.program_id]) + f"#concept-{concept.pk}",
    )


@login_required
def question_edit(request: AuthenticatedHttpRequest, question_id: int) -> HttpResponse:
    question = access.get_question_for(request.user, question_id, write=True)
    return _question_page(
        request,
        QuestionForm(request.POST or None, question=question),
        lambda data: services.question_update(question=question, data=data),
        title=f"Edit question · {question.concept.name}",
        back=reverse("refreshers:bank", args=[question.concept.program_id])
        + f"#question-{question.pk}",
    )


@login_required
def question_delete(request: AuthenticatedHttpRequest, question_id: int) -> HttpResponse:
    question = access.get_question_for(request.user, question_id, write=True)
    back = reverse("refreshers:bank", args=[question.concept.program_id])
    if request.method == "POST":
        services.question_delete(question=question)
        messages.success(request, "Question deleted.")
        return redirect(back)
    return render(
        request,
        "refreshers/question_delete.html",
        {"question": question, "answers": selectors.answers_count(question=question), "back": back},
    )


@login_required
def question_preview(request: AuthenticatedHttpRequest, question_id: int) -> HttpResponse:
    """The question as a rep sees it; trying an answer shows the feedback, records nothing."""
    question = access.get_question_for(request.user, question_id, write=True)
    context: dict[str, object] = {"question": question}
    if request.method == "POST":
        chosen = request.POST.get("answer", "")
        context["chosen"] = chosen
        context["correct"] = services.grade(question, chosen) == Rating.Good
    return render(request, "refreshers/question_preview.html", context)


@login_required
def bank_import(request: AuthenticatedHttpRequest, program_id: int) -> HttpResponse:
    program = access.get_program_for(request.user, program_id, write=True)
    form = BankImportForm(request.POST or None, request.FILES or None)
    errors: list[CellError] = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            created = services.questions_import(
                program=program, data=upload.read(), filename=upload.name
            )
        except TableRejected as exc:
            errors = exc.errors
        else:
            messages.success(request, f"{len(created)} questions imported.")
            return redirect("refreshers:bank", program.pk)
    return render(
        request,
        "refreshers/bank_import.html",
        {"program": program, "form": form, "errors": errors, "columns": services.BANK_COLUMNS},
        status=400 if errors else 200,
    )


@login_required
def bank_template(request: AuthenticatedHttpRequest) -> HttpResponse:
    response = HttpResponse(services.bank_template(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="question-bank-template.csv"'
    return response
