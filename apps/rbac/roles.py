"""
The built-in rights tree and the default role matrix (SPEC §1.1 and §4), as data.

`manage.py rbac_sync_roles` (also run after every migrate) writes them to sys_right, sys_role
and sys_role_right idempotently. Rights are product definitions and are always brought up to
date; a role's rights are the system admin's to edit, so an existing role keeps its rights and
only receives rights that did not exist before (a new page in a new release).
"""

from typing import NamedTuple

ADMIN, SALES_MANAGER, ACCOUNT_MANAGER, EXECUTIVE = (
    "admin",
    "sales_manager",
    "account_manager",
    "executive",
)


class RightDef(NamedTuple):
    code: str
    parent: str | None
    type: str
    text: str
    text_en: str
    url_name: str = ""
    permission: str = ""
    icon: str = ""


def _folder(code, text, text_en, icon):
    return RightDef(code, None, "folder", text, text_en, icon=icon)


def _page(code, parent, text, text_en, url_name, permission):
    return RightDef(code, parent, "document", text, text_en, url_name, permission)


def _action(code, parent, text, text_en, permission):
    return RightDef(code, parent, "action", text, text_en, permission=permission)


RIGHTS: list[RightDef] = [
    _folder("L01", "营销管理", "Marketing", "bullseye"),
    _page(
        "L0101",
        "L01",
        "销售机会管理",
        "Sales chances",
        "marketing:chance-list",
        "marketing.view_saleschance",
    ),
    _action("L010101", "L0101", "新建销售机会", "Create chances", "marketing.add_saleschance"),
    _action("L010102", "L0101", "编辑销售机会", "Edit chances", "marketing.change_saleschance"),
    _action("L010103", "L0101", "删除销售机会", "Delete chances", "marketing.delete_saleschance"),
    _action("L010104", "L0101", "指派销售机会", "Assign chances", "marketing.assign_saleschance"),
    _action(
        "L010105",
        "L0101",
        "编辑所有销售机会",
        "Edit every chance",
        "marketing.change_all_saleschance",
    ),
    _page(
        "L0102",
        "L01",
        "客户开发计划",
        "Development plans",
        "marketing:plan-list",
        "marketing.view_salesplan",
    ),
    _action(
        "L010201", "L0102", "查看所有开发计划", "See every plan", "marketing.view_all_salesplan"
    ),
    _action("L010202", "L0102", "制定计划", "Make plans", "marketing.change_salesplan"),
    _action(
        "L010203",
        "L0102",
        "为所有机会制定计划",
        "Make plans for every chance",
        "marketing.change_all_salesplan",
    ),
    _action(
        "L010204",
        "L0102",
        "执行计划/开发成功/终止开发",
        "Execute, win or terminate",
        "marketing.develop_saleschance",
    ),
    _folder("L02", "客户管理", "Customers", "people"),
    _page(
        "L0201",
        "L02",
        "客户信息管理",
        "Customers",
        "customers:customer-list",
        "customers.view_customer",
    ),
    _action(
        "L020101", "L0201", "查看所有客户", "See every customer", "customers.view_all_customer"
    ),
    _action("L020102", "L0201", "编辑客户", "Edit customers", "customers.change_customer"),
    _action("L020103", "L0201", "删除客户", "Delete customers", "customers.delete_customer"),
    _action("L020104", "L0201", "新建客户", "Create customers", "customers.add_customer"),
    _action(
        "L020105",
        "L0201",
        "维护联系人与交往记录",
        "Maintain linkmen and activities",
        "customers.change_linkman",
    ),
    _action("L020106", "L0201", "维护交往记录", "Maintain activities", "customers.change_activity"),
    # 转移 (issue 16): the customers within the data scope, or every customer
    _action("L020107", "L0201", "转移客户", "Transfer customers", "customers.transfer_customer"),
    _action(
        "L020108",
        "L0201",
        "转移所有客户",
        "Transfer every customer",
        "customers.transfer_all_customer",
    ),
    _page(
        "L0202",
        "L02",
        "客户流失管理",
        "Customer churn",
        "customers:churn-list",
        "customers.view_churn",
    ),
    _action(
        "L020201", "L0202", "查看所有流失记录", "See every churn record", "customers.view_all_churn"
    ),
    _action(
        "L020202",
        "L0202",
        "暂缓流失/确认流失",
        "Postpone or confirm churn",
        "customers.change_churn",
    ),
    _page(
        "L0203",
        "L02",
        "流失扫描",
        "Churn scan",
        "customers:churn-scan",
        "customers.run_churnscanrun",
    ),
    # The nightly time is edited in Django admin (django-celery-beat's periodic tasks).
    _action(
        "L020301",
        "L0203",
        "修改夜间扫描计划",
        "Change the nightly scan",
        "django_celery_beat.change_periodictask",
    ),
    _action(
        "L020302",
        "L0203",
        "新建计划时间",
        "Add schedule times",
        "django_celery_beat.add_crontabschedule",
    ),
    _action(
        "L020303",
        "L0203",
        "修改计划时间",
        "Change schedule times",
        "django_celery_beat.change_crontabschedule",
    ),
    _folder("L03", "服务管理", "Service", "headset"),
    _page(
        "L0301",
        "L03",
        "服务创建",
        "Create service",
        "service:ticket-create",
        "service.add_serviceticket",
    ),
    _page(
        "L0302",
        "L03",
        "服务分配",
        "Assign service",
        "service:ticket-assign-list",
        "service.assign_serviceticket",
    ),
    _action(
        "L030201", "L0302", "删除新建服务", "Delete new services", "service.delete_serviceticket"
    ),
    _page(
        "L0303",
        "L03",
        "服务处理",
        "Handle service",
        "service:ticket-handle-list",
        "service.handle_serviceticket",
    ),
    _page(
        "L0304",
        "L03",
        "服务反馈",
        "Service feedback",
        "service:ticket-feedback-list",
        "service.feedback_serviceticket",
    ),
    _page(
        "L0305",
        "L03",
        "服务归档",
        "Service archive",
        "service:ticket-archive-list",
        "service.view_serviceticket",
    ),
    _action(
        "L030501", "L0305", "查看所有服务", "See every service", "service.view_all_serviceticket"
    ),
    _folder("L04", "统计报表", "Reports", "bar-chart"),
    _page("L0400", "L04", "经营概览", "Dashboard", "reports:dashboard", "reports.view_dashboard"),
    _page(
        "L0401",
        "L04",
        "客户贡献分析",
        "Customer contribution",
        "reports:contribution",
        "reports.view_contribution_report",
    ),
    _page(
        "L0402",
        "L04",
        "客户构成分析",
        "Customer composition",
        "reports:composition",
        "reports.view_composition_report",
    ),
    _page(
        "L0403",
        "L04",
        "客户服务分析",
        "Service analysis",
        "reports:service",
        "reports.view_service_report",
    ),
    _page(
        "L0404",
        "L04",
        "客户流失分析",
        "Churn analysis",
        "reports:churn",
        "reports.view_churn_report",
    ),
    _folder("L05", "基础数据", "Base data", "database"),
    _page(
        "L0501",
        "L05",
        "数据字典管理",
        "Data dictionary",
        "admin:basedata_dictitem_changelist",
        "basedata.view_dictitem",
    ),
    _action("L050101", "L0501", "新建字典条目", "Add dictionary items", "basedata.add_dictitem"),
    _action(
        "L050102", "L0501", "编辑字典条目", "Edit dictionary items", "basedata.change_dictitem"
    ),
    _action(
        "L050103", "L0501", "删除字典条目", "Delete dictionary items", "basedata.delete_dictitem"
    ),
    _page("L0505", "L05", "客户标签", "Customer tags", "customers:tag-list", "customers.view_tag"),
    _action("L050501", "L0505", "新建标签", "Add tags", "customers.add_tag"),
    _action("L050502", "L0505", "编辑标签", "Edit tags", "customers.change_tag"),
    _page(
        "L0502", "L05", "查询产品信息", "Products", "basedata:product-list", "basedata.view_product"
    ),
    _page("L0503", "L05", "查询库存", "Stock", "basedata:storage-list", "basedata.view_storage"),
    _page(
        "L0504", "L05", "数据导入", "Data import", "imports:batch-list", "imports.view_importbatch"
    ),
    _action(
        "L050401", "L0504", "上传并执行导入", "Upload and apply imports", "imports.add_importbatch"
    ),
    _action("L050402", "L0504", "撤销自己的导入", "Undo own imports", "imports.undo_importbatch"),
    _action("L050403", "L0504", "查看所有导入", "See every import", "imports.view_all_importbatch"),
    _action(
        "L050404", "L0504", "撤销所有导入", "Undo every import", "imports.undo_all_importbatch"
    ),
    _action("L050405", "L0504", "导入客户", "Import customers", "customers.import_all_customer"),
    _action(
        "L050406",
        "L0504",
        "导入负责客户的联系人",
        "Import linkmen of own customers",
        "customers.import_linkman",
    ),
    _action(
        "L050407",
        "L0504",
        "导入所有客户的联系人",
        "Import linkmen of every customer",
        "customers.import_all_linkman",
    ),
    _action(
        "L050408",
        "L0504",
        "导入负责客户的交往记录",
        "Import activities of own customers",
        "customers.import_activity",
    ),
    _action(
        "L050409",
        "L0504",
        "导入所有客户的交往记录",
        "Import activities of every customer",
        "customers.import_all_activity",
    ),
    _action("L050410", "L0504", "导入订单", "Import orders", "customers.import_all_order"),
    _action("L050411", "L0504", "导入产品", "Import products", "basedata.import_product"),
    _action("L050412", "L0504", "导入库存", "Import stock", "basedata.import_storage"),
    _action(
        "L050413", "L0504", "导入数据字典", "Import dictionary items", "basedata.import_dictitem"
    ),
    _action("L050414", "L0504", "导入部门", "Import departments", "rbac.import_department"),
    _action("L050415", "L0504", "导入用户", "Import users", "rbac.import_user"),
    _folder("L06", "权限管理", "Permissions", "shield-lock"),
    _page("L0601", "L06", "用户管理", "Users", "rbac:user-list", "rbac.view_user"),
    _action("L060101", "L0601", "新建用户", "Create users", "rbac.add_user"),
    _action(
        "L060102", "L0601", "编辑用户/重置密码", "Edit users, reset passwords", "rbac.change_user"
    ),
    _action("L060103", "L0601", "禁用用户", "Disable users", "rbac.disable_user"),
    # A leaving employee's customers go to a colleague: from the user list, or on disabling him.
    _action(
        "L060104",
        "L0601",
        "转移离职员工的客户",
        "Transfer a leaving user's customers",
        "customers.transfer_all_customer",
    ),
    _page("L0602", "L06", "角色管理", "Roles", "rbac:role-list", "rbac.view_role"),
    _action("L060201", "L0602", "新建角色", "Create roles", "rbac.add_role"),
    _action(
        "L060202", "L0602", "编辑角色/分配权限", "Edit roles, grant rights", "rbac.change_role"
    ),
    _page("L0603", "L06", "审计日志", "Audit log", "rbac:audit-list", "rbac.view_auditevent"),
    _page("L0604", "L06", "后台管理", "Back office", "admin:index", "rbac.access_admin"),
    _page(
        "L0605", "L06", "部门管理", "Departments", "rbac:department-list", "rbac.view_department"
    ),
    _action("L060501", "L0605", "新建部门", "Create departments", "rbac.add_department"),
    _action(
        "L060502", "L0605", "编辑/移动部门", "Edit and move departments", "rbac.change_department"
    ),
    _action("L060503", "L0605", "删除部门", "Delete departments", "rbac.delete_department"),
    _page("L0606", "L06", "权限说明", "Why (access)", "rbac:why", "rbac.explain_access"),
]


