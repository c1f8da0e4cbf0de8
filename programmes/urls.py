from django.urls import path

from programmes import views

app_name = "programmes"

urlpatterns = [
    path("", views.model_of_support, name="model"),
    path("<str:year_name>/", views.model_of_support, name="model_year"),
    path("<str:year_name>/confirm/", views.year_confirm, name="year_confirm"),
]
