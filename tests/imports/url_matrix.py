"""Who may open the import pages. The sample import belongs to another sales manager: its
owner's peers get 404 (no existence leak); the system admin sees every import."""

from tests.rbac.url_matrix import ADMIN, AM, ANON, EX, LOGIN, SM, only


def _detail(admin=200):
    return {ANON: LOGIN, ADMIN: admin, SM: 404, AM: 404, EX: 403}


def _post_only(denied=(EX,)):
    return {ANON: LOGIN, **{p: 403 if p in denied else 405 for p in (ADMIN, SM, AM, EX)}}


EXPECTED = {
    "imports:batch-list": only(ADMIN, SM, AM),
    "imports:batch-create": only(ADMIN, SM, AM),
    "imports:batch-detail": _detail(),
    "imports:batch-apply": _post_only(),
    "imports:batch-undo": _post_only(),
    # The sample's files are not on disk (tests/imports/test_views.py downloads real ones).
    "imports:batch-file": _detail(admin=404),
    "imports:batch-errors": _detail(admin=404),
    "imports:template": only(ADMIN, SM, AM),  # sample: linkmen, which all three may import
    "imports:kind-export": _post_only(),
    "imports:list-export": _post_only(denied=()),
}


def _batch():
    from tests.imports.factories import batch_factory

    return batch_factory()().pk


SAMPLES = {
    ("imports:batch-", "pk"): _batch,
    ("imports:template", "kind"): lambda: "linkmen",
    ("imports:kind-export", "kind"): lambda: "linkmen",
}
