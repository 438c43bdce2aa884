"""Accounts of volunteers and coordinators: argon2 password hashes, server-side sessions,
sign-in throttling. A disabled account loses its sessions at once.

Sessions end after ``SESSION_SECONDS`` at most, and after the idle time given (the setting
``HELPLINE_SESSION_IDLE_MINUTES``) without a request. A password set by a coordinator is
temporary: it works for ``TEMPORARY_DAYS``, and only to choose a new one (``must_change``).

Wrong passwords never lock an account: each one makes the account's next try wait a little
longer (``delay``, at most ``MAX_DELAY`` seconds), and an address (an IPv6 /64) gets at most
``FAILURES_PER_ADDRESS`` tries in the window. A browser where the account signed in before
(``device_mark``) is not held up by the delays that other addresses' failures caused.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import re
import secrets
import time
from dataclasses import dataclass

import redis
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from helpline import keys
from helpline.passwords import password_problem
from helpline.scripts import Scripts
from helpline.texts import Refusal

ROLES = ("volunteer", "coordinator")
USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{1,39}$")
SESSION_SECONDS = 12 * 3600
IDLE_SECONDS = 3600  # the default of HELPLINE_SESSION_IDLE_MINUTES
TEMPORARY_DAYS = 7  # a password set by a coordinator works this long, to choose a new one
FREE_FAILURES = 3  # wrong passwords of an account before its next try has to wait
FAILURES_PER_ACCOUNT = FREE_FAILURES + 2  # after this many, the next try waits > 1 s
MAX_DELAY = 60  # seconds: the longest an account's next try waits
FAILURES_PER_ADDRESS = 20
FAILURE_WINDOW = 15 * 60


def delay(failures: int) -> int:
    """Seconds the next try of an account waits after ``failures`` wrong passwords in a row:
    none for the first few, then doubling, at most ``MAX_DELAY``."""
    if failures <= FREE_FAILURES:
        return 0
    return min(2 ** (failures - FREE_FAILURES), MAX_DELAY)


def address_group(address: str) -> str:
    """Who an address counts as: an IPv4 address itself, an IPv6 address by its /64 (one
    household or server gets a whole /64 and can rotate within it)."""
    try:
        ip = ipaddress.ip_address((address or "").strip())
    except ValueError:
        return (address or "-")[:64]
    if ip.version == 6 and ip.ipv4_mapped is not None:
        return str(ip.ipv4_mapped)
    if ip.version == 6:
        return str(ipaddress.ip_network(f"{ip}/64", strict=False))
    return str(ip)


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
    must_change: bool = False  # signed in with a temporary password: choose a new one first

    @property
    def is_coordinator(self) -> bool:
        return self.role == "coordinator"


@dataclass(frozen=True)
class Session:
    token: str
    username: str
    csrf: str
    opened: int = 0  # when it began (s)
    seen: int = 0  # when it was last used (s)


class Accounts:
    """Every change that touches more than one key is one Lua script (``helpline/lua``)."""

    def __init__(self, client: redis.Redis, *, idle_seconds: int = IDLE_SECONDS, secret: str = ""):
        self.redis = client
        self.scripts = Scripts.of(client)
        self.idle_seconds = idle_seconds
        self.secret = secret  # signs device marks; without one there are none

    @staticmethod
    def check_password(password: str, *, username: str = "", name: str = "") -> None:
        """Refuse (AccountError) a password that is too short, too long or easy to guess."""
        problem = password_problem(password or "", username=username, name=name)
        if problem:
            raise AccountError(problem)

    def create(
        self, username: str, password: str, *, role: str, name: str = "", must_change: bool = False
    ) -> Account:
        """A new account; ``must_change`` when someone else chose the password."""
        username = username.strip().lower()
        if not USERNAME.match(username):
            raise AccountError("username_invalid")
        if role not in ROLES:
            raise AccountError("role_unknown", roles=", ".join(ROLES))
        self.check_password(password, username=username, name=name)
        created = self.scripts.account_create(
            [keys.user(username), keys.USERS],
            username=username,
            role=role,
            name=name or username,
            password=_hasher.hash(password),
        )
        if not created:
            raise AccountError("account_exists", username=username)
        if must_change:
            self._change(username, self._temporary(True), end_sessions=False)
        return self.get(username)

    @staticmethod
    def _temporary(must_change: bool) -> dict[str, str]:
        return {"must_change": "1" if must_change else "0", "password_set": str(int(time.time()))}

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
            data["username"],
            data["role"],
            data.get("name", ""),
            data.get("disabled") == "1",
            data.get("must_change") == "1",
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

    def set_password(
        self, username: str, password: str, *, must_change: bool = False, keep_session: str = ""
    ) -> None:
        """A new password (refused when weak: ``check_password``); every session opened with
        the old one ends, but ``keep_session`` (the one a person changes their own password
        in). ``must_change`` when someone else chose it (a coordinator): it is temporary, and
        the next sign-in has to choose a new one."""
        account = self.get(username)
        self.check_password(password, username=username, name=account.name if account else "")
        fields = {"password": _hasher.hash(password), **self._temporary(must_change)}
        self._change(username, fields, end_sessions=True, keep=keep_session)

    def end_sessions(self, username: str) -> None:
        """Sign out everywhere: every session of the account ends."""
        self._change(username, {}, end_sessions=True)

    def change_own_password(
        self, session: Session, current: str, new: str, *, address: str
    ) -> None:
        """A person changes their own password: the current one first (each try counts like a
        sign-in attempt, so it cannot be guessed here either), then the same rules as for every
        password. Their other sessions end; this one stays. Raises Throttled. The signed-in
        browser counts as a known device: the per-address limit holds, the account's growing
        delay (against others locking it) does not."""
        self._count_attempt(session.username, address, known_device=True)
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

    def device_mark(self, username: str) -> str:
        """The mark a browser keeps after this account signed in on it (a cookie)."""
        if not self.secret:
            return ""
        mac = hmac.new(self.secret.encode(), f"device:{username}".encode(), hashlib.sha256)
        return f"{username}:{mac.hexdigest()[:32]}"

    def _known_device(self, username: str, mark: str) -> bool:
        expected = self.device_mark(username)
        return bool(expected) and hmac.compare_digest(expected.encode(), (mark or "").encode())

    def _count_attempt(self, username: str, address: str, known_device: bool) -> None:
        """Count this sign-in attempt before the password is checked (so parallel requests
        cannot all slip under the limit); Throttled when the address is over its limit or the
        account's next try has to wait (not on a browser the account signed in on before)."""
        refused, wait = self.scripts.login_attempt(
            [keys.login_delay(username), keys.login_failures("address", address_group(address))],
            window=FAILURE_WINDOW,
            now_ms=int(time.time() * 1000),
            address_limit=FAILURES_PER_ADDRESS,
            check_account=not known_device,
            delays=[delay(n) for n in range(1, FREE_FAILURES + 10)],
            max_delay=MAX_DELAY,
        )
        if refused:
            raise Throttled(max(1, int(wait)))

    def login(self, username: str, password: str, address: str, device: str = "") -> Session | None:
        """A new session for the right password; None otherwise. Raises Throttled. ``device``
        is the browser's device mark, if it has one."""
        username = (username or "").strip().lower()[:40]
        self._count_attempt(username, address, self._known_device(username, device))
        account, stored = self._read(username)
        try:
            _hasher.verify(stored or _DUMMY_HASH, password or "")
            valid = stored is not None and account is not None and not account.disabled
        except (VerificationError, InvalidHashError):
            valid = False
        if valid and account.must_change:
            set_at = int(self.redis.hget(keys.user(username), "password_set") or 0)
            valid = time.time() - set_at < TEMPORARY_DAYS * 86400  # a temporary one expired
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
                keys.login_delay(username),
                keys.login_failures("address", address_group(address)),
            ],
            token=token,
            username=username,
            csrf=csrf,
            pw=_fingerprint(stored),
            lifetime=SESSION_SECONDS,
            idle=self.idle_seconds,
            now=int(time.time()),
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
        now = int(time.time())
        opened, seen = int(data.get("opened") or 0), int(data.get("seen") or 0)
        if (
            account is None
            or account.disabled
            or data.get("pw") != _fingerprint(stored or "")
            or now - seen > self.idle_seconds
            or now - opened > SESSION_SECONDS
        ):
            # disabled, or the password changed since this session began (also a sign-in
            # that was still checking the old password while it was reset), or idle too long
            self.logout(token)
            return None
        return Session(token, data["user"], data["csrf"], opened, seen), account

    def touch(self, session: Session) -> None:
        """The session was used for a request it was allowed: its idle time starts again (at
        most one write per 10 s). A refused request does not count, and changes nothing."""
        now = int(time.time())
        if now - session.seen < 10:
            return
        lifetime = min(self.idle_seconds, SESSION_SECONDS - (now - session.opened)) + 5
        pipe = self.redis.pipeline(transaction=False)
        pipe.hset(keys.session(session.token), "seen", now)
        pipe.expire(keys.session(session.token), max(1, lifetime))
        pipe.execute()

    def logout(self, token: str) -> None:
        self.scripts.session_close(
            [keys.session(token)], sessions_prefix=keys.user_sessions(""), token=token
        )
