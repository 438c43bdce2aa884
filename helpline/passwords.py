"""The password rule: at least 12 characters, and not common or easy to guess.

"Easy to guess" is zxcvbn's offline estimate (the estimator Dropbox wrote, with its lists of
common passwords, words, names and keyboard patterns): a password it scores below 3 (fewer
than about 10^8 guesses) is refused. The account's own name and the helpline's name count as
easy words too. Long passphrases of ordinary words pass ("correct horse battery").
"""

from __future__ import annotations

from helpline.texts import N_

MIN_LENGTH = 12
MAX_LENGTH = 200  # argon2 takes any length; a longer one is no password anybody types
MIN_SCORE = 3
ZXCVBN_LENGTH = 72  # the most zxcvbn takes
HELPLINE_WORDS = ("digihulplijn", "hulplijn", "helpline", "vrijwilliger", "coordinator")


def password_problem(password: str, *, username: str = "", name: str = "") -> str | None:
    """Why a password is refused (a message id), or None when it is fine."""
    if len(password) < MIN_LENGTH:
        return N_("password_too_short")
    if len(password) > MAX_LENGTH:
        return N_("password_too_long")
    from zxcvbn import zxcvbn  # local: its dictionaries take a moment to load

    words = [w for w in (username, name, *HELPLINE_WORDS) if w]
    # zxcvbn judges the first 72 characters (since 4.5 it refuses a longer password with a
    # ValueError); what follows can only make a password harder to guess
    if zxcvbn(password[:ZXCVBN_LENGTH], user_inputs=words)["score"] < MIN_SCORE:
        return N_("password_too_common")
    return None
