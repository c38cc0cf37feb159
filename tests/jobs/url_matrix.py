"""Job pages: everyone signed in has his own jobs; a job of someone else is a 404."""

from tests.rbac.url_matrix import ADMIN, AM, ANON, EX, LOGIN, SM, only

NOT_MINE = {ANON: LOGIN, ADMIN: 404, SM: 404, AM: 404, EX: 404}

EXPECTED = {
    "jobs:job-list": only(ADMIN, SM, AM, EX),
    "jobs:job-detail": NOT_MINE,
    "jobs:job-download": NOT_MINE,
}


def _job_of_someone_else():
    from apps.jobs.models import Job
    from tests.factories import UserFactory

    return Job.objects.create(kind="reports.compute", created_by=UserFactory(role="executive")).pk


SAMPLES = {("jobs:", "pk"): _job_of_someone_else}
