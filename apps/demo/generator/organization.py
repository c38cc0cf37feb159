"""
The demo company's organization (issue 16): four levels of departments with the demo users
placed in them and a reporting line, created once (a CRM that has departments keeps its own).
"""

from apps.demo.generator.common import DemoStaff
from apps.rbac.models import Department, User

# (name, English name, children): the tree below the company.
TREE = (
    "华信科技有限公司",
    "Huaxin Technology Co., Ltd.",
    [
        ("总经理办公室", "General manager's office", []),
        ("信息技术部", "IT department", []),
        (
            "销售中心",
            "Sales centre",
            [
                ("华东大区", "East China region", [("上海销售组", "Shanghai sales team", [])]),
                ("华北大区", "North China region", [("北京销售组", "Beijing sales team", [])]),
            ],
        ),
    ],
)


def _add(name: str, name_en: str, children: list, parent: Department | None, found: dict) -> None:
    fields = {"name": name, "name_en": name_en}
    node = (
        Department.objects.add_root(fields)
        if parent is None
        else Department.objects.add_child(parent, fields)
    )
    found[name] = node
    for child in children:
        _add(*child, parent=Department.objects.get(pk=node.pk), found=found)


def organization_ensure(staff: DemoStaff) -> int:
    """Create the demo departments and place the demo users; the number of departments made."""
    if Department.objects.exists():
        return 0
    found: dict[str, Department] = {}
    _add(*TREE, parent=None, found=found)
    am1, am2, am3, am4 = staff.account_managers[:4]
    placement = [
        (staff.executive, "总经理办公室", None),
        (staff.admin, "信息技术部", staff.executive),
        (staff.manager, "销售中心", staff.executive),
        (am1, "上海销售组", staff.manager),  # the Shanghai team's lead
        (am2, "上海销售组", am1),
        (am3, "北京销售组", staff.manager),  # the Beijing team's lead
        (am4, "北京销售组", am3),
    ]
    for user, department, supervisor in placement:
        User.objects.filter(pk=user.pk).update(department=found[department], supervisor=supervisor)
    heads = {"华信科技有限公司": staff.executive, "销售中心": staff.manager}
    heads |= {"上海销售组": am1, "北京销售组": am3, "信息技术部": staff.admin}
    for name, head in heads.items():
        Department.objects.filter(pk=found[name].pk).update(head=head)
    return len(found)
