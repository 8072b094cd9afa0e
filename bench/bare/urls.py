import json

from django.db import connection
from django.http import HttpResponse, JsonResponse
from django.urls import path
from django.views.decorators.csrf import csrf_exempt

UPSERT = """
INSERT INTO bench_bare_commit (learner, sequence, data) VALUES (%s, %s, %s)
ON CONFLICT (learner) DO UPDATE SET sequence = EXCLUDED.sequence, data = EXCLUDED.data
WHERE bench_bare_commit.sequence < EXCLUDED.sequence
"""


def trivial(request):
    return HttpResponse("ok", content_type="text/plain")


@csrf_exempt
def upsert(request):
    payload = json.loads(request.body)
    with connection.cursor() as cursor:
        cursor.execute(
            UPSERT, [str(payload["session"]), int(payload["sequence"]), json.dumps(payload["cmi"])]
        )
    return JsonResponse({"result": True, "errorCode": 0})


urlpatterns = [path("trivial", trivial), path("upsert", upsert)]
