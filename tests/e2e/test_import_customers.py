"""A sales manager imports customers: two bad rows in the preview, the file fixed, imported,
then the import undone."""

import csv

import pytest
from playwright.sync_api import expect

from apps.customers.models import Customer
from apps.demo.reference import reference_data_load
from tests.factories import UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PASSWORD = "correct-horse-battery"
HEADERS = ["客户编号", "名称", "地区", "客户经理", "客户等级"]


def write_file(path, rows):
    with open(path, "w", encoding="utf-8-sig", newline="") as stream:
        writer = csv.writer(stream)
        writer.writerow(HEADERS)
        writer.writerows(rows)
    return path


def upload(page, path):
    page.click("[data-right=L0504]")
    page.get_by_test_id("import-new").click()
    page.select_option("#id_kind", "customers")
    page.set_input_files("#id_file", str(path))
    page.get_by_test_id("upload-submit").click()


def test_sales_manager_previews_fixes_imports_and_undoes_a_customer_file(
    page, live_server, tmp_path, settings
):
    settings.MEDIA_ROOT = tmp_path / "media"
    reference_data_load()
    manager = UserFactory(role="sales_manager", username="sm_e2e", password=PASSWORD)
    am = UserFactory(role="account_manager", username="am_e2e")
    rows = [
        ["KH20260301001", "杭州新远科技有限公司", "华东", am.username, "大客户"],
        ["KH20260301002", "北京燕山电子有限公司", "火星", am.username, "1"],
        ["KH20260301003", "上海浦江贸易有限公司", "上海", am.username, "2"],
        ["KH20260301004", "广州南岭实业有限公司", "华南", "nobody", "9"],
    ]
    page.on("dialog", lambda dialog: dialog.accept())  # the confirmations of apply and undo

    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", manager.username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")

    upload(page, write_file(tmp_path / "customers.csv", rows))
    expect(page.get_by_test_id("count-new")).to_have_text("2")
    expect(page.get_by_test_id("count-invalid")).to_have_text("2")
    bad_rows = page.get_by_test_id("row-error")
    expect(bad_rows).to_have_count(3)
    assert {bad_rows.nth(i).get_attribute("data-row") for i in range(3)} == {"3", "5"}
    expect(page.get_by_test_id("error-workbook")).to_be_visible()
    assert not Customer.objects.exists()

    rows[1][2], rows[3][3], rows[3][4] = "华北", am.username, "战略合作伙伴"
    upload(page, write_file(tmp_path / "customers-fixed.csv", rows))
    expect(page.get_by_test_id("count-new")).to_have_text("4")
    expect(page.get_by_test_id("count-invalid")).to_have_text("0")
    page.get_by_test_id("apply").click()
    expect(page.get_by_test_id("batch-status")).to_have_attribute("data-status", "applied")
    assert Customer.objects.count() == 4
    assert Customer.objects.get(number="KH20260301004").level == 5

    page.get_by_test_id("undo").click()
    expect(page.get_by_test_id("batch-status")).to_have_attribute("data-status", "undone")
    assert not Customer.objects.exists()
