"""The student record. This foundation holds identity and home school; the applications
work adds needs, family and agency details."""

import uuid

from django.core.exceptions import ValidationError
from django.db import models

from accounts.models import Organisation
from lib import upn


def validate_upn(value: str) -> None:
    error = upn.upn_error(value)
    if error:
        raise ValidationError(error)
    if value != upn.normalise(value).upper():
        # Stored one way only, so that the same UPN cannot be held twice.
        raise ValidationError("Write the UPN in capital letters without spaces")


class Student(models.Model):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    upn = models.CharField("UPN", max_length=13, validators=[validate_upn], unique=True)
    legal_first_name = models.CharField(max_length=100)
    legal_last_name = models.CharField(max_length=100)
    preferred_name = models.CharField(max_length=100, blank=True)
    date_of_birth = models.DateField()
    home_school = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="students")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["legal_last_name", "legal_first_name"]
        indexes = [models.Index(fields=["home_school", "legal_last_name"])]

    def __str__(self) -> str:
        return f"{self.known_as} {self.legal_last_name}"

    @property
    def known_as(self) -> str:
        return self.preferred_name or self.legal_first_name

    @property
    def upn_is_temporary(self) -> bool:
        return upn.is_temporary(self.upn)
