from django.urls import path

app_name = "students"

urlpatterns: list = []
