"""Who may do what with data protection's pages.

Retention (privacy.retention): only the CAP manager sees what will go and the runs, and sets
and lifts legal holds."""

from django.core.exceptions import PermissionDenied

from accounts.rules import is_cap_manager

can_manage_retention = is_cap_manager


def check_can_manage_retention(user) -> None:
    if not can_manage_retention(user):
        raise PermissionDenied("Only the CAP manager can manage retention and legal holds.")
