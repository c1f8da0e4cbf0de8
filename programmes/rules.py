"""Who may read and change the model of support: everyone with a membership reads it; the
CAP manager changes it (here and in the admin)."""

import rules
from django.core.exceptions import PermissionDenied

from accounts.models import User
from accounts.rules import has_membership, is_cap_manager
from lib import nav

can_view_model = has_membership
can_edit_model = is_cap_manager


def check_can_edit_model(user: User) -> None:
    if not can_edit_model(user):
        raise PermissionDenied("Only the CAP manager can change the model of support.")


_MODEL_OF_SUPPORT = [
    "academicyear",
    "term",
    "tier",
    "programme",
    "programmepanel",
    "question",
    "checklistitem",
    "course",
    "panel",
    "panelseat",
    "meeting",
    "cohort",
    "subscription",
    "agreementband",
    "chargingrules",
    "benefit",
]
for _model in _MODEL_OF_SUPPORT:
    for _verb in ("view", "add", "change", "delete"):
        rules.add_perm(f"programmes.{_verb}_{_model}", can_edit_model)

# Navigation (lib.nav): who may open this app's pages that some signed-in people cannot.
nav.register("programmes:model", can_view_model)
