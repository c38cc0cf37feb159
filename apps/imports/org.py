"""
Import and export of the organization (issue 16): departments, and users with their
department, role and supervisor. Declared here rather than in apps.rbac, which the import
framework depends on (apps must not import each other in a loop); registered on the hook
"imports.kind" by ImportsConfig.ready().

A department is named by its path of names from the top, such as 总公司/华东区/上海分公司
(departments have no code): a row gives its name and its parent's path, so that a parent comes
before its children in the file. Departments are few: the whole tree is read once per import.
The tree is a materialised path (django-treebeard): the new departments get their paths here,
in file order, and are written by COPY like any import; the parents that gain children get
their child count updated, and undo puts it back.

Users: a new user gets an unusable password (the admin sets one, as on the user form); a
password is never imported, and an imported user's stored password never changes.
"""

from django.core.exceptions import NON_FIELD_ERRORS
from django.db import connection
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from import_export import widgets

from apps.imports.bulk import copy_insert
from apps.imports.records import Record, fingerprint
from apps.imports.resource_base import Column, CrmResource
from apps.imports.widgets import Lookup, text
from apps.rbac.models import Department, Role, User
from apps.rbac.policies import department_policy, user_policy
from apps.rbac.selectors import user_list

SEPARATOR = "/"


class Tree:
    """Every department by its path of names ("总公司/华东区"), read in one query."""

    def __init__(self):
        self.by_names: dict[str, Department] = {}
        names_of: dict[str, str] = {}  # treebeard path -> path of names
        for department in Department.objects.order_by("path"):
            parent = names_of.get(department.path[: -Department.steplen])
            names = f"{parent}{SEPARATOR}{department.name}" if parent else department.name
            names_of[department.path] = names
            self.by_names[names] = department
        self.names_of = names_of

    def names(self, department: Department | None) -> str:
        return "" if department is None else self.names_of.get(department.path, "")

    def parent_names(self, department: Department) -> str:
        return self.names_of.get(department.path[: -Department.steplen], "")


def names_key(raw) -> str:
    """A path of names as typed: spaces around the parts and empty parts dropped."""
    return SEPARATOR.join(part.strip() for part in text(raw).split(SEPARATOR) if part.strip())


class DepartmentPath(widgets.Widget):
    """A department given by its path of names (总公司/华东区/上海分公司)."""

    def __init__(self):
        super().__init__()
        self._tree: Tree | None = None

    @property
    def tree(self) -> Tree:
        if self._tree is None:  # one query per import or export, the first time it is needed
            self._tree = Tree()
        return self._tree

    def clean(self, value, row=None, **kwargs):
        key = names_key(value)
        if not key:
            return None
        found = self.tree.by_names.get(key)
        if found is None:
            raise ValueError(
                _("No department “%(value)s”: give its path, such as 总公司/华东区.")
                % {"value": key}
            )
        return found

    def render(self, value, obj=None, **kwargs):
        return self.tree.names(value)


class ParentPath(DepartmentPath):
    """A department's parent, exported as its path of names (read back by the import)."""

    def render(self, value, obj=None, **kwargs):
        return "" if not value else self.tree.names_of.get(value[: -Department.steplen], "")


class RoleValue(widgets.Widget):
    """A role given by its code or its name in either language."""

    def __init__(self):
        super().__init__()
        self._spellings: dict[str, Role] | None = None

    def clean(self, value, row=None, **kwargs):
        raw = text(value)
        if not raw:
            return None
        if self._spellings is None:  # one query per import
            self._spellings = {
                spelling.casefold(): role
                for role in Role.objects.all()
                for spelling in (role.code, role.name, role.name_en)
                if spelling
            }
        found = self._spellings.get(raw.casefold())
        if found is None:
            raise ValueError(_("No role “%(value)s”.") % {"value": raw})
        return found

    def render(self, value, obj=None, **kwargs):
        return "" if value is None else value.label


def forget_trees(fields) -> None:
    """Read the tree again on next use: at the start of every import and every export (the
    class's columns, which the export renders, live as long as the process)."""
    for field in fields.values():
        if isinstance(field.widget, DepartmentPath):
            field.widget._tree = None


def user_lookup(message) -> Lookup:
    return Lookup(User.objects.all(), ["username"], message=message)


