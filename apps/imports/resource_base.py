"""
What every import resource shares (apps/customers/resources.py, apps/basedata/resources.py).

A resource maps the columns of a file to a model (django-import-export) and adds the rules of
this CRM: rows are found by their natural key in one query per 2,000 keys (never one SELECT per
row); foreign keys come from caches filled the same way; a row the importing user may not touch
(the model's policy, action "import") is an invalid row; unchanged rows are skipped; rows are
written in bulk, and each one written is noted so the import can be undone.
"""

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from import_export import fields, resources
from import_export.instance_loaders import BaseInstanceLoader
from import_export.results import Result

from apps.imports.bulk import copy_insert, copy_update
from apps.imports.records import Record, comparable, fingerprint, plain
from apps.imports.widgets import CHUNK, DateTime, Lookup, Text, text

PROGRESS_EVERY = 1000
KEEP = object()  # adjust_value's answer: leave the stored value


class Column(fields.Field):
    """A resource field with the label its header shows (in the user's language)."""

    def __init__(self, attribute=None, *, label, widget=None, readonly=False, required=False):
        super().__init__(attribute=attribute, widget=widget or Text(), readonly=readonly)
        self.label = label
        self.required = required


class LeanResult(Result):
    """Counts and bad rows only: keeping a RowResult per good row costs memory for nothing."""

    def append_row_result(self, row_result):
        pass

    def has_errors(self):
        return bool(self.base_errors or self.error_rows)


class NaturalKeyLoader(BaseInstanceLoader):
    """Finds the existing row of each line of the file by its natural key, loaded in chunks."""

    def __init__(self, resource, dataset=None):
        super().__init__(resource, dataset)
        self.instances = resource.load_existing(dataset)

    def get_instance(self, row):
        key = self.resource.row_key(row)
        self.resource.current_key = key  # after_init_instance needs it again
        return None if key is None else self.instances.get(key)


