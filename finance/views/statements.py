"""Money pages: statements (being built)"""

urlpatterns: list = []
