app_name = "entitlements"

urlpatterns: list = []
