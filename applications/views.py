from django.http import HttpResponse
from django.views.decorators.http import require_POST

from accounts.permissions import Area
from accounts.views import area_required


@area_required(Area.SCHOOLS)
@require_POST
def start(request, student_uuid):
    return HttpResponse(status=501)