def _tree(*codes: str) -> list[str]:
    """A code and every right below it."""
    wanted = set(codes)
    for right in RIGHTS:  # RIGHTS lists parents before children
        if right.parent in wanted:
            wanted.add(right.code)
    return sorted(wanted)


class RoleDef(NamedTuple):
    code: str
    name: str
    name_en: str
    description: str
    rights: list[str]


ROLES: list[RoleDef] = [
    RoleDef(
        ADMIN,
        "系统管理员",
        "System administrator",
        "管理系统用户、角色与权限，维护数据字典，保证系统正常运行",
        [
            "L02",
            *_tree("L0203"),
            "L05",
            *_tree("L0501"),
            *_tree("L0505"),
            *_tree("L06"),
            "L0504",
            "L050401",
            "L050402",
            "L050403",
            "L050404",
            "L050405",
            "L050407",
            "L050409",
            "L050410",
            "L050411",
            "L050412",
            "L050413",
            "L050414",
            "L050415",
        ],
    ),
    RoleDef(
        SALES_MANAGER,
        "销售主管",
        "Sales manager",
        "管理销售机会并指派给客户经理，分配客户服务，查看客户与统计报表",
        [
            "L01",
            *_tree("L0101"),
            "L0102",
            "L010201",
            "L010202",
            "L010203",
            "L02",
            "L0201",
            "L020101",
            "L020107",
            "L020108",
            "L020104",
            "L0202",
            "L020201",
            "L03",
            *_tree("L0302"),
            *_tree("L0305"),
            *_tree("L04"),
            "L05",
            "L0504",
            "L050401",
            "L050402",
            "L050405",
            "L050407",
            "L050409",
            "L050410",
            "L050411",
            "L050412",
            "L050413",
        ],
    ),
    RoleDef(
        ACCOUNT_MANAGER,
        "客户经理",
        "Account manager",
        "开发被指派的销售机会，维护负责的客户，处理与反馈客户服务",
        [
            "L01",
            "L0101",
            "L010101",
            "L010102",
            "L010103",
            "L0102",
            "L010202",
            "L010204",
            "L02",
            "L0201",
            "L020102",
            "L020103",
            "L020104",
            "L020105",
            "L020106",
            "L0202",
            "L020202",
            "L03",
            "L0301",
            "L0303",
            "L0304",
            "L0305",
            "L05",
            "L0502",
            "L0503",
            "L0504",
            "L050401",
            "L050402",
            "L050406",
            "L050408",
        ],
    ),
    RoleDef(EXECUTIVE, "高管", "Executive", "查看经营概览与统计报表", _tree("L04")),
]
