"""Money pages: fees (being built)"""

urlpatterns: list = []
