"""Who sees which oversight figures.

The CAP manager and officers see the whole service; a monitoring officer sees their own
caseload; school and provider staff see their own organisation's figures, with small
numbers withheld (dashboards.scope). The CAP manager sets the threshold and loads the
secondary population the equalities figures are compared with.
"""

import rules

from accounts.models import OrganisationKind, Role, User
from accounts.rules import holds, is_cap_manager, is_cap_officer

sees_service_figures = is_cap_officer
can_manage_oversight = is_cap_manager


@rules.predicate
def sees_caseload_figures(user: User) -> bool:
    return holds(user, kinds={OrganisationKind.LOCAL_AUTHORITY}, roles={Role.MONITORING_OFFICER})
