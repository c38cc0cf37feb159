from django.core.management.base import BaseCommand, CommandError

from apps.demo.generator import MIN_CUSTOMERS, DemoResult, demo_seed
from apps.demo.logins import demo_login_lines
from apps.rbac.models import Role


class Command(BaseCommand):
    help = (
        "Fill an empty CRM with deterministic demo data: reference data, one user per role, "
        "customers with contacts, activities and orders, sales chances, services and churn. "
        "Running it again changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--customers",
            type=int,
            default=200,
            help=f"number of customers to generate (at least {MIN_CUSTOMERS})",
        )
        parser.add_argument(
            "--seed",
            type=int,
            default=2026,
            help="random seed; the same seed on the same day gives the same data",
        )

    def handle(self, *args, customers, seed, **options):
        try:
            result = demo_seed(customers=customers, seed=seed)
        except (ValueError, Role.DoesNotExist) as exc:
            raise CommandError(str(exc)) from exc
        self._report(result)
        self.stdout.write("\n".join(demo_login_lines()))  # make run shows them this once

    def _report(self, result: DemoResult) -> None:
        ref = result.reference
        self.stdout.write(
            f"Reference data: dictionary {ref.dictionary}; "
            f"products {ref.products}; stock {ref.stock}"
        )
        self.stdout.write(f"Users: {result.users_created} created")
        if result.existing_customers:
            self.stdout.write(
                self.style.WARNING(
                    f"The database already has {result.existing_customers} customers: demo data "
                    "is only generated into an empty CRM, nothing else was written."
                )
            )
            return
        summary = ", ".join(f"{count} {name}" for name, count in result.counts.items())
        self.stdout.write(self.style.SUCCESS(f"Created {summary}."))
