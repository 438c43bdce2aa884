"""Accounts of volunteers and coordinators: argon2 password hashes, server-side sessions,
login throttling. A disabled account loses its sessions at once."""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass

import redis
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from helpline import keys
from helpline.scripts import Scripts
from helpline.texts import Refusal

ROLES = ("volunteer", "coordinator")
USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{1,39}$")
SESSION_SECONDS = 12 * 3600
FAILURES_PER_ACCOUNT = 5  # within the window, then that account waits
FAILURES_PER_ADDRESS = 20
FAILURE_WINDOW = 15 * 60

_hasher = PasswordHasher()
# A real hash to verify against when the account does not exist, so both take the same time.
_DUMMY_HASH = _hasher.hash(secrets.token_hex(16))


def _fingerprint(password_hash: str) -> str:
    """Which password a session was opened with (never the hash itself)."""
    return hashlib.sha256(password_hash.encode()).hexdigest()[:16]


class AccountError(Refusal):
    """A bad account request: a message id and its values, fit to show."""


class Throttled(Exception):
    def __init__(self, retry_after: int):
        super().__init__(f"too many failed logins; try again in {retry_after} s")
        self.retry_after = retry_after


@dataclass(frozen=True)
class Account:
    username: str
    role: str
    name: str
    disabled: bool

    @property
    def is_coordinator(self) -> bool:
        return self.role == "coordinator"


@dataclass(frozen=True)
class Session:
    token: str
    username: str
    csrf: str


class Accounts:
    """Every change that touches more than one key is one Lua script (``helpline/lua``)."""

    def __init__(self, client: redis.Redis):
        self.redis = client
        self.scripts = Scripts.of(client)

    def create(self, username: str, password: str, *, role: str, name: str = "") -> Account:
        username = username.strip().lower()
        if not USERNAME.match(username):
            raise AccountError("username_invalid")
        if role not in ROLES:
            raise AccountError("role_unknown", roles=", ".join(ROLES))
        if len(password) < 10:
            raise AccountError("password_too_short")
        created = self.scripts.account_create(
            [keys.user(username), keys.USERS],
            username=username,
            role=role,
            name=name or username,
            password=_hasher.hash(password),
        )
        if not created:
            raise AccountError("account_exists", username=username)
        return self.get(username)

    def usernames(self) -> list[str]:
        return sorted(self.redis.smembers(keys.USERS))

    def get(self, username: str) -> Account | None:
        return self._read(username)[0]

    def _read(self, username: str) -> tuple[Account | None, str | None]:
        """The account and its password hash, in one read."""
        data = self.redis.hgetall(keys.user(username))
        if not data.get("role"):
            return None, None
        account = Account(
            data["username"], data["role"], data.get("name", ""), data.get("disabled") == "1"
        )
        return account, data.get("password")

    def _change(
        self, username: str, fields: dict[str, str], *, end_sessions: bool, keep: str = ""
    ) -> None:
        changed = self.scripts.account_change(
            [keys.user(username), keys.user_sessions(username)],
            session_prefix=keys.session(""),
            end_sessions=end_sessions,
            fields=fields,
            keep=keep,
            keep_pw=_fingerprint(fields["password"]) if keep else "",
        )
        if not changed:
            raise AccountError("account_missing", username=username)

    def set_password(self, username: str, password: str, *, keep_session: str = "") -> None:
        """A new password; every session opened with the old one ends (but ``keep_session``,
        the one a person changes their own password in)."""
        if len(password) < 10:
            raise AccountError("password_too_short")
        self._change(
            username, {"password": _hasher.hash(password)}, end_sessions=True, keep=keep_session
        )

    def change_own_password(
        self, session: Session, current: str, new: str, *, address: str
    ) -> None:
        """A person changes their own password: the current one first (each try counts like a
        sign-in attempt, so it cannot be guessed here either), then the same rules as for every
        password. Their other sessions end; this one stays. Raises Throttled."""
        self._count_attempt(session.username, address)
        _account, stored = self._read(session.username)
        try:
            _hasher.verify(stored or _DUMMY_HASH, current or "")
        except (VerificationError, InvalidHashError):
            raise AccountError("password_current_wrong") from None
        self.set_password(session.username, new, keep_session=session.token)

    def set_profile(self, username: str, *, name: str, role: str) -> None:
        """A new display name and role (sessions stay: each request reads the role anew)."""
        self._change(username, {"name": name, "role": role}, end_sessions=False)

    def disable(self, username: str) -> None:
        self._change(username, {"disabled": "1"}, end_sessions=True)

    def enable(self, username: str) -> None:
        self._change(username, {"disabled": "0"}, end_sessions=False)

    # -- signing in ---------------------------------------------------------------------------

    def _count_attempt(self, username: str, address: str) -> None:
        """Count this sign-in attempt before the password is checked (so parallel requests
        cannot all slip under the limit); Throttled when over it."""
        counts = self.scripts.login_attempt(
            [keys.login_failures("account", username), keys.login_failures("address", address)],
            window=FAILURE_WINDOW,
        )
        for (count, ttl), limit in zip(
            (counts[0:2], counts[2:4]), (FAILURES_PER_ACCOUNT, FAILURES_PER_ADDRESS), strict=True
        ):
            if count > limit:
                raise Throttled(max(1, ttl))

    def login(self, username: str, password: str, address: str) -> Session | None:
        """A new session for the right password; None otherwise. Raises Throttled."""
        username = (username or "").strip().lower()[:40]
        self._count_attempt(username, address)
        account, stored = self._read(username)
        try:
            _hasher.verify(stored or _DUMMY_HASH, password or "")
            valid = stored is not None and account is not None and not account.disabled
        except (VerificationError, InvalidHashError):
            valid = False
        if not valid:
            return None
        if _hasher.check_needs_rehash(stored):
            stored = _hasher.hash(password)
            self.redis.hset(keys.user(username), "password", stored)
        token, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
        self.scripts.session_open(  # a success does not count against anyone
            [
                keys.session(token),
                keys.user_sessions(username),
                keys.login_failures("account", username),
                keys.login_failures("address", address),
            ],
            token=token,
            username=username,
            csrf=csrf,
            pw=_fingerprint(stored),
            lifetime=SESSION_SECONDS,
        )
        return Session(token, username, csrf)

    def session(self, token: str | None) -> tuple[Session, Account] | None:
        """The live session behind a cookie, with its (enabled) account."""
        if not token or len(token) > 100:
            return None
        data = self.redis.hgetall(keys.session(token))
        if not data:
            return None
        account, stored = self._read(data["user"])
        if account is None or account.disabled or data.get("pw") != _fingerprint(stored or ""):
            # disabled, or the password changed since this session began (also a sign-in
            # that was still checking the old password while it was reset)
            self.logout(token)
            return None
        return Session(token, data["user"], data["csrf"]), account

    def logout(self, token: str) -> None:
        self.scripts.session_close(
            [keys.session(token)], sessions_prefix=keys.user_sessions(""), token=token
        )
