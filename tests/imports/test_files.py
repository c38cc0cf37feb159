"""Bad input is refused with a clear message before anything is written (issue 7, S17)."""

import datetime
import io
import re
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from apps.customers.models import Customer
from apps.imports import files, services
from apps.imports.catalog import KINDS
from apps.imports.models import ImportBatch
from tests.imports.factories import csv_bytes, headers, run_jobs, upload, xlsx_bytes

pytestmark = pytest.mark.django_db

CUSTOMER = KINDS["customers"]
ROW = ["KH20260101001", "甲公司", "北京", "", "1"]
HEADERS = ["customer number", "name", "region", "account manager", "level"]


def refused(user, content: bytes, name="data.csv") -> list[str]:
    """The messages of a refused upload, after checking that nothing was stored."""
    with pytest.raises(ValidationError) as caught:
        services.import_batch_create(
            actor=user, kind="customers", upload=upload(content, name), language="en"
        )
    assert not ImportBatch.objects.exists()
    assert not Customer.objects.exists()
    return caught.value.message_dict["file"]


def test_a_file_over_the_size_limit_is_refused(admin_user, settings, media_root):
    settings.CRM_IMPORT_MAX_BYTES = 100
    messages = refused(admin_user, csv_bytes(HEADERS, [ROW] * 10))
    assert "files up to 100" in messages[0]
    assert not media_root.exists() or not any(media_root.rglob("*.*"))


def test_a_csv_named_xlsx_is_not_taken_for_a_workbook(admin_user):
    messages = refused(admin_user, csv_bytes(HEADERS, [ROW]), name="data.xlsx")
    assert messages == ["This file is not really an Excel workbook (.xlsx)."]


def test_a_workbook_named_csv_is_not_taken_for_text(admin_user):
    messages = refused(admin_user, xlsx_bytes(HEADERS, [ROW]), name="data.csv")
    assert messages == ["This file is not a CSV text file. Save it as CSV or .xlsx."]


@pytest.mark.parametrize("name", ["data.xlsm", "data.xls", "data.txt", "data"])
def test_only_csv_and_xlsx_names_are_accepted(admin_user, name):
    assert refused(admin_user, csv_bytes(HEADERS, [ROW]), name=name) == [
        "Only CSV and Excel (.xlsx) files can be imported."
    ]


def _with_part(part: str, content_type: bytes = b"") -> bytes:
    """A real workbook with one extra part (and content type) added."""
    source = zipfile.ZipFile(io.BytesIO(xlsx_bytes(HEADERS, [ROW])))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "[Content_Types].xml" and content_type:
                data = data.replace(b"</Types>", content_type + b"</Types>")
            target.writestr(item, data)
        target.writestr(part, b"binary")
    return out.getvalue()


@pytest.mark.parametrize(
    ("part", "content_type"),
    [
        (
            "xl/vbaProject.bin",
            b'<Default Extension="bin" ContentType="application/vnd.ms-office.vbaProject"/>',
        ),
        ("xl/externalLinks/externalLink1.xml", b""),
        ("xl/activeX/activeX1.xml", b""),
        ("xl/embeddings/oleObject1.bin", b""),
    ],
)
def test_workbooks_with_macros_links_or_objects_are_refused(admin_user, part, content_type):
    messages = refused(admin_user, _with_part(part, content_type), name="data.xlsx")
    assert "macros, external links or embedded objects" in messages[0]


def test_a_zip_without_workbook_content_types_is_refused(admin_user):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("hello.txt", "hello")
    assert refused(admin_user, out.getvalue(), name="data.xlsx") == [
        "This file is not really an Excel workbook (.xlsx)."
    ]


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-8", "gbk", "gb18030"])
def test_chinese_csv_in_utf8_with_or_without_bom_gbk_and_gb18030_is_read(encoding):
    content = csv_bytes(
        ["客户编号", "名称", "地区"], [["KH20260101001", "北京燕山公司", "华北"]], encoding=encoding
    )
    info = files.sniff(upload(content), "data.csv")
    parsed = files.parse(io.BytesIO(content), info, CUSTOMER)
    assert list(parsed.dataset.headers) == ["number", "name", "region"]
    assert parsed.dataset[0] == ("KH20260101001", "北京燕山公司", "华北")


