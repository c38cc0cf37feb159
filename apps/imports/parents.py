"""
Child rows that carry their parent's columns, as a sales system exports orders: one file row
per order line, the order's number, customer, date and address repeated on each. The first
row of a parent creates or updates it; its other rows must repeat the same values. Parents are
written before their children (in bulk) and noted for undo like any imported row.
"""

from django.core.exceptions import ValidationError
from django.core.management.color import no_style
from django.db import connection, models, transaction
from django.utils.translation import gettext as _

from apps.imports.records import Record, comparable, fingerprint, plain
from apps.imports.widgets import CHUNK


class ParentRowsMixin:
    """
    For a CrmResource. Subclasses set `parent_model`, `parent_field` (the child's foreign
    key), `parent_key` (the column holding the parent's id) and `parent_columns`
    ({column: parent field}); the parent's id comes from the file (an external number).
    """

    parent_model: type[models.Model]
    parent_field = ""
    parent_key = ""
    parent_columns: dict[str, str] = {}
    parent_conflict = ""  # message with %(row)s

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.parents: dict = {}  # by id: the stored ones, then those of the file
        self.parent_rows: dict = {}  # id -> the file row that set it
        self.new_parents: list = []
        self.changed_parents: list = []

    def before_import(self, dataset, **kwargs):
        super().before_import(dataset, **kwargs)
        ids = set()
        if self.parent_key in (dataset.headers or []):
            position = dataset.headers.index(self.parent_key)
            for row in dataset:
                try:
                    ids.add(self.fields[self.parent_key].clean({self.parent_key: row[position]}))
                except ValueError:
                    continue
        ordered = sorted(ids - {None})
        for start in range(0, len(ordered), CHUNK):
            for parent in self.parent_queryset().filter(pk__in=ordered[start : start + CHUNK]):
                self.parents[parent.pk] = parent

    def parent_queryset(self):
        return self.parent_model._default_manager.all()

    def import_instance(self, instance, row, **kwargs):
        try:
            setattr(
                instance, self.parent_field, self._parent_of(row, self.line(kwargs["row_number"]))
            )
        except ValidationError as error:
            errors = error.message_dict
            try:  # the row's own columns are reported too
                super().import_instance(instance, row, **kwargs)
            except ValidationError as more:
                errors = more.update_error_dict(errors)
            raise ValidationError(errors) from None
        super().import_instance(instance, row, **kwargs)

    def _values(self, row) -> tuple:
        """The parent's id and field values on this row; errors name the file's columns."""
        errors, values = {}, {}
        for column in (self.parent_key, *self.parent_columns):
            try:
                values[column] = self.fields[column].clean(row)
            except ValueError as error:
                errors[column] = [str(error)]
                continue
            if values[column] in (None, ""):
                errors[column] = [_("This field cannot be blank.")]
        if errors:
            raise ValidationError(errors)
        key = values.pop(self.parent_key)
        return key, {self.parent_columns[column]: value for column, value in values.items()}

    def _same(self, parent, values: dict) -> bool:
        for name, value in values.items():
            stored = getattr(parent, self.parent_model._meta.get_field(name).attname)
            value = value.pk if isinstance(value, models.Model) else value
            if comparable(stored) != comparable(value):
                return False
        return True

    def _parent_of(self, row, line: int):
        key, values = self._values(row)
        parent = self.parents.get(key)
        if key in self.parent_rows:
            if not self._same(parent, values):
                raise ValidationError(
                    {self.parent_key: [self.parent_conflict % {"row": self.parent_rows[key]}]}
                )
            return parent
        if parent is None:
            parent = self.parent_model(pk=key, **values)
            self._check_parent(parent)
            self.new_parents.append((line, parent))
        elif not self._same(parent, values):
            if not self.policy.can(self.user, "import", parent):
                raise ValidationError(self.scope_error(parent))
            meta = self.parent_model._meta
            before = {
                meta.get_field(n).attname: getattr(parent, meta.get_field(n).attname)
                for n in values
            }
            for name, value in values.items():
                setattr(parent, name, value)
            parent.updated_at = self.now
            self._check_parent(parent)
            self.changed_parents.append((line, parent, before))
        self.parents[key], self.parent_rows[key] = parent, line
        return parent

    def _check_parent(self, parent) -> None:
        relations = [f.name for f in parent._meta.concrete_fields if f.is_relation]
        try:
            parent.full_clean(exclude=relations, validate_unique=False, validate_constraints=False)
        except ValidationError as error:
            column_of = {name: column for column, name in self.parent_columns.items()}
            raise ValidationError(
                {
                    column_of.get(name, self.parent_key): messages
                    for name, messages in error.message_dict.items()
                }
            ) from None
        if not self.policy.can(self.user, "import", parent):
            raise ValidationError(self.scope_error(parent))

    def allowed(self, instance) -> bool:
        return self.policy.can(self.user, "import", getattr(instance, self.parent_field))

    def _flush_parents(self, dry_run: bool) -> None:
        """Parents before their children: the children's foreign key needs them stored."""
        new, self.new_parents = self.new_parents, []
        changed, self.changed_parents = self.changed_parents, []
        if dry_run:  # as CrmResource.bulk_create: a dry run writes nothing
            return
        manager = self.parent_model._default_manager
        manager.bulk_create([parent for _line, parent in new])
        if changed:
            names = [*self.parent_columns.values(), "updated_at"]
            manager.bulk_update([parent for _line, parent, _before in changed], names)
        label = self.model_label(self.parent_model)
        for line, parent in new:
            self.records.append(Record("c", label, parent.pk, line, fingerprint(parent)))
        for line, parent, before in changed:
            previous = {attname: plain(value) for attname, value in before.items()}
            self.records.append(Record("u", label, parent.pk, line, fingerprint(parent), previous))

    def _flush_parents_safely(self, dry_run, raise_errors, result) -> None:
        try:
            with transaction.atomic():  # a failed statement must not spoil the transaction
                self._flush_parents(dry_run)
        except Exception as error:  # as the library treats a failed bulk write of children
            self.handle_import_error(result, error, raise_errors)

    def bulk_create(self, using_transactions, dry_run, raise_errors, batch_size=None, result=None):
        self._flush_parents_safely(dry_run, raise_errors, result)
        super().bulk_create(using_transactions, dry_run, raise_errors, batch_size, result)

    def bulk_update(self, using_transactions, dry_run, raise_errors, batch_size=None, result=None):
        self._flush_parents_safely(dry_run, raise_errors, result)
        super().bulk_update(using_transactions, dry_run, raise_errors, batch_size, result)

    def after_import(self, dataset, result, **kwargs):
        if not kwargs.get("dry_run") and self.records:
            # The ids came from another system: keep the table's sequence above them.
            with connection.cursor() as cursor:
                for sql in connection.ops.sequence_reset_sql(no_style(), [self.parent_model]):
                    cursor.execute(sql)
