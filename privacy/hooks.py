"""What privacy registers with the apps below it at start-up (PrivacyConfig.ready)."""

import datetime as dt

from scheduling.registry import Daily, Job, register

register(
    Job(
        name="apply_retention",
        description=(
            "Deletes or anonymises the records whose retention period has ended, one student "
            "at a time, leaving students on legal hold, and records what it removed."
        ),
        # Early, every day: an expired record should not wait for a working day.
        when=Daily(times=(dt.time(2, 30),), working_days=False),
        command="apply_retention",
    )
)
