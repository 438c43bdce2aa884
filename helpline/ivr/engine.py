"""The one engine that walks an IVR flow: pure decisions, then TwiML for menus and messages.

A call's place in the flow travels in the URL of each Gather action (step, try, language and
the choices so far), so a menu step needs no stored state and a redelivered webhook gets the
same answer.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from twilio.twiml.voice_response import VoiceResponse

from helpline import twiml
from helpline.ivr import speech
from helpline.ivr.flow import PERSON_KEY, Flow, Option, Route, Step
from helpline.ivr.vocabulary import UNKNOWN_ORG


@dataclass(frozen=True)
class Context:
    """Where a caller is in the flow, and what they chose so far."""

    step: str
    lang: str
    topic: str | None = None
    referral: str | None = None
    tries: int = 1
    org: str | None = None  # the organisation that sent them (referral_org)
    only: str = ""  # a follow-up question after a tie: the keys that tied

    @classmethod
    def from_args(cls, flow: Flow, args) -> Context:
        """Rebuild from query parameters, falling back to safe values for anything odd."""
        step = args.get("step", flow.start)
        if step not in flow.steps:
            step = flow.start
        lang = args.get("lang") if args.get("lang") in flow.languages else flow.default_language
        topic = args.get("topic") if args.get("topic") in flow.topics else None
        referral = args.get("ref") if args.get("ref") in flow.referral_sources else None
        org = args.get("org") if args.get("org") in {*flow.organisations, UNKNOWN_ORG} else None
        keys = {o.key for o in flow.step(step).options}
        only = "".join(k for k in dict.fromkeys(args.get("only") or "") if k in keys)[:9]
        try:
            tries = max(1, min(int(args.get("try", "1")), 20))
        except ValueError:
            tries = 1
        return cls(step, lang, topic, referral, tries, org, only)

    def query(self, **extra) -> dict:
        return {
            "step": self.step,
            "lang": self.lang,
            "topic": self.topic,
            "ref": self.referral,
            "org": self.org,
            "only": self.only,
            "try": self.tries,
            **extra,
        }


@dataclass(frozen=True)
class Outcome:
    """What happens next: a step to present, and why (None, 'no_input' or 'wrong_input')."""

    ctx: Context
    kind: str  # the step type: menu, say, queue, callback
    notice: str | None = None


class Engine:
    def __init__(self, flow: Flow, flags: dict[str, bool]):
        self.flow = flow
        self.flags = flags
        self._rendered: dict[Outcome, str] = {}
        self._answers: dict[tuple, tuple[str, str]] = {}  # (query, key) -> (answer, step)

    # -- decisions --------------------------------------------------------------------------

    def begin(self, lang: str | None = None, *, closed: bool = False) -> Outcome:
        start = self.flow.closed_start if closed else self.flow.start
        return self.enter(Context(start, lang or self.flow.default_language))

    def enter(self, ctx: Context, notice: str | None = None) -> Outcome:
        """Present a step, skipping steps switched off by configuration."""
        for _ in range(len(self.flow.steps) + 1):
            step = self.flow.step(ctx.step)
            if step.enabled_by and not self.flags.get(step.enabled_by, True):
                ctx = self._follow(ctx, step.no_input)
                continue
            return Outcome(ctx, step.type, notice)
        raise RuntimeError("flow loops through disabled steps")  # prevented by flows check

    def options(self, ctx: Context) -> list[Option]:
        """The options of the caller's menu now: a follow-up after a tie offers only the keys
        that tied (and a person); a menu of organisations adds those of the chosen kind."""
        step = self.flow.step(ctx.step)
        options = list(step.options)
        if ctx.only:
            options = [o for o in options if o.key in ctx.only or o.key == PERSON_KEY]
        if step.organisations is not None:
            for org in self.flow.organisations.values():
                if org.kind == ctx.referral:
                    route = Route(step.organisations.goto, {"referral_org": org.id})
                    options.append(Option(f"org:{org.id}", org.speech, route))
        return options

    def answer(self, ctx: Context, digits: str = "", said: str = "") -> Outcome:
        """A menu got keys or speech."""
        step = self.flow.step(ctx.step)
        if step.type != "menu":
            return self.enter(ctx)
        options = self.options(ctx)
        key = (digits or "").strip()[:1]
        if key == self.flow.setting("repeat_key"):
            return self.enter(ctx)
        if not key and said:
            vocabulary = self.flow.vocabulary
            found = speech.candidates(
                said,
                [(o.key, o.speech[ctx.lang]) for o in options],
                ctx.lang,
                vocabulary,
                weak=PERSON_KEY,
            )
            tied = [o for o in options if o.key in found]
            if len(found) == 1:
                key = found[0]
            elif len(tied) > 1 and not ctx.only and all("topic" in o.route.set for o in tied):
                # a word that fits two topics: one short follow-up question, not a guess
                return self.enter(replace(ctx, only="".join(o.key for o in tied), tries=1))
            # "again" asks for the menu only when nothing else was recognised: "ik moet mijn
            # DigiD opnieuw aanvragen" is about DigiD
            elif not found and speech.asks_repeat(said, ctx.lang, vocabulary):
                return self.enter(ctx)
        for option in options:
            if key and option.key == key:
                return self.enter(self._follow(ctx, option.route))
        return self._retry(ctx, step, "wrong_input")

    def silence(self, ctx: Context) -> Outcome:
        """A menu timed out without input: silence is an answer, followed at once (every
        prompt says where staying on the line leads)."""
        step = self.flow.step(ctx.step)
        if step.type != "menu":
            return self.enter(ctx)
        return self.enter(self._follow(ctx, step.no_input))

    def _retry(self, ctx: Context, step: Step, notice: str) -> Outcome:
        max_tries = step.max_tries or self.flow.setting("max_tries")
        if ctx.tries < max_tries:
            return self.enter(replace(ctx, tries=ctx.tries + 1), notice)
        return self.enter(self._follow(ctx, getattr(step, notice)))

    def _follow(self, ctx: Context, route: Route | None) -> Context:
        if route is None:
            raise RuntimeError(f"step '{ctx.step}' has no route")  # prevented by flows check
        choices = dict(route.set)
        return Context(
            step=route.goto,
            lang=choices.get("language", ctx.lang),
            topic=choices.get("topic", ctx.topic),
            referral=choices.get("referral", ctx.referral),
            tries=1,
            org=choices.get("referral_org", ctx.org),
        )

    def topic_of(self, ctx: Context) -> str:
        return ctx.topic or self.flow.default_topic

    # -- rendering --------------------------------------------------------------------------

    def recall(self, key) -> tuple[str, str] | None:
        """A kept answer and the step it presents ('' for none: the queue or a callback)."""
        return self._answers.get(key)

    def remember(self, key, xml: str, step: str = "") -> None:
        if len(self._answers) < 10_000:
            self._answers[key] = (xml, step)

    def render_xml(self, outcome: Outcome) -> str:
        """TwiML text for a step without placeholders; the same outcome always renders the
        same, so it is built once per process."""
        cached = self._rendered.get(outcome)
        if cached is None:
            cached = str(self.render(outcome))
            if len(self._rendered) < 10_000:
                self._rendered[outcome] = cached
        return cached

    def render(self, outcome: Outcome, values: dict | None = None) -> VoiceResponse:
        """TwiML for a menu or say step."""
        ctx, flow = outcome.ctx, self.flow
        step = flow.step(ctx.step)
        response = VoiceResponse()
        if step.type == "say":
            twiml.say(response, flow, step.prompt, ctx.lang, values)
            if step.hangup:
                response.hangup()
            else:
                response.redirect(
                    twiml.url("/voice/step", **replace(ctx, step=step.goto, tries=1).query())
                )
            return response
        path = "/voice/queue/ask" if step.in_wait else "/voice/step"
        hints = [phrase for o in self.options(ctx) for phrase in o.speech[ctx.lang]]
        gather = twiml.gather(
            flow,
            ctx.lang,
            twiml.url(path, **ctx.query()),
            hints=hints,
            timeout=step.timeout,
        )
        pause = step.pause
        if outcome.notice:
            twiml.say(gather, flow, outcome.notice, ctx.lang, pause=pause)
        slow = ctx.tries >= 2
        if ctx.only:  # the follow-up question after a tie
            twiml.say(gather, flow, "tie_question", ctx.lang, pause=pause, slow=slow)
            for option in self.options(ctx):
                topic = flow.topics.get(option.route.set.get("topic", ""))
                if option.key == PERSON_KEY or topic is None:
                    continue
                name = topic.name[ctx.lang]
                values = {"topic": name[:1].upper() + name[1:], "key": option.key}
                twiml.say(gather, flow, "tie_option", ctx.lang, values, pause=pause, slow=slow)
            twiml.say(gather, flow, "tie_end", ctx.lang, pause=pause, slow=slow)
        else:
            prompt = step.prompt
            # try 2 is said more slowly; from try 3 (from try 2 when only 2 are allowed) also
            # with fewer options
            short_from = 2 if (step.max_tries or flow.setting("max_tries")) <= 2 else 3
            if step.short_prompt and ctx.tries >= short_from:
                prompt = step.short_prompt
            twiml.say(gather, flow, prompt, ctx.lang, values, slow=slow, pause=pause)
        response.append(gather)
        response.redirect(twiml.url(path, **ctx.query(silent=1)), method="POST")
        return response
