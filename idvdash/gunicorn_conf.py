"""gunicorn's settings for idvdash: `gunicorn -c python:idvdash.gunicorn_conf`.

The production server and the load test (`make loadtest`) start from these, so what
is measured is what is deployed. Each value can be changed from the environment.

Pages are CPU-bound Python, so parallel requests need processes, not threads: one
GIL per worker, 2 x cores + 1 workers (gunicorn's own advice). Two threads per
worker keep a worker answering while one of its requests waits on a provider (the
live iDenfy fragments; their budget is at most a few seconds, see verifications/live.py).
With 20 reviewers and no sync on 2 cores, p95 was 1.25 times one reviewer's with
these settings, 1.47 and 1.60 times with 2 workers x 4 threads
(`python -m tools.loadtest --without-sync [--workers 2 --threads 4]`).
"""

import os


def whole_number(name: str, default: int) -> int:
    """The environment's value for `name` as a whole number of at least 1, or `default`.

    Anything else stops start-up with one line that names the variable: a server
    with 0 workers would start and serve nothing.
    """
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    if not value.isdigit() or int(value) < 1:
        raise SystemExit(
            f"idvdash.gunicorn_conf: {name} must be a whole number of 1 or more, not {value!r}"
        )
    return int(value)


wsgi_app = "idvdash.wsgi:application"
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
# gunicorn itself reads WEB_CONCURRENCY too, before this file, and stops on a non-number.
workers = whole_number("WEB_CONCURRENCY", 2 * (os.cpu_count() or 1) + 1)
worker_class = "gthread"
threads = whole_number("GUNICORN_THREADS", 2)
# A request that takes longer than this is killed and its worker replaced.
timeout = whole_number("GUNICORN_TIMEOUT", 60)
graceful_timeout = 30
keepalive = 5
# Workers are replaced now and then, so no slow growth in memory lasts.
max_requests = 2000
max_requests_jitter = 200
# No access log: query strings carry reviewers' search text. Errors go to stderr.
accesslog = None
errorlog = "-"
loglevel = "info"
