"""The production web server's settings (idvdash/gunicorn_conf.py) and what they refuse."""

import importlib
import os

import pytest

import idvdash.gunicorn_conf


def settings(monkeypatch, **environment):
    for name in ("WEB_CONCURRENCY", "GUNICORN_THREADS", "GUNICORN_TIMEOUT", "GUNICORN_BIND"):
        monkeypatch.delenv(name, raising=False)
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    return importlib.reload(idvdash.gunicorn_conf)


@pytest.fixture(autouse=True)
def _restore(monkeypatch):
    """Leave the module as the real environment makes it."""
    yield
    monkeypatch.undo()
    importlib.reload(idvdash.gunicorn_conf)


def test_defaults_are_two_workers_per_core_plus_one_with_two_threads(monkeypatch):
    conf = settings(monkeypatch)

    assert conf.workers == 2 * (os.cpu_count() or 1) + 1
    assert conf.threads == 2
    assert conf.worker_class == "gthread"
    assert conf.bind == "127.0.0.1:8000"
    assert conf.accesslog is None  # query strings carry reviewers' search text


def test_the_environment_overrides_them(monkeypatch):
    conf = settings(
        monkeypatch,
        WEB_CONCURRENCY="3",
        GUNICORN_THREADS="4",
        GUNICORN_TIMEOUT="90",
        GUNICORN_BIND="0.0.0.0:9000",
    )

    assert (conf.workers, conf.threads, conf.timeout, conf.bind) == (3, 4, 90, "0.0.0.0:9000")


@pytest.mark.parametrize("name", ["WEB_CONCURRENCY", "GUNICORN_THREADS", "GUNICORN_TIMEOUT"])
@pytest.mark.parametrize("value", ["0", "-2", "two", "1.5"])
def test_a_value_that_is_not_a_whole_number_of_one_or_more_stops_start_up(monkeypatch, name, value):
    with pytest.raises(SystemExit) as stopped:
        settings(monkeypatch, **{name: value})

    assert str(stopped.value) == (
        f"idvdash.gunicorn_conf: {name} must be a whole number of 1 or more, not {value!r}"
    )
