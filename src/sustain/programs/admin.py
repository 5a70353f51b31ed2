from __future__ import annotations

from django.contrib import admin

from sustain.programs.models import Concept, Enrollment, GlossaryTerm, Program, WorkshopSession


class ConceptInline(admin.TabularInline[Concept, Program]):
    model = Concept
    extra = 0


class SessionInline(admin.TabularInline[WorkshopSession, Program]):
    model = WorkshopSession
    extra = 0


@admin.register(Program)
class ProgramAdmin(admin.ModelAdmin[Program]):
    list_display = ["name", "organization", "status", "owner"]
    list_filter = ["organization", "status"]
    inlines = [ConceptInline, SessionInline]


class TermInline(admin.TabularInline[GlossaryTerm, Concept]):
    model = GlossaryTerm
    extra = 0


@admin.register(Concept)
class ConceptAdmin(admin.ModelAdmin[Concept]):
    list_display = ["name", "program", "position"]
    inlines = [TermInline]


@admin.register(Enrollment)
class EnrollmentAdmin(admin.ModelAdmin[Enrollment]):
    list_display = ["person", "program", "role", "trained_on"]
    list_filter = ["program", "role"]
    list_select_related = ["person", "program"]
