"""gunicorn's settings for `make serve` (docs/deployment.md).

Workers: WEB_CONCURRENCY when set, otherwise 2 × cores + 1 — gunicorn's own rule of thumb for
synchronous workers, which wait on the database about as long as they compute. Each worker
holds one database connection (CONN_MAX_AGE), so PostgreSQL's max_connections must exceed the
total of all workers of all machines.
"""

import multiprocessing
import os

bind = os.environ.get("BIND", f"{os.environ.get('HOST', '127.0.0.1')}:{os.environ.get('PORT', '8000')}")
workers = int(os.environ.get("WEB_CONCURRENCY") or 2 * multiprocessing.cpu_count() + 1)
worker_class = "sync"
# A request that takes longer than this is killed and logged; an import of a large file belongs
# on the command line (`manage.py import_registry`), not in a web request.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", 60))
graceful_timeout = 30
# Recycle workers now and then so that a slow leak never grows without bound.
max_requests = 2000
max_requests_jitter = 200
# The application logs one JSON line per request itself (config/logging.py); gunicorn's own
# access log would repeat it.
accesslog = None
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
# Trust X-Forwarded-* only from a proxy on this machine.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
# No control socket in $HOME: two instances on one machine (a bench, a second site) would share it.
control_socket_disable = True
