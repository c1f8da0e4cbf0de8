"""The open feed of the course directory (Open Referral UK, HSDS 3.0): no sign-in, JSON,
read-only. Bad parameters answer 400 with a message, never 500."""

from django.http import JsonResponse
from django.views.decorators.http import require_GET

from lib.forms import is_number
from quality import directory, feed

MAX_PER_PAGE = 100


def _json(data: dict, status: int = 200) -> JsonResponse:
    response = JsonResponse(data, status=status, json_dumps_params={"ensure_ascii": False})
    # Open data: any site may read it.
    response["Access-Control-Allow-Origin"] = "*"
    response["Cache-Control"] = "public, max-age=300"
    return response


def _positive(value: str | None, default: int, *, name: str, high: int | None = None) -> int:
    if value in (None, ""):
        return default
    if not is_number(value) or int(value) < 1:
        raise ValueError(f"{name} must be a whole number of 1 or more")
    number = int(value)
    if high is not None and number > high:
        raise ValueError(f"{name} must be {high} or fewer")
    return number


@require_GET
def info(request):
    return _json(feed.api_info())


@require_GET
def services(request):
    try:
        page = _positive(request.GET.get("page"), 1, name="page")
        per_page = _positive(request.GET.get("per_page"), 50, name="per_page", high=MAX_PER_PAGE)
    except ValueError as problem:
        return _json({"error": str(problem)}, status=400)
    search = (request.GET.get("search") or "")[:100]
    matching = directory.course_search(directory.Filters(query=search))
    total = matching.count()
    chosen = list(matching.values_list("pk", flat=True)[(page - 1) * per_page : page * per_page])
    rows = {c.pk: c for c in feed.with_feed_relations(matching.filter(pk__in=chosen))}
    items = [feed.service_summary(rows[pk]) for pk in chosen]
    return _json(feed.page_of(items, total=total, page=page, per_page=per_page))


@require_GET
def service(request, course_uuid):
    course = feed.with_feed_relations(
        directory.directory_courses().filter(uuid=course_uuid)
    ).first()
    if course is None:
        return _json({"error": "No service with this id"}, status=404)
    return _json(feed.service_full(course))
