"""Every Redis key is built here. All share the hash tag {hl}, so Redis Cluster could hold them
in one slot and a Lua script may touch any of them."""

TAG = "{hl}"
PREFIX = f"hl:{TAG}"

EVENTS = f"{PREFIX}:events"
HOURS = f"{PREFIX}:hours"

# Waiting-list scores: lower is served first. Priority (0-9, higher is more urgent) dominates,
# then arrival time in milliseconds. Doubles hold both exactly (9e13 + 2e12 < 2**53).
PRIORITY_SPAN = 10**13
MAX_PRIORITY = 9


def call(sid: str) -> str:
    return f"{PREFIX}:call:{sid}"


def waiting(topic: str, lang: str = "nl") -> str:
    """The line of callers (and callback requests) for one topic in one language."""
    return f"{PREFIX}:waiting:{topic}:{lang}"


def menu_path(sid: str) -> str:
    """The menu steps a call was presented so far, space-separated (while it is in the menu)."""
    return f"{PREFIX}:menu:{sid}"


def callback(callback_id: str) -> str:
    return f"{PREFIX}:callback:{callback_id}"


def number_draft(sid: str) -> str:
    """A callback number typed by a caller, kept minutes until they confirm it."""
    return f"{PREFIX}:draft:{sid}"


def caller(pseudonym: str) -> str:
    """When a pseudonymous caller last called about each topic (repeat-caller rule)."""
    return f"{PREFIX}:caller:{pseudonym}"


def answered(topic: str, lang: str) -> str:
    """Recent moments callers were taken from one line (topic and language): wait estimates."""
    return f"{PREFIX}:answered:{topic}:{lang}"


def idempotency(route: str, call_sid: str, token: str) -> str:
    """The answer given to one delivery of a webhook (route, call and Twilio's token)."""
    return f"{PREFIX}:idem:{route}:{call_sid}:{token}"


# A waiting-list member is a live call (c:<CallSid>) or a callback request (b:<id>); these
# functions alone build and read those ids.
MEMBER_KINDS = {"c": "call", "b": "callback"}


def call_member(sid: str) -> str:
    return f"c:{sid}"


def callback_member(callback_id: str) -> str:
    return f"b:{callback_id}"


def parse_member(member: str) -> tuple[str, str]:
    """('call', CallSid), ('callback', callback id), or ('', the rest) for another id."""
    prefix, _, ident = member.partition(":")
    return MEMBER_KINDS.get(prefix, ""), ident


def member_kind(member: str) -> str:
    """'call' or 'callback' (another id counts as a call, as the API has always said)."""
    return "callback" if parse_member(member)[0] == "callback" else "call"


def is_call(member: str) -> bool:
    return parse_member(member)[0] == "call"


def is_callback(member: str) -> bool:
    return parse_member(member)[0] == "callback"


def score(priority: int, arrival_ms: int) -> int:
    priority = max(0, min(MAX_PRIORITY, priority))
    return (MAX_PRIORITY - priority) * PRIORITY_SPAN + arrival_ms


def arrival_of(score_value: float) -> int:
    return int(score_value) % PRIORITY_SPAN


VOLUNTEERS = f"{PREFIX}:volunteers"
SCHEDULED_CALLBACKS = f"{PREFIX}:callbacks:scheduled"


def volunteer(volunteer_id: str) -> str:
    return f"{PREFIX}:vol:{volunteer_id}"


def available(skill: str, lang: str) -> str:
    """Available volunteers with a skill and a language (``*``: any skill), by routing score."""
    return f"{PREFIX}:avail:{skill}:{lang}"


def party(member: str) -> str:
    """The hash behind a waiting-list member: a live call or a callback request."""
    kind, ident = parse_member(member)
    return call(ident) if kind == "call" else callback(ident)


USERS = f"{PREFIX}:users"


def user(username: str) -> str:
    """An account: role, name, argon2 password hash, disabled."""
    return f"{PREFIX}:user:{username}"


def user_sessions(username: str) -> str:
    return f"{PREFIX}:user_sessions:{username}"


def session(token: str) -> str:
    return f"{PREFIX}:session:{token}"


def login_delay(username: str) -> str:
    """An account's wrong passwords in a row and when its next try may come (a hash)."""
    return f"{PREFIX}:login_delay:{username}"


