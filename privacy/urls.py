from django.urls import path  # noqa: F401 - the pages are added with their features

app_name = "privacy"

# Each page's path starts with its audience's area: "casework/…" for the CAP team, "people/…"
# for organisations' administrators.
urlpatterns: list = []
