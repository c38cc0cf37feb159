"""
Pagination of the list pages at scale: a capped count instead of an exact COUNT(*) over a
million rows on every request.

The paginator counts at most `cap` + 1 rows (`SELECT COUNT(*) FROM (SELECT … LIMIT cap + 1)`),
which stops as soon as the cap is passed. Under the cap the total is exact (a user scoped to a
few thousand rows sees it); over it the page says "more than 10,000 records" and the
navigation goes on page by page: each page fetches one row more than it shows to know whether
a next page exists. Asking for the last page of such a list (page=last) counts exactly, once,
because the user asked for it.
"""

import math
from functools import cached_property

from django.conf import settings
from django.core.paginator import EmptyPage, InvalidPage, Page, PageNotAnInteger, Paginator
from django.utils.formats import number_format

DEFAULT_COUNT_CAP = 10_000
WINDOW = 2  # page numbers shown on each side of the current one
DEFERRED_JOIN_OFFSET = 500  # from this many skipped rows on, a page is fetched by its pks


def count_cap() -> int:
    return getattr(settings, "CRM_LIST_COUNT_CAP", DEFAULT_COUNT_CAP)


class CappedPage(Page):
    """A page that may know whether a next page exists without the total."""

    def __init__(self, object_list, number, paginator, has_next=None):
        super().__init__(object_list, number, paginator)
        self._has_next = has_next

    def has_next(self) -> bool:
        if self._has_next is None:
            return super().has_next()
        return self._has_next

    def end_index(self) -> int:
        return (self.number - 1) * self.paginator.per_page + len(self.object_list)

    @cached_property
    def page_window(self) -> list[int]:
        """The page numbers around this one that surely exist (for the numbered links)."""
        paginator = self.paginator
        last_known = paginator.num_pages
        if not paginator.exact:
            last_known = max(
                last_known if self.number <= last_known else 0,
                self.number + (1 if self.has_next() else 0),
            )
        first = max(1, self.number - WINDOW)
        return list(range(first, min(last_known, self.number + WINDOW) + 1))


class CappedCountPaginator(Paginator):
    """
    A Paginator whose `count` is exact up to `cap` rows and `cap` + 1 beyond (`exact` says
    which). Over the cap, any page number is accepted and a page past the end is empty
    (EmptyPage, a 404 for the list views); `num_pages` is then the pages the cap covers.
    """

    def __init__(self, object_list, per_page, orphans=0, allow_empty_first_page=True, cap=None):
        super().__init__(object_list, per_page, orphans, allow_empty_first_page)
        self.cap = count_cap() if cap is None else cap

    @cached_property
    def count(self) -> int:
        rows = self.object_list
        if hasattr(rows, "query") and hasattr(rows, "order_by"):
            # A LIMITed subquery: the database stops counting once the cap is passed. Only the
            # pk is selected, so the computed columns of the list are not evaluated per row.
            if not rows.query.distinct:
                rows = rows.values("pk")
            return rows.order_by()[: self.cap + 1].count()
        return min(len(rows), self.cap + 1)

    @property
    def exact(self) -> bool:
        return self.count <= self.cap

    @property
    def cap_display(self) -> str:
        return number_format(self.cap, force_grouping=True)

    def exact_count(self) -> int:
        """The full COUNT(*): only when the user asks for the last page of a long list."""
        if self.exact:
            return self.count
        rows = self.object_list
        total = rows.order_by().count() if hasattr(rows, "query") else len(rows)
        self.__dict__["count"] = total
        self.cap = max(self.cap, total)
        self.__dict__.pop("num_pages", None)
        return total

    def validate_number(self, number):
        if self.exact:
            return super().validate_number(number)
        try:
            if isinstance(number, float) and not number.is_integer():
                raise ValueError
            number = int(number)
        except (TypeError, ValueError) as error:
            raise PageNotAnInteger(self.error_messages["invalid_page"]) from error
        if number < 1:
            raise EmptyPage(self.error_messages["min_page"])
        return number

    def page(self, number):
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        if self.exact:
            top = min(bottom + self.per_page, self.count)
            if top + self.orphans >= self.count:
                top = self.count
            return CappedPage(self.rows(bottom, top), number, self)
        rows = self.rows(bottom, bottom + self.per_page + 1)
        if not rows and number > 1:
            raise EmptyPage(self.error_messages["no_results"])
        return CappedPage(rows[: self.per_page], number, self, has_next=len(rows) > self.per_page)

    def rows(self, bottom: int, top: int) -> list:
        """
        Rows bottom..top. Deep in a long list, the page's pks are found first and the rows
        fetched by pk: the skipped rows then cost an index entry each, not the computed
        columns (subqueries of the select list) PostgreSQL would evaluate for them too.
        """
        rows = self.object_list
        if bottom < DEFERRED_JOIN_OFFSET or not hasattr(rows, "values_list"):
            return list(rows[bottom:top])
        pks = list(rows.values_list("pk", flat=True)[bottom:top])
        by_pk = {row.pk: row for row in rows.filter(pk__in=pks).order_by()}
        return [by_pk[pk] for pk in pks if pk in by_pk]

    @cached_property
    def num_pages(self) -> int:
        if self.count == 0 and not self.allow_empty_first_page:
            return 0
        hits = max(1, self.count - self.orphans)
        return math.ceil(hits / self.per_page)


__all__ = ["CappedCountPaginator", "CappedPage", "InvalidPage", "count_cap"]
