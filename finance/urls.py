from finance.views import fees, statements, subscriptions

app_name = "finance"

# The authority's money pages live under /finance/ (the finance officers' area, which the
# CAP manager opens from Casework); a school's and a provider's statements under their own
# areas.
urlpatterns = [
    *subscriptions.urlpatterns,
    *statements.urlpatterns,
    *fees.urlpatterns,
]
