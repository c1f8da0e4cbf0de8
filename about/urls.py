from django.urls import path

from about import views

app_name = "about"

# Open to everyone, signed in or not (accounts/middleware.py lets the "about" namespace
# through the session and second-factor gates); linked from every page's footer.
urlpatterns: list = [
    path("accessibility/", views.accessibility, name="accessibility"),
    path("privacy/", views.privacy, name="privacy"),
    path("cookies/", views.cookies, name="cookies"),
    path("contact/", views.contact, name="contact"),
]
