"""
为什么能看到 / 看不到: the sentences of apps.rbac.policies.Policy.explain(). The policy runs its
one decision (`_decide`) and tells a Teller each step it takes; the Teller only words the step
(the role's right, the data scope, the departments of the user and of the owner, the share),
so the explanation cannot drift from the decision.
"""

from django.apps import apps
from django.utils import formats
from django.utils.translation import gettext as _

from apps.rbac.policies import data_scope_of, subordinate_ids

MAX_CHAIN = 50  # supervisors walked up from an owner to the user, at most


def right_label(permission: str, default: str | None = None) -> str | None:
    """The label of the right that carries `permission` in the rights tree, else `default`
    (the code itself when no default is given)."""
    right = apps.get_model("rbac.Right").objects.filter(permission=permission).first()
    return right.label if right else (permission if default is None else default)


def department_path(department) -> str:
    """华东区 / 上海分公司 / 销售一部; "no department" when there is none."""
    if department is None:
        return _("no department")
    ancestors = type(department).objects.get_ancestors(department)
    return " / ".join(d.label for d in [*ancestors, department])


def _user_model():
    return apps.get_model("rbac.User")


class Teller:
    """Collects the sentences of one decision of `policy` for (user, action, obj)."""

    def __init__(self, policy, user, action: str, obj=None):
        self.policy, self.user, self.action, self.obj = policy, user, action, obj
        self.sentences: list[str] = []
        self.every_row = False  # a superuser or an all-right: no row rule applies

    def say(self, text: str) -> None:
        self.sentences.append(text)

    @property
    def record(self) -> str:
        return str(self.policy.model._meta.verbose_name)

    @property
    def name(self) -> str:
        return getattr(self.user, "display_name", None) or _("An anonymous visitor")

    def _role(self) -> str:
        role = getattr(self.user, "role", None)
        return role.label if role is not None else ""

    # -- the steps of Policy._decide --------------------------------------------------------

    def inactive(self) -> None:
        self.say(
            _("%(user)s is disabled or not signed in: nothing is allowed.") % {"user": self.name}
        )

    def superuser(self) -> None:
        self.every_row = True
        self.say(_("%(user)s is a superuser: everything is allowed.") % {"user": self.name})

    def all_right(self) -> None:
        self.every_row = True
        self.say(
            _("The role “%(role)s” has the right “%(right)s”, which covers every record.")
            % {"role": self._role(), "right": right_label(self.policy.permission_all(self.action))}
        )

    def feature_right(self, granted: bool) -> None:
        right = right_label(self.policy.permission(self.action))
        every = right_label(self.policy.permission_all(self.action), default="")
        if self.user.role_id and every:
            self.say(
                _("The role “%(role)s” does not have the right “%(right)s”.")
                % {"role": self._role(), "right": every}
            )
        if not self.user.role_id:
            self.say(_("%(user)s has no role, so no right.") % {"user": self.name})
        elif granted:
            self.say(
                _("The role “%(role)s” has the right “%(right)s”.")
                % {"role": self._role(), "right": right}
            )
        else:
            self.say(
                _("The role “%(role)s” does not have the right “%(right)s”.")
                % {"role": self._role(), "right": right}
            )

    def no_row_rule(self) -> None:
        self.say(_("This right covers every %(record)s: no owner rule applies.") % self._names())

    def scope(self, owners) -> None:
        policy = self.policy
        if policy.module is None or self.action in policy.personal:
            self.say(_("Only his own records count for this action."))
            return
        scope_model = apps.get_model("rbac.DataScope")
        scope = data_scope_of(self.user, policy.module)
        self.say(
            _("The role's data scope in %(module)s is “%(scope)s”.")
            % {
                "module": scope_model.Module(policy.module).label,
                "scope": scope_model.Scope(scope).label,
            }
        )
        if owners is None:
            self.say(_("That covers every record."))

    def owners(self, fields, owned) -> None:
        self.say(
            _("%(user)s belongs to %(path)s.")
            % {"user": self.name, "path": department_path(self.user.department)}
        )
        for path in fields:
            owner = _owner(self.obj, path)
            self.say(
                _("Its %(field)s is %(owner)s: %(relation)s.")
                % {
                    "field": _field_label(self.policy.model, path),
                    "owner": owner.display_name if owner else _("nobody"),
                    "relation": self.relation(owner),
                }
            )
        if owned:
            self.say(_("So the %(record)s is within his data scope.") % self._names())
        else:
            self.say(_("So the %(record)s is outside his data scope.") % self._names())

    def share(self, shared: bool) -> None:
        policy = self.policy
        if policy.shared_model is None:
            self.say(_("Such records are not shared one by one."))
            return
        share = policy.share_of(self.user, self.obj, any_state=True)
        record = str(policy.shared_model._meta.verbose_name)
        if share is None:
            self.say(_("The %(record)s is not shared with him.") % {"record": record})
            return
        if share.expired:
            self.say(
                _("The %(record)s was shared with him until %(date)s: that share has expired.")
                % {"record": record, "date": formats.date_format(share.until, "SHORT_DATE_FORMAT")}
            )
            return
        until = (
            _("until %(date)s") % {"date": formats.date_format(share.until, "SHORT_DATE_FORMAT")}
            if share.until
            else _("without end date")
        )
        self.say(
            _("%(by)s shared the %(record)s with him (%(access)s, %(until)s).")
            % {
                "by": share.created_by.display_name if share.created_by else _("system"),
                "record": record,
                "access": share.get_access_display(),
                "until": until,
            }
        )
        if not shared:
            self.say(_("That share does not allow this action."))

    def finish(self, allowed: bool) -> None:
        self.say(_("Answer: allowed.") if allowed else _("Answer: not allowed."))

    def list_scope(self) -> None:
        """For a list (no record): how far the rows reach, from the same owner_ids()."""
        policy = self.policy
        if self.every_row:
            return
        if not policy.owner_fields(self.action):
            self.no_row_rule()
            return
        owners = policy.owner_ids(self.user, self.action)
        self.scope(owners)
        self.say(
            _("%(user)s belongs to %(path)s.")
            % {"user": self.name, "path": department_path(self.user.department)}
        )
        if owners is not None:
            self.say(
                _("The list shows the records of %(count)s users, and those shared with him.")
                % {"count": len(owners)}
            )

    # -- wording ----------------------------------------------------------------------------

    def _names(self) -> dict:
        return {"record": self.record}

    def relation(self, owner) -> str:
        """How the owner relates to the user, as the data scopes see it."""
        user = self.user
        if owner is None:
            return _("the record has no owner")
        if owner.pk == user.pk:
            return _("himself")
        if owner.pk in subordinate_ids(user.pk):
            return _("his subordinate through %(chain)s") % {"chain": _chain(user, owner)}
        place = department_path(owner.department)
        if user.department_id and owner.department_id == user.department_id:
            return _("in the same department (%(path)s)") % {"path": place}
        if (
            user.department_id
            and owner.department_id
            and owner.department.path.startswith(user.department.path)
        ):
            return _("in a department below his (%(path)s)") % {"path": place}
        return _("in another department (%(path)s)") % {"path": place}


def _chain(user, owner) -> str:
    """user → A → owner, walking the owner's supervisors up to the user."""
    names, current = [owner.display_name], owner
    for _step in range(MAX_CHAIN):
        if current.supervisor_id is None or current.supervisor_id == user.pk:
            break
        current = _user_model().objects.get(pk=current.supervisor_id)
        names.append(current.display_name)
    return " → ".join([user.display_name, *reversed(names)])


def _owner(obj, path: str):
    for hop in path.split("__"):
        obj = getattr(obj, hop, None)
        if obj is None:
            return None
    return obj


def _field_label(model, path: str) -> str:
    *hops, last = path.split("__")
    for hop in hops:
        model = model._meta.get_field(hop).related_model
    return str(model._meta.get_field(last).verbose_name)