@pytest.mark.parametrize(
    "content",
    [
        "客户编号,名称\nKH1,甲\n".encode("utf-16"),
        b"customer number,name\nKH1,caf\xe9 \x81\x20\n",
        b"customer number,name\nKH1,\x00\x01\x02\n",
    ],
)
def test_other_encodings_are_refused_not_guessed(admin_user, content):
    messages = refused(admin_user, content)
    assert messages == [
        "This file is not a CSV text in UTF-8 or GBK. Save it as “CSV UTF-8” and try again."
    ]


def test_missing_and_unknown_columns_are_named(admin_user):
    messages = refused(admin_user, csv_bytes(["name", "colour"], [["甲公司", "red"]]))
    assert messages == [
        "Unknown columns: colour. The template of this import lists the columns it reads.",
        "Missing columns: customer number.",
    ]


def test_a_column_given_twice_is_refused(admin_user):
    messages = refused(
        admin_user, csv_bytes(["customer number", "name", "名称"], [["KH1", "a", "b"]])
    )
    assert messages == ["Columns given twice: 名称."]


def test_more_rows_than_the_limit_are_refused(admin_user, settings):
    settings.CRM_IMPORT_MAX_ROWS = 3
    messages = refused(admin_user, csv_bytes(HEADERS, [ROW] * 4))
    assert messages == ["The file has more than 3 rows; split it into smaller files."]


def test_a_workbook_over_the_row_limit_is_refused_by_its_dimension(admin_user, settings):
    settings.CRM_IMPORT_MAX_ROWS = 3
    rows = [[f"KH2026010100{i}", "甲", "", "", ""] for i in range(1, 6)]
    messages = refused(admin_user, xlsx_bytes(HEADERS, rows), name="data.xlsx")
    assert messages == ["The file has more than 3 rows; split it into smaller files."]


def test_a_workbook_over_the_row_limit_is_refused_by_its_check(admin_user, settings):
    rows = [[f"KH2026010100{i}", "甲", "", "", ""] for i in range(1, 6)]
    batch = services.import_batch_create(
        actor=admin_user,
        kind="customers",
        language="en",
        upload=upload(xlsx_bytes(HEADERS, rows), "data.xlsx"),
    )
    settings.CRM_IMPORT_MAX_ROWS = 3  # e.g. a sheet without its dimension: counted in the job
    run_jobs()
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.FAILED
    assert batch.error == "The file has more than 3 rows; split it into smaller files."
    assert not Customer.objects.exists()


def test_an_empty_file_and_a_header_only_file_are_refused(admin_user):
    assert refused(admin_user, b"") == ["The file is empty."]
    assert refused(admin_user, csv_bytes(HEADERS, [])) == ["The file has no data rows."]


def test_chinese_and_english_headers_are_both_accepted():
    content = csv_bytes(
        ["客户编号", "name", "地区", "Account Manager*"], [["KH1", "甲", "华北", ""]]
    )
    parsed = files.parse(io.BytesIO(content), files.FileInfo("csv", "utf-8-sig"), CUSTOMER)
    assert list(parsed.dataset.headers) == ["number", "name", "region", "manager"]


def test_blank_lines_are_skipped_and_rows_keep_their_file_numbers():
    content = csv_bytes(HEADERS, [ROW, ["", "", "", "", ""], ROW])
    parsed = files.parse(io.BytesIO(content), files.FileInfo("csv", "utf-8-sig"), CUSTOMER)
    assert parsed.line_numbers == [2, 4]


def test_workbook_numbers_and_dates_become_text_the_columns_read():
    content = xlsx_bytes(
        ["客户编号", "名称", "电话", "客户等级"], [["KH1", "甲", 13800001111, 3.0]]
    )
    parsed = files.parse(io.BytesIO(content), files.FileInfo("xlsx"), CUSTOMER)
    assert parsed.dataset[0] == ("KH1", "甲", "13800001111", "3")
    activity = xlsx_bytes(
        ["客户编号", "时间", "地点", "概要"],
        [["KH1", datetime.datetime(2026, 3, 1, 14, 30), "北京", "拜访"]],  # noqa: DTZ001
    )
    parsed = files.parse(io.BytesIO(activity), files.FileInfo("xlsx"), KINDS["activities"])
    assert parsed.dataset[0][1] == datetime.datetime(2026, 3, 1, 14, 30)  # noqa: DTZ001


