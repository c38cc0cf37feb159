import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DatabaseError, transaction

from apps.rbac.models import AuditEvent, Right, Role, User
from apps.rbac.services import (
    rbac_sync_defaults,
    role_set_rights,
    role_update,
    user_create,
    user_set_active,
    user_update,
)
from crm.exceptions import DomainError

pytestmark = pytest.mark.django_db


def test_user_create_saves_hashed_password_and_audits(admin_user):
    role = Role.objects.get(code="account_manager")

    user = user_create(
        actor=admin_user,
        username="wang",
        password="Long-enough-pass-42",
        full_name="王经理",
        role=role,
    )

    assert user.check_password("Long-enough-pass-42")
    event = AuditEvent.objects.get(action="rbac.user.create", object_id=str(user.pk))
    assert event.actor == admin_user
    assert event.data["username"] == "wang"
    assert "password" not in event.data


def test_user_create_rejects_weak_password_and_writes_nothing(admin_user):
    with pytest.raises(ValidationError):
        user_create(actor=admin_user, username="weak", password="123456")

    assert not User.objects.filter(username="weak").exists()
    assert not AuditEvent.objects.exists()


def test_user_create_is_refused_to_a_sales_manager(sales_manager):
    with pytest.raises(PermissionDenied):
        user_create(actor=sales_manager, username="x", password="Long-enough-pass-42")
    assert not User.objects.filter(username="x").exists()


def test_user_update_records_which_fields_changed(admin_user, account_manager):
    user_update(actor=admin_user, user_id=account_manager.pk, full_name="李四")

    event = AuditEvent.objects.get(action="rbac.user.update")
    assert event.changes == {"full_name": [account_manager.full_name, "李四"]}


def test_user_disable_is_audited_as_the_logical_delete(admin_user, account_manager):
    user_set_active(actor=admin_user, user_id=account_manager.pk, active=False)

    account_manager.refresh_from_db()
    assert account_manager.is_active is False
    event = AuditEvent.objects.get(action="rbac.user.disable")
    assert (event.actor, event.changes) == (admin_user, {"is_active": [True, False]})


def test_admin_cannot_disable_himself(admin_user, user_of):
    user_of("admin")  # another admin exists, so only the self-rule can refuse
    with pytest.raises(DomainError):
        user_set_active(actor=admin_user, user_id=admin_user.pk, active=False)
    admin_user.refresh_from_db()
    assert admin_user.is_active


def test_the_last_active_admin_cannot_lose_his_role(admin_user, user_of):
    other = user_of("admin")
    user_set_active(actor=admin_user, user_id=other.pk, active=False)
    executive_role = Role.objects.get(code="executive")

    with pytest.raises(DomainError):
        user_update(actor=admin_user, user_id=admin_user.pk, role=executive_role)

    admin_user.refresh_from_db()
    assert admin_user.role.code == "admin"


def test_the_last_admin_role_cannot_be_disabled(admin_user):
    admin_role = Role.objects.get(code="admin")
    with pytest.raises(DomainError):
        role_update(actor=admin_user, role_id=admin_role.pk, is_active=False)
    admin_role.refresh_from_db()
    assert admin_role.is_active


def test_granting_a_page_grants_its_folder(admin_user):
    role = Role.objects.create(name="客服", name_en="Support")

    role_set_rights(actor=admin_user, role_id=role.pk, right_codes=["L0303"])

    assert set(role.rights.values_list("code", flat=True)) == {"L03", "L0303"}
    event = AuditEvent.objects.get(action="rbac.role.set_rights")
    assert event.changes["rights"] == [[], ["L03", "L0303"]]


def test_sync_is_idempotent_and_keeps_the_admins_changes(admin_user):
    role = Role.objects.get(code="executive")
    role_set_rights(actor=admin_user, role_id=role.pk, right_codes=["L04", "L0401"])

    assert rbac_sync_defaults() == {"new_rights": 0, "new_roles": 0}

    assert set(role.rights.values_list("code", flat=True)) == {"L04", "L0401"}


def test_sync_grants_a_new_right_to_the_roles_whose_defaults_include_it():
    Right.objects.filter(code="L0404").delete()

    rbac_sync_defaults()

    assert Role.objects.get(code="executive").rights.filter(code="L0404").exists()
    assert not Role.objects.get(code="admin").rights.filter(code="L0404").exists()


def test_audit_events_cannot_be_changed_or_deleted(admin_user, account_manager):
    user_update(actor=admin_user, user_id=account_manager.pk, full_name="改名")
    event = AuditEvent.objects.get()

    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).update(action="tampered")
    with pytest.raises(DatabaseError), transaction.atomic():
        event.delete()
    assert AuditEvent.objects.get().action == "rbac.user.update"
