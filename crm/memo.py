"""
Process-local memory for what the frame computes on every request from data that rarely
changes (a role's permissions and menu, a user's data-scope owners): `Memo.get(key, compute)`.

Every key must carry a version read from PostgreSQL in the same request (the access version
of apps.rbac.models.version, read with the signed-in user), so an entry can never outlive a
change: after the change's commit the next request reads a new version, misses, and computes
afresh; old entries age out of the LRU. A key without a version (None) is never stored. Nothing
is stored while a transaction is open on the connection: a computation inside a write could
keep data that the transaction later rolls back.

Per process and bounded, so gunicorn workers need no shared cache and memory stays flat.
"""

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from contextvars import ContextVar

from django.db import connection

_MISSING = object()

# The access version of the request being served (crm.middleware.FrameVersionMiddleware sets it
# from the signed-in user): for memos of data that no user decides, such as the dictionary's
# choices. None outside a request (jobs, commands, shells): nothing is kept there.
request_version: ContextVar[int | None] = ContextVar("crm_request_version", default=None)
_ALL: list["Memo"] = []


def _in_transaction() -> bool:
    """A transaction of the code is open (the test case's own atomic blocks don't count)."""
    return any(not block._from_testcase for block in connection.atomic_blocks)


class Memo:
    def __init__(self, name: str, size: int = 2048):
        self.name, self.size = name, size
        self._entries: OrderedDict = OrderedDict()
        self._lock = threading.Lock()
        _ALL.append(self)

    def get(self, key: Hashable, compute: Callable, *, version=_MISSING) -> object:
        """The value of `key` at `version` (default: the request's), computed by `compute()`
        when not kept."""
        if version is _MISSING:
            version = request_version.get()
        if version is None or _in_transaction():
            return compute()
        full = (version, key)
        with self._lock:
            value = self._entries.get(full, _MISSING)
            if value is not _MISSING:
                self._entries.move_to_end(full)
                return value
        value = compute()
        with self._lock:
            self._entries[full] = value
            while len(self._entries) > self.size:
                self._entries.popitem(last=False)
        return value

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()

    def __len__(self) -> int:
        return len(self._entries)


def clear_all() -> None:
    """Forget every memo (tests: a rolled-back transaction may reuse a version number)."""
    for memo in _ALL:
        memo.clear()
