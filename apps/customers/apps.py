from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _

from crm import hooks


def load_divisions_after_migrate(sender, using="default", **kwargs):
    """The GB/T 2260 divisions are reference data, present whenever the schema is (a test
    flush empties the table; post_migrate follows it)."""
    from apps.customers.divisions import load_divisions
    from apps.customers.models import Division

    if not Division.objects.using(using).exists():
        load_divisions(Division)


class CustomersConfig(AppConfig):
    name = "apps.customers"
    label = "customers"
    verbose_name = _("Customers")

    def ready(self) -> None:
        from apps.customers import dictionary_usage

        dictionary_usage.register()
        _register_churn_badge()
        _register_jobs()
        _register_imports()
        _register_transfer()
        _register_identity_section()
        post_migrate.connect(load_divisions_after_migrate, sender=self)


def _register_identity_section() -> None:
    """The customer page's identity, invoicing and tags section (issue 18)."""
    from apps.customers.views.entry import identity_section

    hooks.register(
        "customers.section", identity_section, key="customers/_identity_section.html", order=-10
    )


def _register_churn_badge() -> None:
    """客户流失管理 (3): the warnings waiting for the user's decision."""
    from apps.customers.selectors import churn_warnings

    hooks.register("menu.badge", lambda user: churn_warnings(user=user), key="L0202")


def _register_jobs() -> None:
    """The churn scan, nightly (beat creates the job) or the admin's "run now"."""
    from apps.customers import services
    from apps.jobs.registry import JobKind

    kind = JobKind(
        services.CHURN_SCAN_JOB,
        _("Churn scan"),
        services.churn_scan_job,
        result_url=services.churn_scan_job_result_url,
        queue="nightly",
    )
    hooks.register("jobs.kind", kind, key=kind.name)


def _register_imports() -> None:
    """The kinds of data a file may import, first in the menu."""
    from apps.customers import resources
    from apps.imports.catalog import ImportKind

    for order, kind in enumerate(
        [
            ImportKind("customers", _("Customers"), resources.CustomerResource),
            ImportKind("linkmen", _("Linkmen"), resources.LinkmanResource),
            ImportKind("activities", _("Activities"), resources.ActivityResource),
            ImportKind("orders", _("Orders with their lines"), resources.OrderLineResource),
        ],
        start=10,
    ):
        hooks.register("imports.kind", kind, key=kind.key, order=order)


def _register_transfer() -> None:
    """转移 (issue 16): the ownership history on the customer page; a leaving employee's
    customers go to a colleague before he is disabled."""
    from apps.customers import selectors, services
    from apps.rbac.services.users import Holding

    hooks.register(
        "customers.section",
        lambda user, customer: {"ownerships": selectors.ownership_history(customer=customer)},
        key="customers/_ownership_history.html",
        order=10,  # after the services
    )

    def transfer(*, actor, user, to_user, reason=""):
        result = services.transfer_all_customers(
            actor=actor, user=user, to_user=to_user, reason=reason
        )
        return result.customers if result else 0

    holding = Holding(
        _("Customers he manages"), lambda user: services.customers_of(user).count(), transfer
    )
    hooks.register("rbac.user_holdings", holding, key="customers", order=0)
