"""Model of ``kq.yaml``: every number of DOMAIN.md, with its default.

``kq init`` writes this file out with every default and a comment; a repository's file only
needs the keys it changes.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator, model_validator

from .enums import InteractionKind, Kind, RepRole
from .types import N_, Aliased, Clock, Day, DayPair, Invalid, check_most, check_pair, listing

FESTIVAL_KEYS = ("new_year", "spring_festival", "lantern", "qingming", "labour_day", "dragon_boat",
                 "mid_autumn", "national_day", "double_ninth", "winter_solstice")
"""The festivals core.dates knows (kept equal to ``dates.FESTIVALS`` by a test)."""


class Section(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Rep(Section):
    """A member of the team; ``left`` marks a rep who left, whose customers become orphans;
    ``role`` picks the scorecards of the customers they own (``score.cards``)."""

    name: str
    left: Day | None = None
    region: str | None = None
    role: Aliased(RepRole) = Field(RepRole.rep, description="rep (业务代表) | terminal_supervisor "
                                   "| business_supervisor | province_manager | terminal_staff")


class Cadences(Section):
    """Visit cadence ``[shows-from, due]`` in days since the last in-person interaction."""

    key: DayPair = Field((3, 5), description="key terminal (重点): every 3-5 days")
    secondary: DayPair = Field((7, 10), description="secondary terminal (次重点): every 7-10 days")
    normal: DayPair = Field((25, 30), description="normal terminal (非重点): monthly")
    distributor: DayPair = Field((25, 30), description="distributor field visit: monthly")
    untiered: DayPair = Field((25, 30), description="any customer without a tier")

    @field_validator("*")
    @classmethod
    def _ordered(cls, pair: tuple[int, int]) -> tuple[int, int]:
        return check_pair(pair)


class CareCalls(Section):
    """Emotional care calls (情感电话): periodic, at deliberately irregular intervals."""

    min_days: int = Field(20, ge=1)
    max_days: int = Field(40, ge=1)
    lead: int = Field(3, ge=0)
    tiers: list[str] = Field(["key", "secondary"], description="tiers that get care calls")

    @field_validator("min_days", "max_days", "lead")
    @classmethod
    def _bounded(cls, days: int) -> int:
        return check_most(days)

    @model_validator(mode="after")
    def _interval_ordered(self) -> CareCalls:
        if self.min_days > self.max_days:
            raise Invalid(N_("min_days {low} is above max_days {high}: a care call comes "
                             "min_days to max_days after the last one"),
                          low=self.min_days, high=self.max_days)
        return self


class FollowUp(Section):
    """Calls after goods arrive: first 3 days after a delivery, second 7 days after the first."""

    first: int = Field(3, ge=0)
    second: int = Field(7, ge=0)
    lead: int = Field(1, ge=0)
    window: int = Field(30, ge=1, description="deliveries older than this are not followed up")

    @field_validator("*")
    @classmethod
    def _bounded(cls, days: int) -> int:
        return check_most(days)


class Leads(Section):
    """How many days ahead each occasion starts to show in ``kq due``."""

    visit: int = Field(0, ge=0, description="0: from the cadence's shows-from day")
    route: int = Field(0, ge=0)
    next_action: int = Field(1, ge=0)
    birthday: int = Field(7, ge=0)
    anniversary: int = Field(21, ge=0, description="longer: time to offer promotion support")
    holiday: int = Field(10, ge=0)
    event: int = Field(14, ge=0, description="weddings and births: congratulate ahead")
    report_missing: int = Field(0, ge=0)
    expense_statement: int = Field(3, ge=0)
    expense_check: int = Field(3, ge=0, description="the manager's check of the statements")

    @field_validator("*")
    @classmethod
    def _bounded(cls, days: int) -> int:
        return check_most(days)


class Risk(Section):
    """Risk signals: accounts that are slipping away (lessons of the case studies)."""

    falling_months: int = Field(3, ge=2, description="collections or sell-out falling N months")
    decline_min: float = Field(0.05, ge=0, lt=1, description="a month is falling when at least "
                               "this share below the month before (0.05: 5 %)")
    inventory_ratio: float = Field(2.0, gt=0, description="inventory above N x monthly sell-out")
    competitor_new_days: int = Field(60, ge=1, description="competitor product carried < N days")
    untouched_factor: float = Field(2.0, gt=0, description="key account untouched N x cadence")
    dumping_share: float = Field(0.3, gt=0, le=1, description="cross-region dumping (冲货): "
                                 "shipments less sell-out and inventory increase above this "
                                 "share of shipments")
    shelf_days: int = Field(30, ge=1, description="a product's latest shelf check (kq shelf) "
                            "tells its risks for N days")

    @field_validator("falling_months", "competitor_new_days", "untouched_factor", "shelf_days")
    @classmethod
    def _bounded(cls, value: float, info: ValidationInfo) -> float:
        return check_most(value, {"falling_months": 120, "untouched_factor": 100}.get(
            info.field_name or "", 3650))


class Greet(Section):
    """Customers who get a personal festival greeting: these tiers, and these kinds whatever
    their tier."""

    tiers: list[str] = ["key", "secondary"]
    kinds: list[str] = ["key_account", "distributor"]


class Due(Section):
    """Occasions, report deadlines and the working-day calendar of ``kq due``."""

    holidays: list[str] = Field(
        ["new_year", "spring_festival", "lantern", "qingming", "labour_day", "dragon_boat",
         "mid_autumn", "national_day", "double_ninth", "winter_solstice"],
        description="festivals that call for greetings",
    )
    report_day: int = Field(10, ge=1, le=28, description="last month's figures due by this day")
    intel_sources: int = Field(2, ge=1, description="independent sources before a claim is trusted")
    extra_days_off: list[Day] = Field([], description="days off the holiday calendar lacks")
    extra_working_days: list[Day] = Field([], description="adjusted working days it lacks")
    greeting_grace_days: int = Field(
        7, ge=0, le=366, description="a missed birthday, anniversary, festival or happy event "
                                     "stays overdue this long")
    greet: Greet = Field(Greet(),
                         description="who gets a festival greeting of their own")
    follow_up_kinds: list[str] = Field(["call", "visit"],
                                       description="interactions that count as a delivery follow-up")
    care_call_kinds: list[str] = Field(
        ["key_account", "distributor"],
        description="kinds that get care calls whatever their tier (besides care_calls.tiers)")
    deep_visit_days: DayPair = Field((25, 30), description="蹲点 deep visit of a key terminal: "
                                     "[shows-from, due] days since the last one")
    season_lead_days: int = Field(14, ge=0, le=366, description="a seasonal buyer's visit "
                                  "shows this many days before the 1st of its season's month")
    alert_kinds: list[str] = Field(["call", "care_call", "visit", "deep_visit"],
                                   description="interactions that answer a day of an area alert")
    greeting_kinds: list[str] = Field(
        ["call", "visit", "deep_visit", "gift", "wechat"],
        description="interactions that greet a birthday, anniversary, festival, wedding or "
                    "birth: logged for it (for:) from its lead time, or on or after its day")
    condolence_kinds: list[str] = Field(
        ["call", "visit", "deep_visit"],
        description="interactions that answer an illness or bereavement, on or after it")
    coverage_kinds: list[str] = Field(["key_account", "distributor"],
                                      description="kinds whose decision makers must be covered: "
                                      "a monthly reminder while no contact has a decision level")
    decision_levels: list[str] = Field(["manager", "executive"],
                                       description="contact levels that count as decision makers")
    issue_days: int = Field(3, ge=0, le=366, description="a complaint or return (kq issue) "
                            "is overdue this many days after it was opened")

    @field_validator("deep_visit_days")
    @classmethod
    def _deep_visit_ordered(cls, pair: tuple[int, int]) -> tuple[int, int]:
        return check_pair(pair)

    @field_validator("greeting_kinds", "condolence_kinds")
    @classmethod
    def _interaction_kinds(cls, kinds: list[str]) -> list[str]:
        known = [k.value for k in InteractionKind]
        unknown = [k for k in kinds if k not in known]
        if unknown:
            raise Invalid(N_("{values}: not an interaction kind (use {known})"),
                          values=listing(unknown), known=", ".join(known))
        return kinds

    @field_validator("holidays")
    @classmethod
    def _known_festivals(cls, names: list[str]) -> list[str]:
        unknown = [n for n in names if n not in FESTIVAL_KEYS]
        if unknown:
            raise Invalid(N_("{values}: not a festival kq knows (use {known})"),
                          values=listing(unknown), known=", ".join(FESTIVAL_KEYS))
        return names

    @model_validator(mode="after")
    def _day_off_or_working(self) -> Due:
        both = sorted(set(self.extra_days_off) & set(self.extra_working_days))
        if both:
            raise Invalid(N_("{days}: listed in both extra_days_off and extra_working_days"),
                          days=", ".join(d.isoformat() for d in both))
        return self


class Urgency(Section):
    """Urgency = reason weight + overdue_per_day x days late + tier, grade and kind terms."""

    reasons: dict[str, float] = {
        "event": 15.0, "orphan": 9.0, "risk": 8.0, "follow_up": 7.0, "route": 7.0,
        "next_action": 6.0, "visit": 5.0, "expense_statement": 5.0, "birthday": 4.0,
        "report_missing": 4.0, "anniversary": 3.0, "opening": 4.0, "holiday": 3.0, "care_call": 2.0,
        "intel_unconfirmed": 1.0, "deep_visit": 4.0, "alert": 12.0, "expense_check": 5.0,
        "pool": 6.0, "handover": 8.0, "coverage": 3.0, "issue": 10.0,
    }
    misfortune: float = Field(20.0, description="added for illness and bereavement: call at once")
    overdue_per_day: float = 0.5
    overdue_cap: float = 10.0
    ahead_per_day: float = Field(0.2, description="subtracted per day a reminder is still ahead")
    tier: dict[str, float] = {"key": 3.0, "secondary": 1.5, "normal": 0.0}
    grade: dict[str, float] = {"A": 2.0, "B": 1.0, "C": 0.0, "near": 1.5, "later": 0.5}
    kind: dict[str, float] = {"key_account": 3.0, "distributor": 2.0, "terminal": 0.0}

    @field_validator("reasons")
    @classmethod
    def _default_reasons(cls, reasons: dict[str, float]) -> dict[str, float]:
        """A kq.yaml written before a reason existed still weighs it by its default."""
        return {**cls.model_fields["reasons"].default, **reasons}


class ScoreItem(Section):
    key: str
    label: str
    points: int = Field(10, ge=1)
    target: float | None = Field(None, description="count that earns full points (a month's "
                                 "feedback or contacts; levels or functions spanned)")


DEFAULT_CARD = [
    ScoreItem(key="relationship_cards", label="店员关系卡建立与记忆度"),
    ScoreItem(key="mutual_recognition", label="店员双向认识"),
    ScoreItem(key="mutual_familiarity", label="店员双向熟悉"),
    ScoreItem(key="visit_frequency", label="拜访频率与拜访目标达成"),
    ScoreItem(key="favour", label="帮店员、药店忙一件事"),
    ScoreItem(key="first_recommendation", label="店员产品首荐率"),
    ScoreItem(key="pop_display", label="免费发布POP或者陈列"),
    ScoreItem(key="product_knowledge", label="店员产品知识熟悉程度"),
    ScoreItem(key="feedback", label="店员信息反馈数量质量", target=4),
    ScoreItem(key="regular_communication", label="与店员沟通定期定量", target=8),
]


KEY_ACCOUNT_CARD = [
    ScoreItem(key="relationship_cards", label="关系卡建立与记忆度"),
    ScoreItem(key="levels", label="层级覆盖 (从员工到高层)", target=3),
    ScoreItem(key="functions", label="职能覆盖 (采购、财务、物流、销售…)", target=4),
    ScoreItem(key="mutual_familiarity", label="双向熟悉"),
    ScoreItem(key="visit_frequency", label="拜访频率与拜访目标达成"),
    ScoreItem(key="regular_communication", label="定期定量沟通", target=8),
    ScoreItem(key="favour", label="帮客户忙一件事"),
    ScoreItem(key="feedback", label="信息反馈数量质量", target=4),
    ScoreItem(key="changes_reported", label="经营变化反馈"),
    ScoreItem(key="figures_on_time", label="出销、库存、动销按时上报"),
]
"""The key-account card (大客户): how far the relationship reaches into the account (levels
and functions: ordinary, partner, strategic), the visits and communication, and the
information work (changes reported, figures reported on time)."""

DISTRIBUTOR_INFORMATION = [
    ScoreItem(key="changes_reported", label="经营变化反馈"),
    ScoreItem(key="figures_on_time", label="出销、库存、动销按时上报"),
]


class SynergyFactor(Section):
    key: str
    label: str
    weight: float = Field(gt=0)
    side: str = Field(description="supplier: what we require · distributor: what they require")


DEFAULT_SYNERGY = [
    SynergyFactor(key="loyalty", label="忠诚度", weight=3, side="supplier"),
    SynergyFactor(key="price_discipline", label="自律, 不低价竞争", weight=3, side="supplier"),
    SynergyFactor(key="promotion", label="市场推广", weight=2, side="supplier"),
    SynergyFactor(key="maintenance", label="市场维护", weight=2, side="supplier"),
    SynergyFactor(key="business_advice", label="日常业务建议", weight=2, side="distributor"),
    SynergyFactor(key="market_development", label="市场开发工作", weight=2, side="distributor"),
    SynergyFactor(key="supply", label="供货及时", weight=3, side="distributor"),
    SynergyFactor(key="margin", label="利润空间", weight=3, side="distributor"),
]


CARD_KINDS = ("default", *(k.value for k in Kind))


def distributor_card(synergy: list[SynergyFactor]) -> list[ScoreItem]:
    """The distributor card: the Synergy table (its points: the table's maximum, weight x 4
    summed) and the information work."""
    points = max(1, round(sum(f.weight * 4 for f in synergy)))
    return [ScoreItem(key="synergy", label="Synergy 合作分析", points=points),
            *DISTRIBUTOR_INFORMATION]


class Score(Section):
    """Month-end scorecards, keyed by the owner's role and the customer's kind. A customer is
    scored on ``ROLE.KIND`` (its owner's role, its kind), else ``ROLE``, else ``KIND``, else
    ``default`` (the clerk card 店员关系卡, for terminals). Key accounts and distributors have
    cards of their own unless kq.yaml gives them one."""

    cards: dict[str, list[ScoreItem]] = Field(
        {"default": DEFAULT_CARD},
        description="scorecards by customer kind ('default': the rest), by the owner's role "
                    "(reps[].role), or by both (province_manager.distributor)",
    )
    synergy: list[SynergyFactor] = DEFAULT_SYNERGY

    @field_validator("cards")
    @classmethod
    def _known_keys(cls, cards: dict[str, list[ScoreItem]]) -> dict[str, list[ScoreItem]]:
        roles = [r.value for r in RepRole]
        for key in cards:
            role, dot, kind = key.partition(".")
            if dot and (role not in roles or kind not in CARD_KINDS[1:]):
                raise Invalid(N_("{key}: a role's card for a kind is ROLE.KIND, e.g. "
                                 "province_manager.distributor (roles: {roles}; kinds: {kinds})"),
                              key=repr(key), roles=", ".join(roles),
                              kinds=", ".join(CARD_KINDS[1:]))
            if not dot and key not in CARD_KINDS and key not in roles:
                raise Invalid(N_("{key}: not a customer kind or a rep role (use {kinds}, "
                                 "{roles}, or ROLE.KIND)"),
                              key=repr(key), kinds=", ".join(CARD_KINDS), roles=", ".join(roles))
        return cards

    @model_validator(mode="after")
    def _own_cards(self) -> Score:
        """Key accounts and distributors are not scored on the clerk card: each has its own
        unless kq.yaml names one (a kq.yaml that lists only ``default`` gets them too)."""
        own = {"key_account": KEY_ACCOUNT_CARD, "distributor": distributor_card(self.synergy)}
        self.cards = {**self.cards, **{k: v for k, v in own.items() if k not in self.cards}}
        return self


class Qualified(Section):
    """A 现有客户 meets the standard (合格, grade A or B; C 不合格 when not) with collections in
    ``collections`` and figures reported by ``due.report_day`` in ``on_time`` of the last
    ``months`` months whose report is due."""

    months: int = Field(3, ge=1, description="the last N months whose figures are due")
    collections: int = Field(2, ge=0, description="months with collections above 0 among them")
    on_time: int = Field(2, ge=0, description="months reported on time among them")

    @field_validator("months")
    @classmethod
    def _bounded(cls, months: int) -> int:
        return check_most(months, 120)

    @model_validator(mode="after")
    def _within_the_months(self) -> Qualified:
        for name in ("collections", "on_time"):
            if getattr(self, name) > self.months:
                raise Invalid(N_("{name} {value} is above months {months}: it counts months "
                                 "among the last {months}"),
                              name=name, value=getattr(self, name), months=self.months)
        return self


class Classify(Section):
    tiers: dict[str, float] = Field(
        {"key": 20, "secondary": 20, "normal": 30},
        description="per owner: counts, or shares when below 1 (0.2 = top 20%)",
    )
    weights: dict[str, float] = {
        "turnover": 0.4, "consumers": 0.2, "strength": 0.2, "management": 0.2,
    }
    abc: dict[str, float] = Field({"A": 0.8, "B": 0.95}, description="cumulative collection "
                                  "share: the abc column (Pareto), never the grade")
    abc_months: int = 12
    inactive_months: int = Field(3, description="a prospect's paying run ends in these last "
                                 "months")
    active_after_months: int = Field(2, description="a prospect becomes active after collections "
                                     "in this many consecutive reported months (持续回款)")
    key_min_revenue: float | None = Field(None, ge=0, description="never suggest key below this "
                                          "annual revenue (business.annual_revenue); null: no floor")
    qualified: Qualified = Field(Qualified(), description="grade: C below this standard; A "
                                 "for the key tier above it, B for the others")

    @field_validator("abc_months", "inactive_months", "active_after_months")
    @classmethod
    def _months(cls, months: int) -> int:
        if months < 1:
            raise Invalid(N_("{value} is below the minimum {limit}"), value=repr(months), limit=1)
        return check_most(months, 1200)

    @field_validator("abc")
    @classmethod
    def _shares_ordered(cls, abc: dict[str, float]) -> dict[str, float]:
        if any(not 0 < share <= 1 for share in abc.values()):
            raise Invalid(N_("cumulative shares are above 0 and at most 1, e.g. {example}"),
                          example="{A: 0.8, B: 0.95}")
        if abc.get("A", 0) > abc.get("B", 1):
            raise Invalid(N_("A {a} is above B {b}: A takes the first cumulative share, B the "
                             "next, e.g. {example}"), a=abc["A"], b=abc["B"],
                          example="{A: 0.8, B: 0.95}")
        return abc


class Expenses(Section):
    """Relationship expenses (客情费): paid only after the sale is made and the money collected."""

    advance_cap: float = Field(3000, description="each rep's cash advance cap, CNY")
    statement_working_day: int = Field(3, ge=1, description="monthly statement due (3rd working day)")
    check_working_day: int = 8
    pay_working_day: int = 9
    spot_checks: int = Field(3, description="customers per rep the manager spot-checks")
    max_share: float = Field(0.05, description="expenses above this share of collections are flagged")
    allowed_roles: list[str] = Field(
        ["采购", "采购经理", "店长", "老板"],
        description="客情费使用范围: contacts in exactly one of these roles may receive expenses, "
                    "besides any with function purchasing or level executive")
    event_purposes: list[str] = Field(
        ["event", "活动", "发布会", "联谊会"],
        description="an expense with exactly one of these purposes is for the customer's event "
                    "and needs no recipient")

    @field_validator("allowed_roles")
    @classmethod
    def _roles_named(cls, roles: list[str]) -> list[str]:
        if any(not role.strip() for role in roles):
            raise Invalid(N_("an empty role names nobody: name each role, e.g. "
                             "[采购, 采购经理, 店长, 老板] ([]: only function and level count)"))
        return roles

    @field_validator("statement_working_day", "check_working_day", "pay_working_day")
    @classmethod
    def _working_day(cls, n: int) -> int:
        if not 1 <= n <= 23:
            raise Invalid(N_("{value}: a working day of the month is 1-23"), value=repr(n))
        return n

    @model_validator(mode="after")
    def _statement_check_pay(self) -> Expenses:
        days = (self.statement_working_day, self.check_working_day, self.pay_working_day)
        if list(days) != sorted(days):
            raise Invalid(N_("the statement comes first, then the check, then the pay: "
                             "statement_working_day <= check_working_day <= pay_working_day "
                             "(now {statement}, {check}, {pay})"),
                          statement=days[0], check=days[1], pay=days[2])
        return self


class Alert(Section):
    """An area alert (重大环境事件: flood, typhoon, epidemic, water cut): call the customers
    whose region starts with ``region`` every day from ``from`` to ``to``."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    region: str = Field(min_length=1)
    start: Day = Field(alias="from")
    end: Day = Field(alias="to")
    note: str | None = None

    @model_validator(mode="after")
    def _ordered(self) -> Alert:
        if self.end < self.start:
            raise Invalid(N_("to {end} is before from {start}"),
                          end=self.end.isoformat(), start=self.start.isoformat())
        return self


class Pool(Section):
    """The customer pool (公海): a customer nobody visits goes back to a shared pool any rep
    may claim (``kq pool``, ``kq claim``)."""

    after_days: int = Field(90, ge=1, description="no in-person interaction this long: in the pool")
    kinds: list[str] = Field(["terminal"], description="customer kinds the pool takes")
    departed_days: int = Field(30, ge=0, description="a departed rep's customer joins the pool "
                                                     "this many days after the rep left")

    @field_validator("after_days", "departed_days")
    @classmethod
    def _bounded(cls, days: int) -> int:
        return check_most(days)


class Calendar(Section):
    """kq calendar: when the phone's alarms ring."""

    travel_minutes: int = Field(30, ge=0, le=24 * 60, description="a route visit's alarm rings "
                                "this many minutes before it: time to get there")
    alarm_time: Clock = Field("09:00", description="an all-day event's alarm rings at this time "
                              "on the day its lead time begins (kq calendar --alarm-at wins)")


class Plan(Section):
    """kq plan: the working day, how long a visit takes, how fast the rep travels."""

    day: tuple[Clock, Clock] = Field(("08:30", "17:30"), description="the working day, "
                                     "[start, end]")
    minutes: dict[str, int] = Field(
        {"distributor": 60, "terminal": 30, "key": 45, "squat": 90, "other": 30},
        description="a visit's expected length by kind (distributor, terminal), 'key' for a key "
                    "account or tier-A terminal, 'squat' for 蹲点, 'other' for the rest")
    speed_kmh: float = Field(25, gt=0, le=200, description="travel speed between located "
                             "customers, km/h, as the crow flies")
    same_region_minutes: int = Field(15, ge=0, le=24 * 60, description="travel between "
                                     "customers without a location, same region")
    other_region_minutes: int = Field(40, ge=0, le=24 * 60, description="travel between "
                                      "customers without a location, different regions")

    @field_validator("day")
    @classmethod
    def _ordered(cls, day: tuple[str, str]) -> tuple[str, str]:
        if day[0] >= day[1]:
            raise Invalid(N_("the day ends ({end}) before it starts ({start})"),
                          end=day[1], start=day[0])
        return day

    @field_validator("minutes")
    @classmethod
    def _lengths(cls, minutes: dict[str, int]) -> dict[str, int]:
        wrong = [k for k, v in minutes.items() if not 1 <= v <= 24 * 60]
        if wrong:
            raise Invalid(N_("{kinds}: a visit takes 1-1440 minutes"), kinds=", ".join(wrong))
        return minutes


class Product(Section):
    """A product (SKU) the shelf check knows: its price band, minimum facings and stock."""

    price: tuple[float, float] | None = Field(None, description="[lowest, highest] suggested "
                                              "shelf price, yuan")
    facings: int | None = Field(None, ge=0, le=10_000, description="minimum facings (排面)")
    stock: int | None = Field(None, ge=0, le=1_000_000, description="fewest units in stock "
                              "at the store (库存) before it is a risk")

    @field_validator("price")
    @classmethod
    def _band(cls, band: tuple[float, float] | None) -> tuple[float, float] | None:
        if band is not None and not 0 <= band[0] <= band[1]:
            raise Invalid(N_("[{low}, {high}] is not a price band [lowest, highest]"),
                          low=band[0], high=band[1])
        return band


class Git(Section):
    autocommit: bool = Field(True, description="commit every write kq makes")


class Check(Section):
    """Limits on what kq reads, so no file in the repository can hang or exhaust it."""

    max_file_bytes: int = Field(5_000_000, ge=1, description="larger customer files are "
                                "reported, not read (5 MB; a real one is a few KB)")


class Settings(Section):
    """Everything in ``kq.yaml``."""

    reps: list[Rep] = []
    cadence: Cadences = Cadences()
    care_calls: CareCalls = CareCalls()
    follow_up: FollowUp = FollowUp()
    leads: Leads = Leads()
    risk: Risk = Risk()
    due: Due = Due()
    urgency: Urgency = Urgency()
    score: Score = Score()
    classify: Classify = Classify()
    expenses: Expenses = Expenses()
    alerts: list[Alert] = Field([], description="area alerts: a daily call while each lasts "
                                                 "(kq alert)")
    pool: Pool | None = Field(None, description="the customer pool (公海); absent: no pool")
    calendar: Calendar = Calendar()
    plan: Plan = Plan()
    products: dict[str, Product] = Field({}, description="SKU -> {price: [lo, hi], facings: N}: "
                                         "what kq shelf checks against")
    lang: Literal["zh", "en"] | None = Field(None, description="the language kq speaks in "
                                             "this repository (zh | en); --lang, KQ_LANG win, "
                                             "and it wins over the locale")
    timezone: str = Field("Asia/Shanghai", description="time zone of the timed events kq "
                          "calendar writes (an IANA name, e.g. Asia/Urumqi)")
    git: Git = Git()
    check: Check = Check()

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, name: str) -> str:
        """A zone the time-zone database knows, so a typo stops here and not on the phone."""
        from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

        try:
            ZoneInfo(name)
        except (ZoneInfoNotFoundError, ValueError, OSError):  # OSError: a folder, a long name
            raise Invalid(N_("{value} is not a time zone; write an IANA name such as "
                             "Asia/Shanghai"), value=repr(name)) from None
        return name

    def departed(self) -> dict[str, dt.date]:
        """Reps who left, and when: their customers are orphans."""
        return {r.name: r.left for r in self.reps if r.left is not None}
