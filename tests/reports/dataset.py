"""
A small data set whose report figures are computed by hand in the tests:

customer  status   level credit satisf. orders (count × unit price)
甲公司 A  normal   1     5      4       2024-03: 2×10800 + 1×500.50 = 22100.50; 2023-06: 3×100
乙公司 B  normal   3     –      3       2024-12-31 23:30: 1×30000; 2025-01-01 00:10: 1×1
丙公司 C  deleted  3     3      3       2024-02: 5×1000 = 5000 (left out: deleted)
丁公司 D  lost     5     3      2       2023-02: 10×99.99 = 999.90
戊公司 E  normal   1     3      3       none

services: 2024-01 咨询 (A), 2024-03 咨询 (B), 2024-03 投诉 (A), 2023-12-31 23:30 建议 (D),
          2025-01-01 00:30 其他 (E, a type missing from the dictionary)
churn: A confirmed 2024-05-01 by 张三 "价格太高"; D confirmed 2023-02-01 by 李四 "服务不满意";
       B a warning, E recovered (both left out)
"""

from types import SimpleNamespace

from apps.basedata.models import DictItem
from apps.customers.models import Churn, Customer
from tests.reports.factories import (
    LEVELS,
    SERVICE_TYPES,
    STARS,
    ChurnFactory,
    CustomerFactory,
    UserFactory,
    dictionary,
    local,
    order_with_lines,
)
from tests.service.factories import ServiceTicketFactory

S = Customer.Status


def create_dictionaries() -> None:
    dictionary(DictItem.LEVEL, *LEVELS)
    dictionary(DictItem.CREDIT, *STARS)
    dictionary(DictItem.SATISFACTION, *STARS)
    dictionary(DictItem.SERVICE_TYPE, *SERVICE_TYPES)


def create_data() -> SimpleNamespace:
    """The rows of the table above (the dictionaries must exist)."""
    zhang = UserFactory(role="account_manager", full_name="张三")
    li = UserFactory(role="account_manager", full_name="李四")
    a = CustomerFactory(name="甲公司", level=1, credit=5, satisfaction=4, manager=zhang)
    b = CustomerFactory(name="乙公司", level=3, credit=None, satisfaction=3, manager=zhang)
    c = CustomerFactory(name="丙公司", level=3, status=S.DELETED, manager=li)
    d = CustomerFactory(name="丁公司", level=5, satisfaction=2, status=S.LOST, manager=li)
    e = CustomerFactory(name="戊公司", level=1, manager=li)
    order_with_lines(a, local(2024, 3, 15), (2, "10800"), (1, "500.50"))
    order_with_lines(a, local(2023, 6, 1), (3, "100"))
    order_with_lines(b, local(2024, 12, 31, 23, 30), (1, "30000"))
    order_with_lines(b, local(2025, 1, 1, 0, 10), (1, "1"))
    order_with_lines(c, local(2024, 2, 1), (5, "1000"))
    order_with_lines(d, local(2023, 2, 1), (10, "99.99"))
    ServiceTicketFactory(customer=a, type="咨询", created_at=local(2024, 1, 10))
    ServiceTicketFactory(customer=b, type="咨询", created_at=local(2024, 3, 2))
    ServiceTicketFactory(customer=a, type="投诉", created_at=local(2024, 3, 20))
    ServiceTicketFactory(customer=d, type="建议", created_at=local(2023, 12, 31, 23, 30))
    ServiceTicketFactory(customer=e, type="其他", created_at=local(2025, 1, 1, 0, 30))
    ChurnFactory(customer=a, manager=zhang, reason="价格太高")
    ChurnFactory(customer=d, manager=li, lost_date=local(2023, 2, 1).date(), reason="服务不满意")
    ChurnFactory(customer=b, status=Churn.Status.WARNING, lost_date=None, reason="")
    ChurnFactory(customer=e, status=Churn.Status.RECOVERED, lost_date=None, reason="")
    return SimpleNamespace(a=a, b=b, c=c, d=d, e=e, zhang=zhang, li=li)
