app_name = "about"

urlpatterns: list = []
