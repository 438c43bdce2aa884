"""DigiHulplijn call router: ``create_app`` builds the web app; nothing connects at import."""

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


def create_app(test_config: dict | None = None) -> Flask:
    """The WSGI factory (``helpline:create_app``)."""
    app = Flask(__name__)
    app.config.update(config_module.load(overrides=test_config))
    app.session_interface = _NoSessionsForTwilio()
    app.wsgi_app = ProxyFix(app.wsgi_app, x_for=1, x_proto=1, x_host=1)
    logs.configure_logging(app.config["HELPLINE_LOG_FORMAT"])
    extensions.init_app(app)
    errors.init_app(app)

    from helpline.voice import bp as voice_bp

    app.register_blueprint(voice_bp)

    from helpline.api import bp as api_bp

    app.register_blueprint(api_bp)

    from helpline.dashboard import bp as dashboard_bp

    app.register_blueprint(dashboard_bp)

    from helpline import cli

    cli.init_app(app)

    from helpline import ops

    app.register_blueprint(ops.bp)

    return app
