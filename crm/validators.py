"""
The format checks of SPEC §7 for contact data: postcode, phone and fax numbers, website. They
sit on the model fields, so every way in (forms, services, imports) applies them whenever a
value is given; an empty optional field is never checked.
"""

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator, URLValidator
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _

validate_postcode = RegexValidator(
    r"^\d{6}$", _("Enter a postcode of 6 digits, e.g. 100020."), code="invalid_postcode"
)

# Digits with the usual separators, at least five digits, an optional extension ("转 123").
validate_phone = RegexValidator(
    r"^\+?(?=(?:\D*\d){5})[\d ()\-]+(?:\s*(?:转|ext\.?|x)\s*\d{1,6})?$",
    _("Enter a phone number of digits, e.g. 010-88886666 or 13800000000."),
    code="invalid_phone",
)


@deconstructible
class WebsiteValidator:
    """A web address, with or without http(s):// (www.example.com.cn)."""

    message = _("Enter a website address, e.g. www.example.com.cn.")
    code = "invalid_website"
    url = URLValidator(schemes=["http", "https"])

    def __call__(self, value: str) -> None:
        address = value if "://" in value else f"http://{value}"
        try:
            self.url(address)
        except ValidationError:
            raise ValidationError(self.message, code=self.code) from None

    def __eq__(self, other) -> bool:
        return isinstance(other, WebsiteValidator)


validate_website = WebsiteValidator()