class DepartmentResource(CrmResource):
    """
    Departments by their path of names. A row names a department under its parent: an
    existing one, or one created by an earlier row of the file. Moving a department is done
    on its page (a row with another parent is another department), so no row can make a loop.
    """

    kind = "departments"
    policy = department_policy
    natural_key = ("name",)

    name = Column("name", label=gettext_lazy("department name"), required=True)
    parent = Column(
        "path", label=gettext_lazy("parent department"), widget=ParentPath(), readonly=True
    )
    name_en = Column("name_en", label=gettext_lazy("department name (English)"))
    head = Column(
        "head",
        label=gettext_lazy("head"),
        widget=user_lookup(gettext_lazy("No user with the username “%(value)s”.")),
    )

    class Meta(CrmResource.Meta):
        model = Department
        fields = ("name", "parent", "name_en", "head")
        export_order = fields
        batch_size = 10**9  # written at the end, at once: the paths depend on each other

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        forget_trees(self.fields)
        self.planned: set[str] = set()  # paths of names the file creates, so far
        self._parent_of: dict[int, str] = {}  # id(instance) -> its parent's path of names

    @property
    def tree(self) -> Tree:
        return self.fields["parent"].widget.tree

    # -- finding rows by their path of names ------------------------------------------------

    def _names_of_row(self, row) -> tuple[str, str]:
        return names_key(row.get("parent")), names_key(row.get("name"))

    def row_key(self, row):
        parent, name = self._names_of_row(row)
        if not name or SEPARATOR in text(row.get("name")):
            return None
        return (f"{parent}{SEPARATOR}{name}" if parent else name,)

    def instance_key(self, instance) -> tuple:
        return (self.tree.names(instance),)

    def load_existing(self, dataset) -> dict:
        return {(names,): department for names, department in self.tree.by_names.items()}

    # -- one row ------------------------------------------------------------------------------

    def after_init_instance(self, instance, new, row, **kwargs):
        self._parent_of[id(instance)] = self._names_of_row(row)[0]
        super().after_init_instance(instance, new, row, **kwargs)

    def row_rules(self, instance) -> dict:
        if SEPARATOR in instance.name:
            return {"name": [_("A department's name cannot contain “/”.")]}
        if instance.pk is not None:
            return {}
        parent = self._parent_of[id(instance)]
        if parent and parent not in self.tree.by_names and parent not in self.planned:
            return {
                "parent": [
                    _(
                        "No department “%(value)s”: a parent must exist already or come "
                        "earlier in the file."
                    )
                    % {"value": parent}
                ]
            }
        return {}

    def save_instance(self, instance, is_create, row, **kwargs):
        if is_create:
            parent = self._parent_of[id(instance)]
            self.planned.add(f"{parent}{SEPARATOR}{instance.name}" if parent else instance.name)
        super().save_instance(instance, is_create, row, **kwargs)

    # -- writing ------------------------------------------------------------------------------

    def bulk_create(self, using_transactions, dry_run, raise_errors, batch_size=None, result=None):
        """The new departments get their tree paths in file order (a parent before its
        children), then one COPY writes them; each is noted for undo."""
        pending, self._pending_creates = self._pending_creates, []
        self.create_instances = []
        if dry_run or not pending:
            return
        self._grown: dict[str, int] = {}  # treebeard path of a stored parent -> children added
        self._grown_at: dict[str, int] = {}  # … and the file's row of its first new child
        last_child = self._last_children()
        placed: dict[str, Department] = {}  # path of names -> new department
        for line, department in pending:
            parent_names = self._parent_of[id(department)]
            parent = placed.get(parent_names) or self.tree.by_names.get(parent_names)
            base, depth = (parent.path, parent.depth + 1) if parent else ("", 1)
            step = last_child.get(base, 0) + 1
            last_child[base] = step
            department.path = Department._get_path(base, depth, step)
            department.depth, department.numchild = depth, 0
            if parent is not None and parent.pk is None:
                parent.numchild += 1
            elif parent is not None:
                self._grown[parent.path] = self._grown.get(parent.path, 0) + 1
                self._grown_at.setdefault(parent.path, line)
            own = f"{parent_names}{SEPARATOR}{department.name}" if parent_names else department.name
            placed[own] = department
        instances = [department for _line, department in pending]
        if not self._write(copy_insert, instances, result, raise_errors):
            return
        for line, department in pending:
            self.records.append(
                Record("c", self.model_label(), department.pk, line, fingerprint(department))
            )

    def _last_children(self) -> dict[str, int]:
        """{treebeard path of a parent ("" for the top): the step of its last child}."""
        last: dict[str, int] = {}
        for department in self.tree.by_names.values():
            steplen = Department.steplen
            base, step = department.path[:-steplen], department.path[-steplen:]
            last[base] = max(last.get(base, 0), Department._str2int(step))
        return last

    def bulk_update(self, using_transactions, dry_run, raise_errors, batch_size=None, result=None):
        """The updated rows, then the stored parents' child counts; undo restores both."""
        super().bulk_update(using_transactions, dry_run, raise_errors, batch_size, result)
        grown = getattr(self, "_grown", {})
        if dry_run or not grown:
            return
        parents = {d.path: d for d in self.tree.by_names.values() if d.path in grown}
        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE sys_department d SET numchild = d.numchild + g.added "
                "FROM unnest(%s::bigint[], %s::int[]) AS g (id, added) WHERE d.id = g.id",
                [[parents[p].pk for p in grown], list(grown.values())],
            )
        noted = {r.object_id: r for r in self.records if r.action == "u"}
        label = self.model_label()
        for department in Department.objects.filter(pk__in=[d.pk for d in parents.values()]):
            before = parents[department.path]
            earlier = noted.get(department.pk)
            previous = {**(earlier.previous if earlier else {}), "numchild": before.numchild}
            line = earlier.row if earlier else self._grown_at[department.path]
            if earlier:
                self.records.remove(earlier)
            self.records.append(
                Record("u", label, department.pk, line, fingerprint(department), previous)
            )

    @classmethod
    def export_queryset(cls, user):
        forget_trees(cls.fields)
        return department_policy.scope(user, "view", Department.objects.all()).order_by("path")


