"""The years present in the orders (the contribution report's year filter), kept as a snapshot
so that the filter form costs no scan of the orders while they do not change."""

from apps.reports import selectors


def build(snapshot, params, progress) -> None:
    snapshot.payload["years"] = selectors.order_years()
