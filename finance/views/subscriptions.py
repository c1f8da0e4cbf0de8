"""Money pages: subscriptions (being built)"""

urlpatterns: list = []