class UserResource(CrmResource):
    """Users by username, with their role, department (path of names) and supervisor."""

    kind = "users"
    policy = user_policy
    natural_key = ("username",)

    username = Column("username", label=gettext_lazy("username"), required=True)
    full_name = Column("full_name", label=gettext_lazy("full name"))
    role = Column("role", label=gettext_lazy("role"), widget=RoleValue())
    department = Column("department", label=gettext_lazy("department"), widget=DepartmentPath())
    supervisor = Column(
        "supervisor",
        label=gettext_lazy("supervisor"),
        widget=user_lookup(
            gettext_lazy("No user “%(value)s”: a supervisor must exist before the import.")
        ),
    )
    email = Column("email", label=gettext_lazy("e-mail"))
    phone = Column("phone", label=gettext_lazy("phone"))

    class Meta(CrmResource.Meta):
        model = User
        fields = ("username", "full_name", "role", "department", "supervisor", "email", "phone")
        export_order = fields

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        forget_trees(self.fields)
        self._bosses: dict[int, int | None] | None = None

    def existing_queryset(self):
        return User.objects.select_related("role", "department", "supervisor")

    def after_init_instance(self, instance, new, row, **kwargs):
        if new:
            instance.set_unusable_password()  # the admin sets one; never from a file
        super().after_init_instance(instance, new, row, **kwargs)

    def row_rules(self, instance) -> dict:
        if instance.pk is not None and self.values_of(instance) == self._before:
            return {}  # listed unchanged (an export read back): nothing to refuse
        if instance.is_superuser:
            return {NON_FIELD_ERRORS: [_("A superuser cannot be changed by an import.")]}
        if instance.pk is not None and instance.pk == self.user.pk:
            return {NON_FIELD_ERRORS: [_("Your own account cannot be changed by an import.")]}
        if instance.supervisor_id is None or instance.pk is None:
            return {}  # a new user is nobody's supervisor yet: no loop
        if self._forms_a_loop(instance):
            return {"supervisor": [_("This supervisor reports to the user: that would be a loop.")]}
        return {}

    def _forms_a_loop(self, instance) -> bool:
        """Walk up from the new supervisor, with the file's earlier rows applied; the whole
        reporting line is read once per import (users are few), never one query a row."""
        if self._bosses is None:
            self._bosses = dict(User.objects.values_list("pk", "supervisor_id"))
        bosses = self._bosses
        seen, boss = set(), instance.supervisor_id
        while boss is not None and boss not in seen:
            if boss == instance.pk:
                return True
            seen.add(boss)
            boss = bosses.get(boss)
        bosses[instance.pk] = instance.supervisor_id
        return False

    @classmethod
    def export_queryset(cls, user):
        forget_trees(cls.fields)
        return user_list(user=user).select_related("supervisor").order_by("username")


def register() -> None:
    """The organization's kinds, after the base data in the import menu."""
    from apps.imports.catalog import ImportKind
    from crm import hooks

    for order, kind in enumerate(
        [
            ImportKind("departments", gettext_lazy("Departments"), DepartmentResource),
            ImportKind("users", gettext_lazy("Users"), UserResource),
        ],
        start=70,
    ):
        hooks.register("imports.kind", kind, key=kind.key, order=order)


__all__ = ["DepartmentResource", "UserResource", "register"]
