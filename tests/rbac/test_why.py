"""
为什么能看到 / 看不到 (issue 16): Policy.explain() gives the decision of Policy.can() with its
reasons; the admin's why page and the short note on the 403/404 pages show them.
"""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from apps.rbac.models import Department, Right, Role
from apps.rbac.policies import (
    churn_policy,
    customer_policy,
    sales_chance_policy,
    sales_plan_policy,
    service_ticket_policy,
)
from apps.rbac.services import org
from tests.customers.churn_factories import ChurnFactory
from tests.factories import CustomerFactory, UserFactory, share
from tests.marketing.factories import SalesChanceFactory, SalesPlanFactory
from tests.service.factories import ServiceTicketFactory

pytestmark = pytest.mark.django_db

SCOPES = ["own", "subordinates", "department", "department_tree", "all"]
RELATIONS = ["me", "subordinate", "indirect", "same", "child", "other"]


@pytest.fixture
def tree(admin_user):
    """华东区 / 上海分公司 / 销售一部, and 华南区."""
    east = org.department_create(actor=admin_user, name="华东区", name_en="East")
    shanghai = org.department_create(actor=admin_user, name="上海分公司", parent_id=east.pk)
    team = org.department_create(actor=admin_user, name="销售一部", parent_id=shanghai.pk)
    south = org.department_create(actor=admin_user, name="华南区")
    return {d.name: Department.objects.get(pk=d.pk) for d in [east, shanghai, team, south]}


@pytest.fixture
def people(tree):
    """An account manager in 上海分公司 and the colleagues around him, one per relation."""
    am = "account_manager"
    me = UserFactory(role=am, department=tree["上海分公司"], full_name="王经理")
    direct = UserFactory(role=am, department=tree["销售一部"], supervisor=me, full_name="李下属")
    return {
        "me": me,
        "subordinate": direct,
        "indirect": UserFactory(
            role=am, department=tree["华南区"], supervisor=direct, full_name="赵间接"
        ),
        "same": UserFactory(role=am, department=tree["上海分公司"], full_name="钱同事"),
        "child": UserFactory(role=am, department=tree["销售一部"], full_name="孙下级"),
        "other": UserFactory(role=am, department=tree["华南区"], full_name="周外区"),
    }


def set_scope(admin, scope, module="customers"):
    role = Role.objects.get(code="account_manager")
    org.role_set_data_scopes(actor=admin, role_id=role.pk, scopes={module: scope})


def fresh(user):
    """The user as his next request loads him (no cached permissions or scopes)."""
    return type(user).objects.get(pk=user.pk)


def records_of(people):
    """Per relation, a record of each shareable kind and of what hangs from them."""
    rows = {}
    for relation, owner in people.items():
        customer = CustomerFactory(manager=owner)
        chance = SalesChanceFactory(developing=True, assignee=owner, created_by=owner)
        rows[relation] = {
            customer_policy: customer,
            churn_policy: ChurnFactory(customer=customer),
            sales_chance_policy: chance,
            sales_plan_policy: SalesPlanFactory(chance=chance),
            service_ticket_policy: ServiceTicketFactory(customer=customer, created_by=owner),
        }
    return rows


def test_explain_decides_as_can_over_every_scope_relation_share_and_role(
    admin_user, people, sales_manager, executive
):
    rows = records_of(people)
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    me = people["me"]
    for access, until, relation in [
        ("read", None, "other"),
        ("write", None, "indirect"),
        ("write", yesterday, "same"),
    ]:
        share(rows[relation][customer_policy], me, access, until)
        share(rows[relation][sales_chance_policy], me, access, until)
        share(rows[relation][service_ticket_policy], me, access, until)
    root = UserFactory(is_superuser=True)
    gone = UserFactory(role="account_manager", is_active=False)
    checked = 0
    for scope in SCOPES:
        for module in ["customers", "marketing", "service"]:
            set_scope(admin_user, scope, module)
        for user in [fresh(me), sales_manager, executive, admin_user, root, gone]:
            for relation in RELATIONS:
                for policy, record in rows[relation].items():
                    for action in ["view", "change", "delete", "handle", "confirm"]:
                        told = policy.explain(user, action, record)
                        assert told.allowed == policy.can(user, action, record), (
                            scope,
                            user,
                            relation,
                            policy.model_label,
                            action,
                            told.reasons,
                        )
                        assert told.reasons
                        checked += 1
                    in_scope = policy.scope(user, "view").filter(pk=record.pk).exists()
                    assert in_scope == policy.can(user, "view", record)
    assert checked > 4000


def sentences(policy, user, action, record, language="en") -> str:
    with translation.override(language):
        return "\n".join(policy.explain(fresh(user), action, record).reasons)


@pytest.mark.parametrize(
    ("scope", "relation", "said", "allowed"),
    [
        ("own", "me", "王经理: himself", True),
        ("subordinates", "indirect", "his subordinate through 王经理 → 李下属 → 赵间接", True),
        ("department", "same", "in the same department (East / 上海分公司)", True),
        (
            "department_tree",
            "child",
            "in a department below his (East / 上海分公司 / 销售一部)",
            True,
        ),
        ("department", "other", "in another department (华南区)", False),
        ("department_tree", "other", "outside his data scope", False),
    ],
)
def test_each_relation_is_told_with_the_department_paths(
    admin_user, people, scope, relation, said, allowed
):
    set_scope(admin_user, scope)
    customer = CustomerFactory(manager=people[relation])
    text = sentences(customer_policy, people["me"], "view", customer)

    assert said in text
    assert "does not have the right “See every customer”" in text  # the all-right
    assert "has the right “" in text  # the feature right
    assert "belongs to East / 上海分公司" in text
    assert ("Answer: allowed." in text) is allowed
    assert "“Own" in text or "“All" in text