class CrmResource(resources.ModelResource):
    """
    Subclasses declare Column fields, `kind`, `policy`, `natural_key` (column names) and
    Meta.model / Meta.fields; optionally `row_rules(instance)` and `export_queryset(user)`.
    """

    kind = ""
    policy = None
    natural_key: tuple[str, ...] = ()

    class Meta:
        skip_unchanged = True
        clean_model_instances = True
        skip_diff = True
        skip_html_diff = True
        use_bulk = True
        batch_size = 1000
        report_skipped = False
        instance_loader_class = NaturalKeyLoader

    def __init__(self, *, user=None, line_numbers=None, on_progress=None):
        super().__init__()
        self.user = user
        self.line_numbers = line_numbers
        self.on_progress = on_progress
        self.records: list[Record] = []
        self.now = timezone.now()
        self._seen: dict[tuple, int] = {}
        self._before: tuple | None = None
        self._pending_creates: list[tuple[int, models.Model]] = []
        self.current_key: tuple | None = None
        meta = self._meta.model._meta
        self._writable = [f for f in self.get_import_fields() if not f.readonly and f.attribute]
        self._attnames = [meta.get_field(f.attribute).attname for f in self._writable]
        self._defaults = {
            f.attribute: meta.get_field(f.attribute).get_default()
            for f in self._writable
            if meta.get_field(f.attribute).has_default() and not meta.get_field(f.attribute).null
        }
        self._relations = {f.name for f in meta.concrete_fields if f.is_relation}
        self._not_imported = {f.name for f in meta.concrete_fields} - {
            f.attribute for f in self._writable
        }

    # -- description --------------------------------------------------------------------------

    @classmethod
    def get_result_class(cls):
        return LeanResult

    @classmethod
    def get_import_id_fields(cls):
        return list(cls.natural_key)

    @classmethod
    def columns(cls) -> dict[str, Column]:
        """{column key: field} in file order (Meta.fields)."""
        return {name: cls.fields[name] for name in cls._meta.fields}

    @classmethod
    def required_columns(cls) -> list[str]:
        return [
            key for key, field in cls.fields.items() if field.required or key in cls.natural_key
        ]

    @classmethod
    def model_label(cls, model=None) -> str:
        return (model or cls._meta.model)._meta.label_lower

    def import_fields(self) -> list[fields.Field]:
        return self._writable

    def attnames(self) -> list[str]:
        return self._attnames

    def values_of(self, instance) -> tuple:
        return tuple(getattr(instance, name) for name in self._attnames)

    def line(self, number: int) -> int:
        """The file's row number (header = 1) of the dataset's `number`-th row."""
        if self.line_numbers is None:
            return number + 1
        return self.line_numbers[number - 1]

    # -- finding rows -------------------------------------------------------------------------

    def before_import(self, dataset, **kwargs):
        """Fill the foreign key caches with every key the file names: a few queries in all."""
        headers = list(dataset.headers or [])
        for name, field in self.fields.items():
            widget = field.widget
            if not isinstance(widget, Lookup) or name not in headers:
                continue
            positions = [headers.index(name)] + [
                headers.index(c) if c in headers else None for c in (widget.columns or [])
            ]
            keys = {
                tuple(text(row[p]) if p is not None else "" for p in positions) for row in dataset
            }
            widget.prime(keys, self.lookup_queryset(name, widget))

    def lookup_queryset(self, name, widget):
        """The rows a Lookup column may name; resources narrow it to the user's scope."""
        return widget.queryset

    def row_key(self, row) -> tuple | None:
        """The natural key of a file row as comparable values, None if a part is unreadable."""
        key = []
        for name in self.natural_key:
            field = self.fields[name]
            try:
                value = field.clean(row) if name in row else None
            except (ValueError, ValidationError):
                return None
            value = value.pk if isinstance(value, models.Model) else value
            if value is None or (value == "" and not self._key_may_be_blank(name)):
                return None
            key.append(comparable(value))
        return tuple(key)

    def _key_may_be_blank(self, name: str) -> bool:
        return self._meta.model._meta.get_field(self.fields[name].attribute).blank

    def instance_key(self, instance) -> tuple:
        meta = self._meta.model._meta
        return tuple(
            comparable(getattr(instance, meta.get_field(self.fields[name].attribute).attname))
            for name in self.natural_key
        )

    def load_existing(self, dataset) -> dict[tuple, models.Model]:
        """The stored rows whose natural key appears in the file, by key (chunked queries)."""
        keys = {self.row_key(dict(zip(dataset.headers, row, strict=False))) for row in dataset}
        keys.discard(None)
        first = self._meta.model._meta.get_field(self.fields[self.natural_key[0]].attribute)
        firsts = sorted({key[0] for key in keys}, key=str)
        found = {}
        for start in range(0, len(firsts), CHUNK):
            chunk = firsts[start : start + CHUNK]
            for obj in self.existing_queryset().filter(**{f"{first.attname}__in": chunk}):
                key = self.instance_key(obj)
                if key in keys:
                    found[key] = obj
        return found

    def existing_queryset(self):
        return self._meta.model._default_manager.all()

    # -- one row ------------------------------------------------------------------------------

    def get_instance(self, instance_loader, row):
        self.current_key = None
        return super().get_instance(instance_loader, row)

    def after_init_instance(self, instance, new, row, **kwargs):
        key = self.current_key
        if key is not None:
            first = self._seen.setdefault(key, self.line(kwargs["row_number"]))
            if first != self.line(kwargs["row_number"]):
                raise ValidationError(
                    {
                        NON_FIELD_ERRORS: _("This row repeats row %(row)s (same key).")
                        % {"row": first}
                    }
                )
        self._before = None if new else self.values_of(instance)
        if not new and not self.allowed(instance):
            raise ValidationError(self.scope_error(instance))

    def import_instance(self, instance, row, **kwargs):
        """Each cell through its widget onto the instance (the library's loop, without its
        per-cell layers: this runs for every cell of the file)."""
        errors = {}
        for field in self._writable:
            if field.column_name not in row:
                continue
            try:
                value = field.widget.clean(row[field.column_name], row=row)
            except ValueError as error:
                errors[field.attribute] = ValidationError(str(error), code="invalid")
                continue
            value = self.adjust_value(field, instance, value)
            if value is not KEEP:
                setattr(instance, field.attribute, value)
        if errors:
            raise ValidationError(errors)

    def adjust_value(self, field, instance, value):
        """An empty cell of a field that cannot be empty means its default for a new row and
        no change for a stored one; a time equal to the stored one to the second keeps the
        stored instant (a file shows whole seconds)."""
        if value is None and field.attribute in self._defaults:
            return KEEP if self._before is not None else self._defaults[field.attribute]
        if self._before is not None and value is not None and isinstance(field.widget, DateTime):
            stored = getattr(instance, field.attribute)
            if stored is not None and comparable(stored) == comparable(value):
                return KEEP
        return value

    def skip_row(self, instance, original, row, import_validation_errors=None):
        if import_validation_errors or self._before is None:
            return False
        return self.values_of(instance) == self._before

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True):
        errors = dict(import_validation_errors or {})
        relations = self._relations
        try:
            # Foreign keys were found through the caches; uniqueness by the natural key; the
            # database's checks by the field validators and row_rules: no query per row.
            # Fields the file does not set keep valid values: they are not checked again.
            instance.full_clean(
                exclude=set(errors) | relations | self._not_imported,
                validate_unique=False,
                validate_constraints=False,
            )
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        for name in relations - set(errors) - self._not_imported:
            field = instance._meta.get_field(name)
            if not field.null and getattr(instance, field.attname) is None:
                errors[name] = [_("This field cannot be blank.")]
        if not errors:
            errors = self.row_rules(instance)
        if not errors and not self.allowed(instance):
            errors = self.scope_error(instance)
        if errors:
            raise ValidationError(errors)

    def row_rules(self, instance) -> dict:
        """Rules beyond the fields' own validators: {field name: [message]}."""
        return {}

    def allowed(self, instance) -> bool:
        """The row rule of the model's policy (apps.rbac.policies), action "import"."""
        return self.policy.can(self.user, "import", instance)

    def scope_error(self, instance) -> dict:
        return {NON_FIELD_ERRORS: [_("You may not import this row.")]}

    def after_import_row(self, row, row_result, **kwargs):
        number = kwargs.get("row_number", 0)
        if self.on_progress and number % PROGRESS_EVERY == 0:
            self.on_progress(number)

    # -- writing ------------------------------------------------------------------------------

    def save_instance(self, instance, is_create, row, **kwargs):
        line = self.line(kwargs["row_number"])
        if is_create:
            self._pending_creates.append((line, instance))
        else:
            if hasattr(instance, "updated_at"):
                instance.updated_at = self.now  # bulk_update does not run auto_now
            if not kwargs.get("dry_run"):
                self._note_update(instance, line)
        super().save_instance(instance, is_create, row, **kwargs)

    def _note_update(self, instance, line: int) -> None:
        previous = dict(zip(self._attnames, (plain(v) for v in self._before), strict=True))
        self.records.append(
            Record("u", self.model_label(), instance.pk, line, fingerprint(instance), previous)
        )

    def bulk_create(self, using_transactions, dry_run, raise_errors, batch_size=None, result=None):
        """
        The new rows of the last thousand, by COPY; each noted for undo. A dry run writes
        nothing: every rule is checked in Python before a row would be written, so the
        preview costs no write and no rollback.
        """
        pending, self._pending_creates = self._pending_creates, []
        instances, self.create_instances = self.create_instances, []
        if dry_run or not self._write(copy_insert, instances, result, raise_errors):
            return
        for line, instance in pending:
            self.records.append(
                Record("c", self.model_label(), instance.pk, line, fingerprint(instance))
            )

    def bulk_update(self, using_transactions, dry_run, raise_errors, batch_size=None, result=None):
        instances, self.update_instances = self.update_instances, []
        if not dry_run:
            self._write(copy_update, instances, result, raise_errors, self.get_bulk_update_fields())

    def _write(self, write, instances, result, raise_errors, *args) -> bool:
        if not instances:
            return True
        try:
            with transaction.atomic():  # a failed statement must not spoil the transaction
                write(self._meta.model, instances, *args)
        except Exception as error:  # reported as the library reports a failed bulk write
            self.handle_import_error(result, error, raise_errors)
            return False
        return True

    def get_bulk_update_fields(self):
        names = [f.attribute for f in self.import_fields() if f.attribute not in self.key_attrs()]
        if any(f.name == "updated_at" for f in self._meta.model._meta.concrete_fields):
            names.append("updated_at")
        return names

    def key_attrs(self) -> set[str]:
        return {self.fields[name].attribute for name in self.natural_key}

    def after_import(self, dataset, result, **kwargs):
        """Nothing: ModelResource's sequence reset reads the row results this class drops."""

    @classmethod
    def export_queryset(cls, user):
        """The rows `user` may see, as the import format exports them."""
        raise NotImplementedError
