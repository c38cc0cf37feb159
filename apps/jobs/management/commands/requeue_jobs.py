from django.core.management.base import BaseCommand

from apps.jobs.services import jobs_requeue


class Command(BaseCommand):
    help = (
        "Publish queued background jobs again and revive running jobs whose worker stopped "
        "answering. Beat runs this every minute; run it by hand after an outage."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--now", action="store_true", help="publish every queued job, however recent"
        )

    def handle(self, *args, **options):
        counts = jobs_requeue(queued_for=0 if options["now"] else None)
        self.stdout.write(
            "published {published}, revived {revived}, given up {given_up}".format(**counts)
        )
