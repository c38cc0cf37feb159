from tests.rbac.url_matrix import AM, only

EXPECTED = {
    "basedata:product-list": only(AM),
    "basedata:storage-list": only(AM),
}
