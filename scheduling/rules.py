"""Who sees the scheduled jobs: the CAP manager, who runs the service."""

from accounts.rules import is_cap_manager

can_view_scheduled_jobs = is_cap_manager
