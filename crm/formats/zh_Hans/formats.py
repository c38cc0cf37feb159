"""Chinese formats of SPEC §7 ("2007年12月06日", "2007年12月06日 16时09分08秒") and money grouped
by thousands ("21,600.00"), as Chinese finance documents write it."""

from django.conf.locale.zh_Hans.formats import *  # noqa: F403

DATE_FORMAT = SHORT_DATE_FORMAT = "Y年m月d日"
DATETIME_FORMAT = "Y年m月d日 H时i分s秒"
SHORT_DATETIME_FORMAT = "Y年m月d日 H:i"
THOUSAND_SEPARATOR = ","
NUMBER_GROUPING = 3
