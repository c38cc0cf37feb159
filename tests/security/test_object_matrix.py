"""
The permission matrix, GET and POST: every URL × anonymous and each role, and for every URL
that names one row, that row as the user's OWN, ANOTHER user's, and another user's SHARED
with him through a guardian grant. The expected answers are data (tests/security/
permission_matrix.py); a refused POST (login redirect, 403, 404, 405) must change nothing in
the database. `pytest tests/security/test_object_matrix.py -q -k count -s` prints the counts.
"""

from contextlib import contextmanager

import pytest
from django.db import transaction
from django.test import Client
from django.urls import reverse

from tests.factories import UserFactory
from tests.rbac.test_url_matrix import served_urls
from tests.rbac.url_matrix import ANON, PRINCIPALS
from tests.security.object_makers import OBJECT_URLS, share_with
from tests.security.permission_matrix import OBJECT_EXPECTED, POST_EXPECTED, RELATIONS
from tests.security.support import REFUSED, answer, changed_tables, form_payload, table_digests

pytestmark = pytest.mark.django_db

SIGNED_IN = PRINCIPALS[1:]


def object_url_names() -> set[str]:
    return {name for name, arguments in served_urls().items() if "pk" in arguments}


def applies(name, relation) -> bool:
    """Rows of jobs, notifications, roles and report snapshots are never shared."""
    return relation != "shared" or OBJECT_URLS[name].share is not None


def plain_url_names() -> set[str]:
    return set(served_urls()) - object_url_names()


def sign_in(principal):
    client = Client()
    user = None
    if principal != ANON:
        user = UserFactory(role=principal)
        client.force_login(user)
    return client, user


def row_for(name, relation, user):
    spec = OBJECT_URLS[name]
    if relation == "own":
        return spec.make(user)
    row = spec.make(UserFactory(role=spec.owner_role))
    if relation == "shared":
        share_with(spec, row, user)
    return row


def payload_for(client, url, page=None) -> dict:
    """What the page's own form would submit (as the user, or as a superuser who sees it)."""
    page = page or client.get(url)
    if page.status_code != 200:
        root = Client()
        root.force_login(UserFactory(is_superuser=True))
        page = root.get(url)
    if page.status_code != 200 or "text/html" not in page.get("Content-Type", ""):
        return {}
    return form_payload(page.content.decode(), url)


def get_and_post(client, url):
    """(GET answer, POST answer, tables a refused POST changed)."""
    page = client.get(url)
    got = answer(page)
    data = payload_for(client, url, page)
    before = table_digests()
    posted = answer(client.post(url, data))
    changed = changed_tables(before, table_digests()) if posted in REFUSED else []
    return got, posted, changed


@contextmanager
def undone():
    """Each URL is tried on a clean slate: what an allowed POST did is rolled back."""
    with transaction.atomic():
        yield
        transaction.set_rollback(True)


def observe_objects(principal, relation) -> tuple[dict, list]:
    """{url name: (GET, POST)} and the refused POSTs that changed something."""
    observed, leaks = {}, []
    for name in sorted(n for n in object_url_names() if applies(n, relation)):
        with undone():
            client, user = sign_in(principal)
            row = row_for(name, relation, user)
            kwargs = {"pk": row.pk, **(OBJECT_URLS[name].extra_kwargs or {})}
            got, posted, changed = get_and_post(client, reverse(name, kwargs=kwargs))
        observed[name] = (got, posted)
        if changed:
            leaks.append(f"{name}: refused POST ({posted}) changed {changed}")
    return observed, leaks


def observe_plain(principal):
    """(url name, POST answer, tables a refused POST changed) for every URL naming no row."""
    for name in sorted(plain_url_names()):
        with undone():
            client, _ = sign_in(principal)
            url = reverse(name, kwargs=dict.fromkeys(served_urls()[name], "linkmen"))
            data = payload_for(client, url) if name not in {"logout", "set_language"} else {}
            before = table_digests()
            posted = answer(client.post(url, data))
            changed = changed_tables(before, table_digests()) if posted in REFUSED else []
        yield name, posted, changed


def cases():
    return [(ANON, "other")] + [(p, r) for p in SIGNED_IN for r in RELATIONS]


def test_every_url_naming_a_row_says_how_to_own_and_share_it():
    missing = object_url_names() - set(OBJECT_URLS)
    assert not missing, f"add these URLs to tests/security/object_makers.py: {sorted(missing)}"
    assert not set(OBJECT_URLS) - object_url_names()


def test_every_url_has_expected_get_and_post_answers_for_every_principal_and_relation():
    missing = [
        f"{name} {relation} {principal}"
        for name in sorted(object_url_names())
        for principal, relation in cases()
        if applies(name, relation)
        and principal not in OBJECT_EXPECTED.get(name, {}).get(relation, {})
    ] + [
        f"{name} {principal}"
        for name in sorted(plain_url_names())
        for principal in PRINCIPALS
        if principal not in POST_EXPECTED.get(name, {})
    ]
    assert not missing, f"add to tests/security/permission_matrix.py: {missing}"


@pytest.mark.parametrize(("principal", "relation"), cases())
def test_each_principal_gets_the_expected_answer_on_own_others_and_shared_rows(principal, relation):
    observed, leaks = observe_objects(principal, relation)
    mismatches = [
        f"{name}: expected {OBJECT_EXPECTED[name][relation][principal]}, got {got}"
        for name, got in observed.items()
        if tuple(OBJECT_EXPECTED[name][relation][principal]) != got
    ]
    assert not leaks, "\n".join(leaks)
    assert not mismatches, "\n".join(mismatches)


@pytest.mark.parametrize("principal", PRINCIPALS)
def test_each_principal_gets_the_expected_answer_to_a_post_on_every_other_url(principal):
    mismatches, leaks = [], []
    for name, posted, changed in observe_plain(principal):
        if posted != POST_EXPECTED[name][principal]:
            mismatches.append(f"{name}: expected {POST_EXPECTED[name][principal]}, got {posted}")
        if changed:
            leaks.append(f"{name}: refused POST ({posted}) changed {changed}")
    assert not leaks, "\n".join(leaks)
    assert not mismatches, "\n".join(mismatches)


def test_count_of_permission_cases():
    names = object_url_names()
    per_relation = {relation: sum(applies(n, relation) for n in names) for relation in RELATIONS}
    objects = sum(per_relation[relation] for _principal, relation in cases()) * 2  # GET and POST
    plain = len(plain_url_names()) * len(PRINCIPALS)
    print(
        f"\nURLs naming a row: {len(names)} (own/other/shared applicable: {per_relation}); "
        f"{len(cases())} (principal, relation) pairs -> {objects} GET+POST cases; "
        f"other URLs: {len(plain_url_names())} × {len(PRINCIPALS)} principals = {plain} POST "
        f"cases; total {objects + plain}"
    )
    assert objects > 0
    assert plain > 0
