"""
The data-scope matrix (issue 16), GET and POST: for every URL naming a record of a module with
a data scope (customers, marketing, service), each role that works there, each of the five
scopes of that role in that module, and the record's owner in each relation to the acting user
(his own, his subordinate's and his subordinate's subordinate's by supervisor, a colleague's in
his department, in a department below his, in another department, and another department's
record shared with him), the answer is the one written in tests/security/scope_matrix.py.

The organization and the records are built once per URL; the scope changes between rounds the
way the admin changes it (one service call), and the next request follows it. Each POST is
undone (a savepoint) so that every cell starts from the same records.
"""

from contextlib import contextmanager

import pytest
from django.db import transaction
from django.test import Client
from django.urls import reverse

from apps.rbac.models import Role
from apps.rbac.services import org
from tests.factories import UserFactory
from tests.rbac.url_matrix import SM
from tests.security.object_makers import OBJECT_URLS, share_with
from tests.security.scope_matrix import RELATIONS, SCOPE_EXPECTED, SCOPES, expected_grid
from tests.security.support import answer
from tests.security.test_object_matrix import payload_for

pytestmark = pytest.mark.django_db

MODULES = {"customers": "customers", "marketing": "marketing", "service": "service"}


def module_of(name: str) -> str:
    return MODULES[name.split(":")[0]]


def scoped_url_names() -> list[str]:
    """The record URLs of the scoped modules whose rows have an owner (company-wide rows such as
    tags follow no shareable record: no data scope applies to them)."""
    return sorted(
        name
        for name, spec in OBJECT_URLS.items()
        if name.split(":")[0] in MODULES and spec.share is not None
    )


def build_org(role: str, owner_role: str) -> dict:
    """
    公司 → 销售部 (the acting user, a colleague) → 华东组 (a colleague below); 服务部 (a colleague
    in another department, and the acting user's subordinate and his subordinate, placed there
    so that no department scope reaches them).
    """
    admin = UserFactory(role="admin")
    company = org.department_create(actor=admin, name="公司")
    sales = org.department_create(actor=admin, name="销售部", parent_id=company.pk)
    east = org.department_create(actor=admin, name="华东组", parent_id=sales.pk)
    service = org.department_create(actor=admin, name="服务部", parent_id=company.pk)
    me = UserFactory(role=role, department=sales)
    subordinate = UserFactory(role=owner_role, department=service, supervisor=me)
    return {
        "admin": admin,
        "me": me,
        "own": me,
        "subordinate": subordinate,
        "indirect": UserFactory(role=owner_role, department=service, supervisor=subordinate),
        "same_dept": UserFactory(role=owner_role, department=sales),
        "child_dept": UserFactory(role=owner_role, department=east),
        "other_dept": UserFactory(role=owner_role, department=service),
        "shared": UserFactory(role=owner_role, department=service),
    }


@contextmanager
def undone():
    with transaction.atomic():
        yield
        transaction.set_rollback(True)


def observe(name: str, role: str) -> dict[str, list[str]]:
    """{scope: ["GET/POST" per relation]} as the acting user meets them."""
    spec = OBJECT_URLS[name]
    people = build_org(role, spec.owner_role)
    me = people["me"]
    rows = {relation: spec.make(people[relation]) for relation in RELATIONS}
    share_with(spec, rows["shared"], me)
    urls = {
        relation: reverse(name, kwargs={"pk": row.pk, **(spec.extra_kwargs or {})})
        for relation, row in rows.items()
    }
    role_pk = Role.objects.get(code=role).pk
    client, root = Client(), Client()
    client.force_login(me)
    root.force_login(UserFactory(is_superuser=True))
    offered = {}  # the form as the product offers it, for the cells where the user gets none
    observed = {}
    for scope in SCOPES:
        org.role_set_data_scopes(
            actor=people["admin"], role_id=role_pk, scopes={module_of(name): scope}
        )
        cells = []
        for relation in RELATIONS:
            with undone():
                page = client.get(urls[relation])
                if page.status_code != 200 and relation not in offered:
                    offered[relation] = payload_for(root, urls[relation])
                own_form = page.status_code == 200
                data = payload_for(client, urls[relation], page) if own_form else offered[relation]
                posted = client.post(urls[relation], data)
            cells.append(f"{answer(page)}/{answer(posted)}")
        observed[scope] = cells
    return observed


def cases():
    """The account manager's grids run by default; the sales manager's, whose rights to see
    every record decide alone in nearly every cell, run with SLOW=1 (about 30 s more)."""
    return [
        pytest.param(name, role, marks=[pytest.mark.slow] if role == SM else [])
        for name in scoped_url_names()
        for role in SCOPE_EXPECTED.get(name, {})
    ]


def test_every_scoped_url_has_a_grid_for_the_roles_that_work_there():
    missing = [name for name in scoped_url_names() if name not in SCOPE_EXPECTED]
    assert not missing, f"add to tests/security/scope_matrix.py: {missing}"
    assert not set(SCOPE_EXPECTED) - set(scoped_url_names())
    for name, grids in SCOPE_EXPECTED.items():
        for role in grids:
            grid = expected_grid(name, role)
            assert set(grid) == set(SCOPES), (name, role)
            assert all(len(cells) == len(RELATIONS) for cells in grid.values()), (name, role)


@pytest.mark.parametrize(("name", "role"), cases())
def test_each_scope_reaches_exactly_the_records_of_its_relations(name, role):
    observed = observe(name, role)
    expected = expected_grid(name, role)
    mismatches = [
        f"{scope:16} {relation:11} expected {want}, got {got}"
        for scope in SCOPES
        for relation, want, got in zip(RELATIONS, expected[scope], observed[scope], strict=True)
        if want != got
    ]
    table = "\n".join(f"{scope:16} {' '.join(observed[scope])}" for scope in SCOPES)
    assert not mismatches, f"{name} as {role}:\n" + "\n".join(mismatches) + "\n" + table
