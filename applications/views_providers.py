from django.http import HttpResponse

from accounts.permissions import Area
from accounts.views import area_required


@area_required(Area.PROVIDERS)
def packs(request):
    return HttpResponse(status=501)


@area_required(Area.PROVIDERS)
def pack(request, application_uuid):
    return HttpResponse(status=501)
