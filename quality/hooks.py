"""What quality assurance registers with the apps below it at start-up (QualityConfig.ready):
the gate on sending a pack to a provider and on setting up a placement with one."""

import datetime as dt

from accounts.models import PROVIDER_KINDS, User
from applications.effects import on_transition
from applications.models import Application
from lib.errors import Refused
from quality.services import provider_gate
from scheduling.registry import Daily, Job, register


def _gate(application: Application, step: str, by: User) -> None:
    """Warn about, or refuse, a provider whose compliance has lapsed. A receiving school is
    a school, not a provider: quality assurance is for providers."""
    setting = application.setting
    if setting is None or setting.kind not in PROVIDER_KINDS:
        return
    if refusal := provider_gate(provider=setting, step=step, application=application, by=by):
        raise Refused(refusal)


@on_transition("send_pack")
def pack_gate(*, application: Application, by: User) -> None:
    _gate(application, "send_pack", by)


@on_transition("set_up_placement")
def placement_gate(*, application: Application, by: User) -> None:
    _gate(application, "set_up_placement", by)


# --- Scheduled jobs -----------------------------------------------------------------------

register(
    Job(
        name="remind_expiring_evidence",
        description=(
            "E-mails the provider and the CAP team about evidence that expires within the "
            "notice the CAP manager sets."
        ),
        when=Daily(times=(dt.time(7, 0),)),
        command="remind_expiring_evidence",
    )
)
