"""Gunicorn settings for the web app (``gunicorn --config python:helpline.gunicorn_conf``)."""

import multiprocessing
import os

bind = os.environ.get("HELPLINE_BIND", "0.0.0.0:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2))
# Threaded workers: webhook work is short; threads overlap the Redis round trips. Run behind
# a buffering proxy (nginx, a cloud load balancer) in production.
worker_class = os.environ.get("HELPLINE_WORKER_CLASS", "gthread")
threads = int(os.environ.get("HELPLINE_THREADS", 4))
timeout = 30  # Twilio gives up after 15 s; a stuck worker is replaced
graceful_timeout = 20
keepalive = 5
# Access log lines carry paths and query strings only (never form bodies, so no numbers).
accesslog = os.environ.get("HELPLINE_ACCESS_LOG", "-") or None