def login_failures(kind: str, who: str) -> str:
    """Failed sign-ins of an account or an address within the throttling window."""
    return f"{PREFIX}:login_failures:{kind}:{who}"


def handled(member: str) -> str:
    """A finished conversation as the volunteer saw it, with their wrap-up once sent."""
    return f"{PREFIX}:handled:{member}"


def my_calls(volunteer_id: str) -> str:
    """A volunteer's finished conversations, by the moment they ended (ms)."""
    return f"{PREFIX}:my_calls:{volunteer_id}"


def record_id(member: str, round_no: int | str = 0) -> str:
    """The id of one conversation with a party: the member itself for the first, then
    ``<member>~<n>`` after the caller was handed over n times (each volunteer keeps their own
    record and wrap-up of the same call)."""
    return member if str(round_no or "0") == "0" else f"{member}~{round_no}"


def record_member(record: str) -> str:
    """The member a conversation's record belongs to."""
    return record.split("~", 1)[0]


def call_draft(member: str, volunteer_id: str) -> str:
    """What a volunteer noted during a call and its wrap-up, not yet sent: note, place."""
    return f"{PREFIX}:call_draft:{member}:{volunteer_id}"


def contacts(pseudonym: str) -> str:
    """A pseudonymous caller's conversations (record ids) within the repeat window, by end."""
    return f"{PREFIX}:contacts:{pseudonym}"


PLACES = f"{PREFIX}:places"  # the local-help directory: id -> JSON
PLACES_BY_POSTCODE = f"{PREFIX}:places:by_postcode"  # id scored by its four-digit postcode
FINDINGS = f"{PREFIX}:findings"  # the latest bottleneck report (JSON), written by a worker job


def findings_of(days: str) -> str:
    """The findings of a period a coordinator chose ('2026-10-01_2026-10-31'), kept a while."""
    return f"{FINDINGS}:{days}"


SAMPLE = f"{PREFIX}:sample"  # the demo's made-up history is here: what it added (JSON)

AGG_CURSOR = f"{PREFIX}:agg:cursor"  # the id of the last event counted in the aggregates


def agg(period: str, bucket: str) -> str:
    """Counters of one hour (2026-11-30T09), day (2026-11-30) or ISO week (2026-W49)."""
    return f"{PREFIX}:agg:{period}:{bucket}"


def agg_index(period: str) -> str:
    """The buckets of a period that have counters, scored by a moment inside them."""
    return f"{PREFIX}:agg_index:{period}"


def agg_facts(member: str) -> str:
    """What the aggregation knows of a call (topic, lang, referral, region, caller)."""
    return f"{PREFIX}:agg_facts:{member}"


def agg_caller(pseudonym: str) -> str:
    """When a pseudonymous caller last called about each topic (repeat-caller findings)."""
    return f"{PREFIX}:agg_caller:{pseudonym}"


def agg_repeats(week: str) -> str:
    """Repeat calls in a week within the repeat window, per pseudonym|topic."""
    return f"{PREFIX}:agg_repeats:{week}"


def period_run(job: str, period: int) -> str:
    """Taken by the first run of a periodic job in a period (two schedulers run it once)."""
    return f"{PREFIX}:period:{job}:{period}"


def runs(job: str) -> str:
    """The latest runs of a periodic job (for the operations page)."""
    return f"{PREFIX}:runs:{job}"


def job_status(job: str) -> str:
    """A periodic job's health: consecutive failures, back-off, last error and success."""
    return f"{PREFIX}:job_status:{job}"


def open_streams(username: str) -> str:
    """An account's open event streams: stream id scored by the end of its lease (ms)."""
    return f"{PREFIX}:streams:{username}"


def sms(member: str) -> str:
    """A text message to the caller of a conversation: the sealed number (an hour at most),
    the consent, the place and the message's status."""
    return f"{PREFIX}:sms:{member}"


SHIFTS = f"{PREFIX}:shifts"  # volunteers' planned shifts: id -> JSON

MONITOR_PREFS = f"{PREFIX}:monitor_prefs"  # mentor:<id> and refuse:<id> -> "1"
MONITOR_LOG = f"{PREFIX}:monitor_log"  # the latest monitoring sessions (JSON), newest first


def monitor(member: str) -> str:
    """A mentor listening to, coaching in or joining a conversation: who, how, their leg."""
    return f"{PREFIX}:monitor:{member}"
