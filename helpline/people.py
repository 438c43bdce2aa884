"""People management: an account (sign-in, role) and its volunteer profile (phone, skills,
languages, and the profile numbers of ``model.PROFILE_NUMBERS``) kept together. Used by the CLI
and by coordinators on the web."""

from __future__ import annotations

import secrets

from helpline import privacy
from helpline.accounts import ROLES, AccountError
from helpline.model import PROFILE_NUMBER, PROFILE_NUMBERS


def _list(value) -> list[str]:
    if isinstance(value, str):
        value = value.split(",")
    if not isinstance(value, list | tuple):
        raise AccountError("skills_not_lists")
    return [str(v).strip() for v in value if str(v).strip()]


class People:
    def __init__(self, h):
        self.h = h
        self.accounts = h.accounts

    def _profile(
        self, username: str, name: str, phone: str, skills, languages, numbers=None
    ) -> None:
        if phone and not privacy.is_callable(phone):
            raise AccountError("phone_format")
        if phone:
            try:
                self.h.router.save_volunteer(
                    username,
                    name=name or username,
                    phone=phone,
                    skills=_list(skills),
                    languages=_list(languages) or [self.h.flow.default_language],
                    numbers=numbers,
                )
            except ValueError as exc:  # the router's own check: unknown skills or languages
                raise AccountError("skills_unknown", names=str(exc)) from None

    def check(self, *, phone: str = "", skills=(), languages=(), numbers=None) -> None:
        """Refuse a bad profile before anything is stored."""
        if phone and not privacy.is_callable(phone):
            raise AccountError("phone_format")
        for name, value in (numbers or {}).items():
            spec = PROFILE_NUMBER.get(name)
            if spec is None:
                raise AccountError("field_invalid", field=name)
            if value is not None and not spec.minimum <= value <= spec.maximum:
                raise AccountError("number_range", minimum=spec.minimum, maximum=spec.maximum)
        unknown = set(_list(skills)) - set(self.h.flow.skills)
        unknown |= set(_list(languages)) - set(self.h.flow.languages)
        if unknown:
            raise AccountError("skills_unknown", names=", ".join(sorted(unknown)))

    def add(
        self,
        username: str,
        password: str,
        *,
        role: str,
        name: str = "",
        phone: str = "",
        skills=(),
        languages=(),
        must_change: bool = False,
        **numbers,
    ):
        """A new account (``must_change``: the password was chosen by a coordinator, and
        the person chooses their own at the first sign-in)."""
        self.check(phone=phone, skills=skills, languages=languages, numbers=numbers)
        account = self.accounts.create(
            username, password, role=role, name=name, must_change=must_change
        )
        self._profile(account.username, account.name, phone, skills, languages, numbers)
        return account

    def update(self, username: str, changes: dict) -> None:
        account = self.accounts.get(username)
        if account is None:
            raise KeyError(username)
        if "disabled" in changes and not isinstance(changes["disabled"], bool):
            raise AccountError("disabled_not_boolean")
        volunteer = self.h.router.volunteer(username)
        name = str(changes.get("name") or account.name).strip()[:80]
        phone = str(changes.get("phone", volunteer.phone if volunteer else "") or "").strip()
        skills = changes.get("skills", list(volunteer.skills) if volunteer else [])
        languages = changes.get("languages", list(volunteer.languages) if volunteer else [])
        numbers = {n.name: changes[n.name] for n in PROFILE_NUMBERS if n.name in changes}
        role = changes.get("role", account.role)
        if role not in ROLES:
            raise AccountError("role_unknown", roles=", ".join(ROLES))
        self.check(phone=phone, skills=skills, languages=languages, numbers=numbers)
        self.accounts.set_profile(username, name=name, role=role)
        if phone:
            self._profile(username, name, phone, skills, languages, numbers)
        if "disabled" in changes:
            if changes["disabled"]:
                self.disable(username)
            else:
                self.accounts.enable(username)
                self.h.router.retire_after_call(username, False)

    def disable(self, username: str) -> None:
        """No more sign-ins and no more offers; a call in progress is left to finish."""
        self.accounts.disable(username)
        if self.h.router.volunteer(username):
            if self.h.router.set_state(username, "offline", "disabled") == "busy":
                # on a call: let it finish, then offline instead of available (wrapup_end.lua)
                self.h.router.retire_after_call(username, True)

    def reset_password(self, username: str) -> str:
        """A new temporary password (shown once to the coordinator, changed at the next
        sign-in); old sessions end."""
        if self.accounts.get(username) is None:
            raise KeyError(username)
        password = "-".join(secrets.token_hex(3) for _ in range(3))
        self.accounts.set_password(username, password, must_change=True)
        return password

    def list(self) -> list[dict]:
        out = []
        for username in self.accounts.usernames():
            account = self.accounts.get(username)
            if account is None:
                continue
            volunteer = self.h.router.volunteer(username)
            out.append(
                {
                    "username": username,
                    "name": account.name,
                    "role": account.role,
                    "disabled": account.disabled,
                    "phone_set": bool(volunteer and volunteer.phone),
                    "skills": list(volunteer.skills) if volunteer else [],
                    "languages": list(volunteer.languages) if volunteer else [],
                    "status": volunteer.state if volunteer else "offline",
                    **{
                        n.name: volunteer.numbers.get(n.name) if volunteer else None
                        for n in PROFILE_NUMBERS
                    },
                }
            )
        return out