def test_a_share_and_an_expired_share_are_told(people):
    me, customer = people["me"], CustomerFactory(manager=people["other"])
    share(customer, me, "read")
    text = sentences(customer_policy, me, "change", customer)
    assert "(Read only, without end date)" in text
    assert "That share does not allow this action." in text
    assert text.endswith("Answer: not allowed.")

    share(customer, me, "write", until=timezone.localdate() - datetime.timedelta(days=1))
    text = sentences(customer_policy, me, "view", customer)
    assert "that share has expired" in text
    assert text.endswith("Answer: not allowed.")


def test_a_missing_right_is_told_in_chinese(executive):
    customer = CustomerFactory()
    text = sentences(customer_policy, executive, "view", customer, "zh-hans")

    assert "角色『高管』没有『" in text
    assert text.endswith("结论：不允许。")


def test_the_list_explanation_counts_the_owners(admin_user, people):
    set_scope(admin_user, "department")
    with translation.override("en"):
        told = customer_policy.explain(fresh(people["me"]), "view")

    assert told.allowed
    assert "The list shows the records of 2 users, and those shared with him." in told.reasons


# --- the page ------------------------------------------------------------------------------


def test_the_admin_asks_why_and_reads_the_answer_in_chinese(client, admin_user, people):
    customer = CustomerFactory(manager=people["other"])
    client.force_login(admin_user)

    page = client.get(
        reverse("rbac:why"),
        {"user": people["me"].username, "kind": "customer", "record": customer.number},
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )

    text = page.content.decode()
    assert page.status_code == 200
    assert text.count('data-testid="why-answer"') == 2  # view and change
    assert "属于其他部门（华南区）" in text
    assert "该角色在客户模块的数据权限为『本人』" in text or "数据权限为『" in text
    assert "结论：不允许。" in text


def test_the_admin_asks_about_a_list(client, admin_user, people):
    client.force_login(admin_user)

    page = client.get(reverse("rbac:why"), {"user": str(people["me"].pk), "kind": "ticket"})

    assert page.status_code == 200
    assert page.content.decode().count('data-testid="why-answer"') == 1


@pytest.mark.parametrize(
    ("query", "error"),
    [
        ({"user": "nobody-here", "kind": "customer"}, "没有此用户名或编号的用户"),
        ({"user": "{me}", "kind": "customer", "record": "KH404"}, "没有此编号的"),
        ({"user": "{me}", "kind": "chance", "record": "99999999"}, "没有此编号的"),
    ],
)
def test_bad_input_on_the_why_page_is_told(client, admin_user, people, query, error):
    client.force_login(admin_user)
    query = {k: v.format(me=people["me"].username) for k, v in query.items()}

    page = client.get(reverse("rbac:why"), query, HTTP_ACCEPT_LANGUAGE="zh-hans")

    assert page.status_code == 200
    assert error in page.content.decode()
    assert 'data-testid="why-answer"' not in page.content.decode()


def test_only_the_admin_opens_the_why_page(client, people):
    client.force_login(people["me"])

    assert client.get(reverse("rbac:why"), {"user": "x", "kind": "customer"}).status_code == 403


# --- the 403 and 404 pages -----------------------------------------------------------------


def test_the_403_page_tells_the_admin_why(client, admin_user):
    customer = CustomerFactory()
    client.force_login(admin_user)

    page = client.get(
        reverse("customers:customer-detail", args=[customer.pk]), HTTP_ACCEPT_LANGUAGE="zh-hans"
    )

    text = page.content.decode()
    assert page.status_code == 403
    assert 'data-testid="why"' in text
    assert "角色『系统管理员』没有『" in text
    assert reverse("rbac:why") in text


def test_the_404_page_tells_a_user_with_the_why_right_that_the_row_is_outside_his_scope(
    client, people
):
    role = Role.objects.get(code="account_manager")
    role.rights.add(Right.objects.get(code="L0606"))
    customer = CustomerFactory(manager=people["other"])
    client.force_login(people["me"])

    page = client.get(
        reverse("customers:customer-detail", args=[customer.pk]), HTTP_ACCEPT_LANGUAGE="zh-hans"
    )

    assert page.status_code == 404
    assert "属于其他部门（华南区）" in page.content.decode()


def _body(page) -> str:
    return re.sub(r'nonce="[^"]*"|value="[^"]*"|"X-CSRFToken": "[^"]*"', "", page.content.decode())


def test_a_normal_users_404_says_nothing_more_than_for_a_missing_row(client, people):
    customer = CustomerFactory(manager=people["other"])
    client.force_login(people["me"])

    hidden = client.get(reverse("customers:customer-detail", args=[customer.pk]))
    missing = client.get(reverse("customers:customer-detail", args=[customer.pk + 1000]))

    assert hidden.status_code == missing.status_code == 404
    assert 'data-testid="why"' not in hidden.content.decode()
    assert _body(hidden) == _body(missing)


def test_a_linkman_is_explained_through_its_customer(client, admin_user, people):
    from tests.customers.factories import LinkmanFactory

    linkman = LinkmanFactory(customer=CustomerFactory(manager=people["me"]))
    client.force_login(admin_user)

    page = client.get(
        reverse("rbac:why"),
        {"user": people["me"].username, "kind": "linkman", "record": str(linkman.pk)},
        HTTP_ACCEPT_LANGUAGE="en",
    )

    text = page.content.decode()
    assert "A linkman is seen with its customer." in text
    assert text.count("Answer: allowed.") == 2  # he sees and edits his own customer's linkman
