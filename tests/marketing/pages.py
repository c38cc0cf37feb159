"""Helpers of the marketing page tests."""

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


def shown(response, prefix: str) -> set[int]:
    """The chance ids of the rows on a list page (data-testid="<prefix>-<pk>")."""
    html = response.content.decode()
    return {int(part.split('"')[0]) for part in html.split(f'data-testid="{prefix}-')[1:]}
