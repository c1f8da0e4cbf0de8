from django.urls import path  # noqa: F401 - the pages are added with their features

app_name = "privacy"

urlpatterns: list = []
