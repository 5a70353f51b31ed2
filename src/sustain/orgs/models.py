"""Tenants, people, regions and teams. Every other row in Sustain hangs off an
Organization, directly or through its parent."""

from __future__ import annotations

import hashlib
import secrets

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone

from sustain.lib.validation import DayField


def normalize_login_email(email: str) -> str:
    """Login emails are stored and looked up lower-cased: `Riley.Morgan@…` typed on a
    phone is the same login as `riley.morgan@…`."""
    return email.strip().lower()


class Organization(models.Model):
    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=80, unique=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    # k of k-anonymity: an aggregate over fewer people is withheld from anyone who may not
    # see those people one by one (see orgs/privacy.py).
    min_group_size = models.PositiveSmallIntegerField(
        "minimum group size",
        default=5,
        validators=[MinValueValidator(2), MaxValueValidator(50)],
        help_text="Averages over fewer people are hidden from those who may not see them "
        "individually.",
    )

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Region(models.Model):
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="regions")
    name = models.CharField(max_length=120)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "name"], name="region_unique_name")
        ]

    def __str__(self) -> str:
        return self.name


class Role(models.TextChoices):
    EXECUTIVE = "executive", "Executive"
    OWNER = "owner", "Program owner"
    MANAGER = "manager", "Manager"
    REP = "rep", "Sales rep"
    TRAINER = "trainer", "Trainer (vendor)"
    ANALYST = "analyst", "Analyst"
    ADMIN = "admin", "Administrator"


class PersonManager(BaseUserManager["Person"]):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **extra: object) -> Person:
        person = self.model(email=normalize_login_email(email), **extra)
        person.set_password(password)
        person.save(using=self._db)
        return person

    def get_by_natural_key(self, username: str | None) -> Person:
        # Every authentication backend finds the login through here.
        return self.get(email=normalize_login_email(username or ""))

    def create_superuser(self, email: str, password: str | None = None, **extra: object) -> Person:
        """A platform operator: no organization, the only kind of person let into /admin/."""
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        extra.setdefault("role", Role.ADMIN)
        return self.create_user(email, password, **extra)


class Person(AbstractBaseUser, PermissionsMixin):
    """A login. Platform operators have no organization and may be staff (Django's admin);
    everyone else has exactly one organization and is never staff nor superuser: an
    organization's admin works in Sustain's own pages, which are scoped to her tenant."""

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="people", null=True, blank=True
    )
    email = models.EmailField(unique=True)
    name = models.CharField(max_length=200)
    title = models.CharField(max_length=200, blank=True)
    role = models.CharField(max_length=20, choices=Role.choices, default=Role.REP)
    hire_date = DayField(null=True, blank=True)
    region = models.ForeignKey(
        Region, on_delete=models.SET_NULL, null=True, blank=True, related_name="people"
    )
    team = models.ForeignKey(
        "Team", on_delete=models.SET_NULL, null=True, blank=True, related_name="members"
    )
    # The rep's id in the CRM, used to match imported KPI rows when emails differ.
    external_id = models.CharField(max_length=120, blank=True)
    is_active = models.BooleanField(default=True)
    is_staff = models.BooleanField(default=False)
    date_joined = models.DateTimeField(default=timezone.now)

    objects = PersonManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["name"]

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "people"
        # The people page lists an organization's people by name, one page at a time.
        indexes = [
            models.Index(fields=["organization", "name", "id"], name="person_org_name"),
            # Counts of an organization's reps (the comparison group, coverage).
            models.Index(fields=["organization", "role"], name="person_org_role"),
            # The few people who are not reps (managers, leaders): "trained reps" are the
            # trained enrollments less theirs, read on this small index rather than by
            # joining every rep (`programs.selectors._not_reps`).
            models.Index(fields=["id"], condition=~Q(role="rep"), name="person_not_rep"),
        ]
        constraints = [
            # Emails are stored lower-cased; this also catches writes that skip the services.
            models.UniqueConstraint(Lower("email"), name="person_unique_email_ci"),
            models.CheckConstraint(
                condition=Q(organization__isnull=True) | Q(is_staff=False, is_superuser=False),
                name="person_org_member_not_staff",
                violation_error_message=(
                    "People of an organization are never staff or superusers: "
                    "Django's admin is for platform operators."
                ),
            ),
        ]

    def __str__(self) -> str:
        return self.name or self.email

    def clean(self) -> None:
        self.email = normalize_login_email(self.email)
        if self.organization_id is not None and (self.is_staff or self.is_superuser):
            raise ValidationError(
                "People of an organization are never staff or superusers: "
                "Django's admin is for platform operators."
            )
        if self.region is not None and self.region.organization_id != self.organization_id:
            raise ValidationError({"region": "The region belongs to another organization."})
        team = self.team
        if team is not None and team.organization_id != self.organization_id:
            raise ValidationError({"team": "The team belongs to another organization."})
        team_region = team.region if team is not None else None
        if team is not None and team_region and self.region_id and self.region_id != team_region.pk:
            raise ValidationError(
                {
                    "region": f"{team.name} is in region {team_region.name}: "
                    f"choose {team_region.name} or another team."
                }
            )


class Team(models.Model):
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="teams")
    name = models.CharField(max_length=120)
    region = models.ForeignKey(
        Region, on_delete=models.SET_NULL, null=True, blank=True, related_name="teams"
    )
    manager = models.ForeignKey(
        Person, on_delete=models.SET_NULL, null=True, blank=True, related_name="managed_teams"
    )

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "name"], name="team_unique_name")
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.region is not None and self.region.organization_id != self.organization_id:
            raise ValidationError({"region": "The region belongs to another organization."})
        manager = self.manager
        if manager is not None:
            if manager.organization_id != self.organization_id:
                raise ValidationError({"manager": "The manager belongs to another organization."})
            if manager.role != Role.MANAGER:
                raise ValidationError(
                    {"manager": "A team is led by a person with the manager role."}
                )
            if not manager.is_active:
                raise ValidationError(
                    {"manager": f"{manager.name} is deactivated and cannot lead a team."}
                )


class ApiToken(models.Model):
    """Only the SHA-256 digest is stored: a leaked database does not leak tokens.
    Revoking deletes the row; the audit log keeps the record that it existed."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="api_tokens")
    label = models.CharField(max_length=120, blank=True)
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    # Written at most once a minute (see api_token_authenticate), so it is that precise.
    last_used_at = models.DateTimeField(null=True, blank=True)
    # None: valid until revoked.
    expires_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.person} · {self.label or 'API token'}"

    @property
    def is_expired(self) -> bool:
        return self.expires_at is not None and self.expires_at <= timezone.now()

    @staticmethod
    def hash(raw: str) -> str:
        return hashlib.sha256(raw.encode()).hexdigest()

    @staticmethod
    def generate() -> str:
        return "sus_" + secrets.token_urlsafe(32)
