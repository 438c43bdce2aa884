"""Gunicorn settings for the web apps (``gunicorn --config python:helpline.gunicorn_conf
'helpline:create_voice_app()'``, and the same with ``create_dashboard_app()``)."""

import multiprocessing
import os
from pathlib import Path

bind = [os.environ.get("HELPLINE_BIND", "0.0.0.0:8000")]
if os.environ.get("HELPLINE_METRICS_BIND"):  # /metrics is served there only (helpline.ops)
    bind.append(os.environ["HELPLINE_METRICS_BIND"])
# Sync workers, three per core: webhook work is short (a few Redis round trips), and extra
# processes overlap those waits. Sync workers spread connections evenly, where threaded
# workers let one process take most keep-alive connections (measured in bench/webhooks).
# The dashboard app runs as a second service with HELPLINE_WORKER_CLASS=gthread and many
# threads: each open dashboard holds one Server-Sent Events stream (see docker-compose.yml).
# Run behind a buffering proxy (nginx, a cloud load balancer) so slow clients cannot hold a
# worker.
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() * 3))
worker_class = os.environ.get("HELPLINE_WORKER_CLASS", "sync")
threads = int(os.environ.get("HELPLINE_THREADS", 1))
timeout = 30  # Twilio gives up after 15 s; a stuck worker is replaced
graceful_timeout = 20
keepalive = 5
# Access log lines carry the method and the path only: never a query string (a search for local
# help carries a postcode there) and never a form body (no phone numbers).
accesslog = os.environ.get("HELPLINE_ACCESS_LOG", "-") or None
access_log_format = '%(h)s %(l)s %(u)s %(t)s "%(m)s %(U)s %(H)s" %(s)s %(b)s %(L)s'

# Gunicorn's control socket (gunicornc): one per service, so that the webhooks and the
# dashboard on one machine do not claim the same file (gunicorn's default is one per user).
control_socket = os.environ.get("HELPLINE_CONTROL_SOCKET") or str(
    Path.home() / ".gunicorn" / f"helpline-{bind[0].replace(':', '-').replace('/', '-')}.ctl"
)
