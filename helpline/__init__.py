"""DigiHulplijn call router: the app factories; nothing connects at import.

Each audience has its own app, run as its own service, so that long-lived dashboard streams
never hold the workers Twilio's webhooks wait for:

- ``helpline:create_voice_app()``: the Twilio webhooks (``/voice/...``), with ``/healthz``,
  ``/readyz`` and ``/metrics``; under gunicorn's sync workers.
- ``helpline:create_dashboard_app()``: the volunteers' and coordinators' pages, the JSON API
  and its event stream, with the same health and metrics routes; under threads.
- ``helpline:create_app()``: both together, for the demo, development and tests.
"""

from __future__ import annotations

from flask import Flask
from flask.sessions import SecureCookieSessionInterface
from werkzeug.middleware.proxy_fix import ProxyFix

from helpline import config as config_module
from helpline import errors, extensions, logs


class _NoSessionsForTwilio(SecureCookieSessionInterface):
    """Twilio's webhooks carry no cookies; skip session work on every call step."""

    def open_session(self, app, request):
        if request.path.startswith("/voice/"):
            return self.make_null_session(app)
        return super().open_session(app, request)


def create_voice_app(test_config: dict | None = None) -> Flask:
    """The webhooks' WSGI app (``helpline:create_voice_app()``)."""
    return _build(test_config, voice=True, dashboard=False)


def create_dashboard_app(test_config: dict | None = None) -> Flask:
    """The dashboard's WSGI app: pages, API, event stream (``helpline:create_dashboard_app()``)."""
    return _build(test_config, voice=False, dashboard=True)


def create_app(test_config: dict | None = None) -> Flask:
    """Webhooks and dashboard in one app (``helpline:create_app()``), for the demo and
    development."""
    return _build(test_config, voice=True, dashboard=True)


def _build(test_config: dict | None, *, voice: bool, dashboard: bool) -> Flask:
    app = Flask(__name__)
    settings = config_module.load(overrides=test_config)
    names = {s.name for s in config_module.SETTINGS}
    # Flask's own keys (and test hooks such as CLOCK); the helpline reads ``settings``.
    app.config.update({k: v for k, v in (test_config or {}).items() if k not in names})
    app.config.update(SECRET_KEY=settings.secret_key, HELPLINE_SETTINGS=settings)
    app.session_interface = _NoSessionsForTwilio()
    hops = settings.trusted_proxies  # X-Forwarded-* believed from this many proxies, no more
    if hops:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)
    logs.configure_logging(settings.log_format)
    extensions.init_app(app)
    errors.init_app(app)
    if voice:
        from helpline.voice import bp as voice_bp

        app.register_blueprint(voice_bp)
    if dashboard:
        from helpline import api
        from helpline.dashboard import bp as dashboard_bp

        api.init_app(app)
        app.register_blueprint(dashboard_bp)
    from helpline import cli, ops

    cli.init_app(app)
    app.register_blueprint(ops.bp)
    return app
