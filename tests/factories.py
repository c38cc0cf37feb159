"""factory_boy factories shared by the test suite."""

import factory
from django.contrib.contenttypes.models import ContentType
from factory.django import DjangoModelFactory

from apps.basedata.models import DictItem, Product
from apps.customers.models import Customer
from apps.rbac.models import RecordShare, Role, User


class UserFactory(DjangoModelFactory):
    """A user of one of the built-in roles: UserFactory(role="account_manager")."""

    class Meta:
        model = User

    username = factory.Sequence(lambda n: f"user{n}")
    full_name = factory.Faker("name", locale="zh_CN")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.com")
    password = "correct-horse-battery"

    @classmethod
    def _create(cls, model_class, *args, role=None, **kwargs):
        if isinstance(role, str):
            role = Role.objects.get(code=role)
        return model_class.objects.create_user(*args, role=role, **kwargs)


class CustomerFactory(DjangoModelFactory):
    class Meta:
        model = Customer

    number = factory.Sequence(lambda n: f"KH20260101{n:03d}")
    name = factory.Faker("company", locale="zh_CN")
    manager = factory.SubFactory(UserFactory, role="account_manager")


class DictItemFactory(DjangoModelFactory):
    class Meta:
        model = DictItem

    type = DictItem.REGION
    item = factory.Sequence(lambda n: f"地区{n}")
    value = factory.LazyAttribute(lambda d: d.item)


class ProductFactory(DjangoModelFactory):
    class Meta:
        model = Product

    name = factory.Sequence(lambda n: f"产品{n}")
    model = "X1"
    unit = "台"
    price = 100


def share(obj, user, access: str = "read", until=None) -> RecordShare:
    """
    协作 as data: `obj` (a customer, sales chance or service ticket) shared with `user`,
    "read" or "write", optionally until a date. The one way tests share a record (the pages go
    through apps.rbac.services.sharing.share_record).
    """
    share, _ = RecordShare.objects.update_or_create(
        content_type=ContentType.objects.get_for_model(obj),
        object_id=obj.pk,
        user=user,
        defaults={"access": access, "until": until},
    )
    return share