def test_our_own_formula_guard_is_taken_off_on_import():
    content = csv_bytes(HEADERS, [["KH1", "'=1+1", "'-", "", ""]])
    parsed = files.parse(io.BytesIO(content), files.FileInfo("csv", "utf-8-sig"), CUSTOMER)
    assert parsed.dataset[0][1:3] == ("=1+1", "-")


def test_template_headers_of_every_kind_are_distinct_in_each_language():
    for kind in KINDS.values():
        for language in ("zh-hans", "en"):
            names = [files.normalise_header(h) for h in headers(kind.key, language)]
            assert len(names) == len(set(names)), (kind.key, language, names)


@pytest.mark.parametrize("write_only", [False, True])
def test_the_workbook_reader_reads_what_openpyxl_reads(write_only):
    from openpyxl import Workbook, load_workbook

    from apps.imports import xlsx

    workbook = Workbook(write_only=write_only)
    sheet = workbook.create_sheet() if write_only else workbook.active
    when = datetime.datetime(2026, 3, 1, 14, 30)  # noqa: DTZ001 (a spreadsheet has no zone)
    rows = [["编号", "名称", "数"], ["KH1", None, 3], [], ["KH3", True, 2.5], [when, "=1+1", "x"]]
    for row in rows:
        sheet.append(row)
    stream = io.BytesIO()
    workbook.save(stream)
    ours = [list(row) for row in xlsx.rows(io.BytesIO(stream.getvalue()))]
    theirs = load_workbook(io.BytesIO(stream.getvalue()), read_only=True, data_only=True)
    theirs = theirs.worksheets[0]
    expected = [list(row) for row in theirs.iter_rows(values_only=True)]
    assert [[v for v in row if v is not None] for row in ours] == [
        [v for v in row if v is not None] for row in expected
    ]
    assert (ours[1][2], ours[3][1], ours[4][0]) == (3, True, when)


def _declaring_entities() -> bytes:
    source = zipfile.ZipFile(io.BytesIO(xlsx_bytes(HEADERS, [ROW])))
    bomb = (
        b'<?xml version="1.0"?><!DOCTYPE lol [<!ENTITY lol "lol"><!ENTITY lol2 '
        b'"&lol;&lol;&lol;&lol;">]>'
    )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = bomb + data[data.index(b"<worksheet") :]
            target.writestr(item, data)
    return out.getvalue()


def test_a_workbook_declaring_entities_is_refused_unread(admin_user):
    messages = refused(admin_user, _declaring_entities(), name="data.xlsx")
    assert "macros, external links or embedded objects" in messages[0]


CJK = re.compile(r"[\u4e00-\u9fff]")


@pytest.mark.parametrize(
    ("content", "name"),
    [
        pytest.param(lambda: b"", "data.csv", id="empty"),
        pytest.param(lambda: b"PK\x03\x04 not a zip", "data.xlsx", id="not a workbook"),
        pytest.param(lambda: "客户".encode("utf-16"), "data.csv", id="encoding"),
        pytest.param(lambda: csv_bytes(["x"], [["1"]]), "data.csv", id="columns"),
        pytest.param(lambda: _with_part("xl/vbaProject.bin", b""), "data.xlsx", id="macros"),
        pytest.param(
            lambda: _with_part("xl/externalLinks/externalLink1.xml", b""), "d.xlsx", id="link"
        ),
        pytest.param(_declaring_entities, "data.xlsx", id="DTD"),
    ],
)
def test_every_refusal_is_said_in_chinese_on_the_chinese_ui(admin_user, content, name):
    with translation.override("zh-hans"):
        messages = refused(admin_user, content(), name=name)

    assert messages
    assert all(CJK.search(message) for message in messages), messages
