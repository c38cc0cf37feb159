"""Download names: whatever a user named a file, the header is safe and the name readable."""

import pytest

from crm.downloads import attachment_header, safe_filename


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("customers.csv", "attachment; filename=\"customers.csv\"; filename*=UTF-8''customers.csv"),
        (
            "客户.xlsx",
            "attachment; filename=\"download.xlsx\"; filename*=UTF-8''%E5%AE%A2%E6%88%B7.xlsx",
        ),
        (
            'a"; filename=x.exe',
            "attachment; filename=\"a_filename_x.exe\"; filename*=UTF-8''a_%20filename%3Dx.exe",
        ),
        ("../../etc/passwd\r\n", "attachment; filename=\"passwd\"; filename*=UTF-8''passwd"),
    ],
)
def test_the_header_carries_an_ascii_name_and_the_utf8_name(name, expected):
    assert attachment_header(name) == expected


def test_a_name_that_is_only_unsafe_becomes_download():
    assert safe_filename("..\\..\\") == "download"
