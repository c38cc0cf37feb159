import pytest

from apps.jobs import registry
from crm import hooks
from crm.exceptions import DomainError


def echo(context):
    """A job kind for the tests: reports progress, may write a file, may fail."""
    params = context.params
    if params.get("fail") == "domain":
        raise DomainError("该客户不存在")
    if params.get("fail") == "bug":
        raise RuntimeError("SELECT secret FROM somewhere")
    context.progress(1, 2)
    if params.get("file"):
        with context.output(params["file"]) as stream:
            stream.write(b"a,b\n1,2\n")
    return {"echo": params.get("value")}


@pytest.fixture(autouse=True)
def echo_kind():
    kind = registry.JobKind("tests.echo", "Echo", echo, result_url=lambda job: "/result/")
    hooks.register("jobs.kind", kind, key=kind.name)
    yield
    hooks.unregister("jobs.kind", key=kind.name)


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path
