"""Who may open the customer pages. The sample objects belong to another account manager,
so the account manager principal gets 404 on them (no existence leak)."""

from tests.rbac.url_matrix import ADMIN, AM, ANON, EX, LOGIN, SM, only


def _detail():
    return {ANON: LOGIN, ADMIN: 403, SM: 200, AM: 404, EX: 403}


def _write():
    return {ANON: LOGIN, ADMIN: 403, SM: 403, AM: 404, EX: 403}


EXPECTED = {
    "customers:customer-list": only(SM, AM),
    "customers:customer-detail": _detail(),
    "customers:customer-update": _write(),
    "customers:customer-delete": _write(),
    # 转移: the sales manager's right; without a selection the list page says to tick some first
    "customers:customer-transfer": only(SM, ok=302),
    "customers:customer-transfer-one": only(SM),
    "customers:linkman-list": _detail(),
    "customers:linkman-create": _write(),
    "customers:linkman-update": _write(),
    "customers:linkman-delete": {**_write(), AM: 405},  # POST only
    "customers:activity-list": _detail(),
    "customers:activity-create": _write(),
    "customers:activity-update": _write(),
    "customers:activity-delete": {**_write(), AM: 405},
    "customers:order-list": _detail(),
    "customers:order-detail": _detail(),
    "customers:churn-list": only(SM, AM),
    "customers:churn-detail": _detail(),
    "customers:churn-postpone": _write(),
    "customers:churn-confirm": _write(),
    "customers:churn-scan": only(ADMIN),
    # issue 18: create by hand (新建客户), the division selects, tags
    "customers:customer-create": only(SM, AM),
    "customers:division-options": only(SM, AM),
    "customers:customer-tag": {**_write(), AM: 404},  # POST only; another's customer: 404
    "customers:customer-bulk-tag": only(AM),
    "customers:tag-list": only(ADMIN),
    "customers:tag-create": only(ADMIN),
    "customers:tag-update": only(ADMIN),
}


def _sample(factory_path):
    def make():
        from tests.customers import factories

        return getattr(factories, factory_path)().pk

    return make


def _churn():
    from tests.customers.churn_factories import ChurnFactory

    return ChurnFactory().pk


def _tag():
    from apps.customers.models import Tag

    tag, _ = Tag.objects.get_or_create(name_zh="矩阵标签", defaults={"name_en": "Matrix tag"})
    return tag.pk


def _customer():
    from tests.factories import CustomerFactory

    return CustomerFactory().pk


# Specific names first: the matrix takes the first prefix that matches.
SAMPLES = {
    ("customers:linkman-update", "pk"): _sample("LinkmanFactory"),
    ("customers:linkman-delete", "pk"): _sample("LinkmanFactory"),
    ("customers:activity-update", "pk"): _sample("ActivityFactory"),
    ("customers:activity-delete", "pk"): _sample("ActivityFactory"),
    ("customers:order-detail", "pk"): _sample("OrderFactory"),
    ("customers:churn-", "pk"): _churn,
    ("customers:tag-update", "pk"): _tag,
    ("customers:", "pk"): _customer,
}
