app_name = "school_reviews"

urlpatterns: list = []
