"""Bad input is refused on the form with a clear message (SPEC §7), before any service runs."""

import uuid

import pytest

from apps.marketing.forms import (
    PlanItemForm,
    PlanResultForm,
    PlanTodoForm,
    SalesChanceAssignForm,
    SalesChanceCreateForm,
    SalesChanceForm,
)
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

VALID = {
    "source": "展会",
    "customer_name": "杭州新远科技有限公司",
    "rate": "60",
    "title": "采购 20 台笔记本电脑",
    "linkman": "周敏",
    "tel": "13800000000",
    "description": "客户计划下季度更换办公电脑。",
}


def test_a_complete_chance_form_is_valid():
    assert SalesChanceForm(data=VALID).is_valid()


def test_the_required_chance_fields_are_those_of_spec():
    form = SalesChanceForm(data={})

    assert set(form.errors) == {"customer_name", "rate", "title", "description"}


@pytest.mark.parametrize(
    ("rate", "message"),
    [
        ("abc", "The success rate must be a number."),
        ("12.5", "The success rate must be a number."),
        ("101", "The success rate must be between 0 and 100."),
        ("-1", "The success rate must be between 0 and 100."),
        ("", "Enter the success rate."),
    ],
)
def test_the_success_rate_is_a_whole_number_from_0_to_100(rate, message):
    form = SalesChanceForm(data={**VALID, "rate": rate})

    assert form.errors["rate"] == [message]


@pytest.mark.parametrize(
    ("field", "limit"),
    [
        ("customer_name", 100),
        ("title", 200),
        ("description", 2000),
        ("linkman", 50),
        ("tel", 50),
        ("source", 50),
    ],
)
def test_over_long_chance_text_is_refused(field, limit):
    form = SalesChanceForm(data={**VALID, field: "x" * (limit + 1)})

    assert f"at most {limit} characters" in form.errors[field][0]


def test_only_users_who_may_assign_see_the_assignee_on_the_create_form():
    assert "assignee" not in SalesChanceCreateForm()
    assert "assignee" in SalesChanceCreateForm(can_assign=True).fields


def test_an_assignment_date_at_creation_needs_an_account_manager():
    data = {**VALID, "assigned_on": "2026-11-20", "submit_token": uuid.uuid4()}
    form = SalesChanceCreateForm(data=data, can_assign=True)

    assert form.errors == {"assignee": ["Choose the account manager."]}


def test_the_assign_form_needs_an_account_manager_and_a_date():
    form = SalesChanceAssignForm(data={})

    assert form.errors == {
        "assignee": ["Choose the account manager."],
        "assigned_on": ["This field is required."],
    }


@pytest.mark.parametrize(
    "make",
    [
        lambda: UserFactory(role="sales_manager"),
        lambda: UserFactory(role="account_manager", is_active=False),
        lambda: UserFactory(role=None),
    ],
    ids=["sales_manager", "disabled_account_manager", "no_role"],
)
def test_the_assignee_must_be_an_active_account_manager(make):
    form = SalesChanceAssignForm(data={"assignee": make().pk, "assigned_on": "2026-11-20"})

    assert form.errors["assignee"] == ["Choose an active account manager."]


def test_the_assignee_choices_are_the_active_account_managers():
    manager = UserFactory(role="account_manager")
    UserFactory(role="account_manager", is_active=False)
    UserFactory(role="sales_manager")

    assert list(SalesChanceAssignForm().fields["assignee"].queryset) == [manager]


@pytest.mark.parametrize("day", ["2026/11/20", "20-11-2026", "2026-13-01", "tomorrow"])
def test_dates_in_a_wrong_format_are_refused(day):
    manager = UserFactory(role="account_manager")

    assign = SalesChanceAssignForm(data={"assignee": manager.pk, "assigned_on": day})
    plan = PlanItemForm(data={"date": day, "todo": "拜访"})

    assert assign.errors["assigned_on"] == ["Enter a date as yyyy-mm-dd."]
    assert plan.errors["date"] == ["Enter a date as yyyy-mm-dd."]


def test_plan_item_forms_need_their_text_and_limit_it_to_500_characters():
    assert set(PlanItemForm(data={}).errors) == {"date", "todo"}
    assert "todo" in PlanItemForm(data={"date": "2026-11-20", "todo": "x" * 501}).errors
    assert "todo" in PlanTodoForm(data={"todo": ""}).errors
    assert "result" in PlanResultForm(data={"result": "x" * 501}).errors
