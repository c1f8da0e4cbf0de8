"""The application form, declared once (STYLE.md rule 8): the order of its pages, the form
that owns each, and which programmes need it. Views, the check-answers page and the submit
rules all read this list."""

from collections.abc import Callable
from dataclasses import dataclass

from applications import forms
from applications.models import Application


def _always(application: Application) -> bool:
    return True


def _offers_courses(application: Application) -> bool:
    return bool(application.programme and application.programme.offers_courses)


def _has_questions(application: Application) -> bool:
    return bool(application.programme and application.programme.questions.exists())


def _targeted_or_above(application: Application) -> bool:
    """Interventions and agencies matter from Tier 2: a Tier 1 course needs neither."""
    return bool(application.programme and application.programme.tier.number >= 2)


@dataclass(frozen=True)
class Page:
    slug: str
    title: str
    form: type[forms.PageForm] | None
    applies: Callable[[Application], bool] = _always


PAGES = [
    Page("programme", "Programme", forms.ProgrammeForm),
    Page("course", "Course", forms.CourseForm, _offers_courses),
    Page("reasons", "Reasons for referral", forms.ReasonsForm),
    Page("questions", "Referral questions", forms.QuestionsForm, _has_questions),
    Page("needs", "Needs and risks", forms.NeedsForm),
    Page("history", "Attendance and behaviour", forms.HistoryForm),
    Page(
        "interventions", "Interventions already tried", forms.InterventionsForm, _targeted_or_above
    ),
    Page("agencies", "Agencies involved", forms.AgenciesForm, _targeted_or_above),
    Page("voice", "The student's voice", forms.VoiceForm),
    Page("parents", "Parents' views and consent", forms.ParentsForm),
    Page("plan", "The written plan", forms.PlanForm),
    # Evidence is uploaded document by document (documents.forms), not saved as answers.
    Page("evidence", "Evidence", None),
]
BY_SLUG = {page.slug: page for page in PAGES}


def pages_for(application: Application) -> list[Page]:
    """The pages this application needs, in order. Before a programme is chosen that is
    only the programme page."""
    if application.programme is None:
        return [PAGES[0]]
    return [page for page in PAGES if page.applies(application)]


def next_page(application: Application, current: str) -> Page | None:
    pages = pages_for(application)
    slugs = [p.slug for p in pages]
    if current not in slugs:
        return pages[0]
    index = slugs.index(current)
    return pages[index + 1] if index + 1 < len(pages) else None


def is_answered(application: Application, page: Page) -> bool:
    """Whether a page has been saved with everything it asks for."""
    if page.form is None:
        return True
    if page.slug == "questions":
        answers = application.question_answers or {}
        return all(answers.get(q.key) for q in application.programme.questions.all())
    blank = (None, "", [], {})
    optional = {"agencies", "agencies_detail", "parental_consent_date"}
    return all(
        getattr(application, name) not in blank for name in page.form.owns if name not in optional
    ) and not (
        application.parental_consent
        and page.slug == "parents"
        and application.parental_consent_date is None
    )
