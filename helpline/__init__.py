"""DigiHulplijn call router: ``create_app`` builds the web app; nothing connects at import."""

from __future__ import annotations

from flask import Flask
from flask.sessions import SecureCookieSessionInterface
from werkzeug.middleware.proxy_fix import ProxyFix

from helpline import config as config_module
from helpline import extensions


class _NoSessionsForTwilio(SecureCookieSessionInterface):
    """Twilio's webhooks carry no cookies; skip session work on every call step."""

    def open_session(self, app, request):
        if request.path.startswith("/voice/"):
            return self.make_null_session(app)
        return super().open_session(app, request)


def create_app(test_config: dict | None = None) -> Flask:
    """The WSGI factory (``helpline:create_app``)."""
    app = Flask(__name__)
    settings = config_module.load(overrides=test_config)
    names = {s.name for s in config_module.SETTINGS}
    # Flask's own keys (and test hooks such as CLOCK); the helpline reads ``settings``.
    app.config.update({k: v for k, v in (test_config or {}).items() if k not in names})
    app.config.update(SECRET_KEY=settings.secret_key, HELPLINE_SETTINGS=settings)
    app.session_interface = _NoSessionsForTwilio()
    app.wsgi_app = ProxyFix(app.wsgi_app, x_for=1, x_proto=1, x_host=1)
    from helpline.ops import configure_logging

    configure_logging(settings.log_format)

    extensions.init_app(app)

    from helpline.voice import bp as voice_bp

    app.register_blueprint(voice_bp)

    from helpline import api

    api.init_app(app)

    from helpline.dashboard import bp as dashboard_bp

    app.register_blueprint(dashboard_bp)

    from helpline import cli

    cli.init_app(app)

    from helpline import ops

    app.register_blueprint(ops.bp)

    return app
