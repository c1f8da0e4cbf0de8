"""Background work for subject access, run by `manage.py db_worker`: building a request's
zip."""

import logging

from django_tasks import task

from privacy import subject_access

logger = logging.getLogger(__name__)


@task()
def build_subject_access(request_id: int, build: int) -> None:
    """Build the zip. One that cannot be built is marked failed with the reason, for the
    CAP manager to build again; the log names the request's id only, never the student."""
    try:
        subject_access.subject_access_build(request_id=request_id, build=build)
    except Exception as error:
        logger.exception("Subject access request %s could not be built", request_id)
        subject_access.subject_access_fail(
            request_id=request_id,
            build=build,
            reason=f"The zip could not be built ({type(error).__name__}). Build it again.",
        )
