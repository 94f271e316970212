"""Schema v1 of a customer file (CONTRACT.md). The only place customer fields are defined."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from .enums import (
    AckReason,
    Done,
    EventKind,
    ExpenseKind,
    Function,
    Gender,
    Grade,
    InteractionKind,
    IssueKind,
    Kind,
    Level,
    ProductRole,
    ProductStage,
    Relationship,
    Stage,
    Status,
    Style,
    Tier,
    Weekday,
)
from .reasons import OCCASIONS, OTHERS, closest_reason, reason_key
from .types import (
    N_,
    Aliased,
    Amount,
    Clock,
    Day,
    DayPair,
    Invalid,
    LunarDay,
    PhoneText,
    YearMonth,
    check_pair,
)

SCHEMA_VERSION = 1


class Strict(BaseModel):
    """Unknown keys are errors: a typo must never pass silently."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class Event(Strict):
    """A family event of a contact: congratulate (wedding, birth) or call at once (illness, bereavement)."""

    date: Day
    kind: Aliased(EventKind) = EventKind.other
    note: str | None = None


class Contact(Strict):
    """A person at the customer: owner, buyer, clerk (店员). The relationship card (关系卡)."""

    name: str
    role: str | None = None
    gender: Aliased(Gender) | None = None
    phone: PhoneText | None = None
    wechat: PhoneText | None = None
    birthday: Day | None = Field(None, description="Gregorian birthday")
    lunar_birthday: LunarDay | None = Field(None, description='"MM-DD"; leap month "LMM-DD"')
    style: Aliased(Style) | None = Field(None, description="decision style (决策风格)")
    familiarity: int | None = Field(
        None, ge=0, le=3, description="0 none · 1 know each other · 2 familiar · 3 close"
    )
    function: Aliased(Function) | None = None
    level: Aliased(Level) | None = None
    hobbies: list[str] = []
    personality: str | None = None
    family: str | None = None
    address: str | None = None
    events: list[Event] = []


class Route(Strict):
    """A fixed weekly visit: same weekday and time every week (key accounts)."""

    weekday: Aliased(Weekday)
    time: Clock | None = None


class Business(Strict):
    categories: list[str] = []
    main_line: str | None = None
    annual_revenue: Amount | None = Field(None, description="营业额, CNY per year")
    consumers: int | None = Field(None, ge=0, description="consumer base (终端消费者资源)")
    strength: int | None = Field(None, ge=1, le=5, description="economic strength 1-5 (经济实力)")
    management: int | None = Field(None, ge=1, le=5, description="management level 1-5 (经营水平)")
    brands: dict[str, float] = Field({}, description="brand -> share of the customer's business")


class Network(Strict):
    """Sales network of a distributor or chain (active or nearly signed customers)."""

    stores: int | None = Field(None, ge=0)
    franchise_stores: int | None = Field(None, ge=0)
    counters: int | None = Field(None, ge=0)
    city: int | None = Field(None, ge=0)
    county: int | None = Field(None, ge=0)
    township: int | None = Field(None, ge=0)
    note: str | None = None


class Logistics(Strict):
    carrier: str | None = None
    address: str | None = None
    contact: str | None = None
    phone: PhoneText | None = None
    price: Amount | None = None
    turnaround_days: int | None = Field(None, ge=0)
    reliability: str | None = None


class Product(Strict):
    """A product carried, with its role in the profit chain (利润链) and its life-cycle stage."""

    name: str
    role: Aliased(ProductRole) | None = None
    stage: Aliased(ProductStage) | None = None
    brand: str | None = None
    competitor: bool = Field(False, description="a competing brand's product (竞品)")
    since: Day | None = None


class NextStep(Strict):
    """A step agreed at an interaction; open until ``done_on`` is written (``kq done``)."""

    date: Day
    action: str
    done_on: Day | None = Field(None, description="the day the step was done")
    note: str | None = None


class ShelfCheck(Strict):
    """One product checked on the shelf at a visit (铺货 / 陈列 / 价格 / 库存): ``kq shelf``."""

    sku: str = Field(min_length=1, description="the product, as kq.yaml products names it")
    facings: int | None = Field(None, ge=0, le=10_000, description="facings on the shelf (排面); "
                                "0: not on the shelf")
    price: Amount | None = Field(None, description="the shelf price, yuan")
    stock: int | None = Field(None, ge=0, le=10_000_000, description="units in stock (库存)")
    pop: bool | None = Field(None, description="POP or display material up (陈列/POP)")


class Interaction(Strict):
    """One entry of the communication log: a visit, call, WeChat, delivery, ..."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, populate_by_name=True,
                              serialize_by_alias=True)

    date: Day
    kind: Aliased(InteractionKind) = InteractionKind.visit
    contact: str | None = None
    for_: list[str] = Field([], alias="for", description="the occasions it greets, as kq due's "
                            "reasons: birthday, anniversary, opening, holiday, event")
    goal: str | None = None
    outcome: str | None = None
    done: list[Aliased(Done)] = []
    next: NextStep | None = None
    note: str | None = None
    planned: bool = Field(False, description="planned ahead (kq log --planned): not done, so "
                          "not counted by the rules; log it again once it is done")
    at: Clock | None = Field(None, description='when it began, "HH:MM" (kq checkin, --at)')
    minutes: int | None = Field(None, ge=1, le=24 * 60, description="how long it took "
                                "(kq checkout, --minutes)")
    photos: list[str] = Field([], description="pictures kept in the repository, "
                              "media/ID/DATE-N.jpg (--photo)")
    shelf: list[ShelfCheck] = Field([], description="products checked on the shelf (kq shelf)")

    @field_validator("for_", mode="before")
    @classmethod
    def _one_reason(cls, value: Any) -> Any:
        return [value] if isinstance(value, str) else value  # "for: birthday" means one

    @field_validator("for_")
    @classmethod
    def _known_reasons(cls, reasons: list[str]) -> list[str]:
        keys = []
        for text in reasons:
            key = reason_key(text)
            if key is None:
                raise _unknown_reason(text)
            if key not in keys:
                keys.append(key)
        return keys


def _unknown_reason(text: str) -> Invalid:
    """Why ``text`` is not a reason, naming the closest and the occasions (as the core's
    :func:`~kqcli.core.interaction.unknown_reason_message` does, as a message)."""
    close = closest_reason(text)
    values = {"text": repr(text), "occasions": ", ".join(OCCASIONS), "others": ", ".join(OTHERS)}
    if close:
        return Invalid(N_("{text} is not a reason of kq due (did you mean {name}? occasions: "
                          "{occasions}; or {others})"), name=close, **values)
    return Invalid(N_("{text} is not a reason of kq due (occasions: {occasions}; or {others})"),
                   **values)


class Month(Strict):
    """What the customer reported for one month, and what we booked."""

    collections: Amount | None = Field(None, description="回款额")
    shipments: Amount | None = Field(None, description="提货/发货")
    inventory: Amount | None = Field(None, description="库存")
    sell_out: Amount | None = Field(None, description="出销量")
    movement: Amount | None = Field(None, description="动销")
    stockout: bool | None = None
    reported: Day | None = Field(None, description="the day the customer reported the figures")
    changes: str | None = Field(None, description="changes in the customer's business (经营变化)")
    waived: Day | None = Field(None, description="the day the month was waived: it will never "
                                                 "be reported and is no longer owed (kq figures --waive)")
    note: str | None = Field(None, description="why the month was waived")


class Expense(Strict):
    """A relationship expense (客情费)."""

    date: Day
    amount: Amount
    purpose: str | None = None
    recipient: str | None = None
    kind: Aliased(ExpenseKind) = ExpenseKind.regular
    applied: Day | None = Field(None, description="when a special expense was applied for")
    advance: bool = Field(False, description="paid from the rep's cash advance")
    note: str | None = None


class Intel(Strict):
    """A claim about the customer or a competitor; trusted from two independent sources."""

    date: Day
    claim: str
    sources: list[str] = []
    dismissed: Day | None = Field(None, description="the day the claim was dismissed as false")
    note: str | None = None


class Ack(Strict):
    """An acknowledged reminder (kq ack): the risk rows it saw (``seen``, a fingerprint of the
    figures each was computed from) stay hidden until ``until`` has passed, or for good while
    those figures stay the same; a risk computed from other figures is listed again."""

    reason: Aliased(AckReason)
    on: Day = Field(description="the day it was acknowledged")
    until: Day | None = Field(None, description="hidden through this day (none: until the "
                                                "figures change)")
    note: str | None = None
    seen: list[str] = Field([], description="fingerprints of the rows acknowledged, "
                                            "as kq ack wrote them")

    @model_validator(mode="after")
    def _until_after_on(self) -> Ack:
        if self.until is not None and self.until < self.on:
            raise Invalid(N_("until {until} is before on {on}"),
                          until=self.until.isoformat(), on=self.on.isoformat())
        return self


class Issue(Strict):
    """A complaint, return or other problem the customer raised (客诉): listed in kq due until
    it is closed (``kq issue CUSTOMER --close N --note T``)."""

    opened: Day = Field(description="the day it was raised")
    kind: Aliased(IssueKind) = IssueKind.complaint
    text: str = Field(min_length=1, description="what the customer said: 变质退货 12 箱")
    closed: Day | None = Field(None, description="the day it was settled")
    note: str | None = Field(None, description="how it was settled")

    @model_validator(mode="after")
    def _closed_after_opened(self) -> Issue:
        if self.closed is not None and self.closed < self.opened:
            raise Invalid(N_("closed {closed} is before opened {opened}"),
                          closed=self.closed.isoformat(), opened=self.opened.isoformat())
        return self


class Skip(Strict):
    """A planned visit moved (kq skip): the visit is not listed in kq due from ``date`` until
    ``to``, and the day's report (kq day) says why."""

    date: Day = Field(description="the day the visit was planned and not made")
    reason: str = Field(min_length=1, description="why: 店主不在, 下雨路断")
    to: Day | None = Field(None, description="the day it is listed again (none: the next "
                                             "working day after date)")

    @model_validator(mode="after")
    def _to_after_date(self) -> Skip:
        if self.to is not None and self.to <= self.date:
            raise Invalid(N_("to {to} is not after date {date}"),
                          to=self.to.isoformat(), date=self.date.isoformat())
        return self


class Handover(Strict):
    """The last change of owner as kq v2 wrote it; read as the last entry of ``owners`` (kq
    reassign and kq claim now append to ``owners`` instead)."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, populate_by_name=True,
                              serialize_by_alias=True)

    previous: str | None = Field(None, alias="from", description="the owner before")
    date: Day = Field(description="the day the customer changed hands")


class OwnerChange(Strict):
    """One change of owner (kq reassign, kq claim): from ``date`` on the customer is ``to``'s;
    months that end before it count for ``from``. The new owner visits within the customer's
    cadence, and a claimed customer leaves the pool from this day."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, populate_by_name=True,
                              serialize_by_alias=True)

    previous: str | None = Field(None, alias="from", description="the owner before")
    to: str | None = Field(None, description="the owner from this day on")
    date: Day = Field(description="the day the customer changed hands")


def _monthly_scores_within(value: dict[str, dict[str, int]], low: int,
                           high: int) -> dict[str, dict[str, int]]:
    for month, items in value.items():
        for item, score in items.items():
            if not low <= score <= high:
                raise Invalid(N_("{month}.{item}: {score} is outside {low}-{high}"),
                              month=month, item=item, score=score, low=low, high=high)
    return value


ASSESSMENT_KEYS = frozenset({"items", "by", "on", "note"})


class Assessment(Strict):
    """A manager's assessment of one month: the scorecard items scored (0-10), who assessed
    (``by``), when (``on``) and a remark (``note``), the assessor's signature and date of the
    manual's form. A v2 flat mapping of items (``2026-10: {feedback: 8}``) is read as ``items``."""

    items: dict[str, int] = Field({}, description="scorecard item -> points, 0-10")
    by: str | None = Field(None, description="who assessed (评分人)")
    on: Day | None = Field(None, description="the day of the assessment")
    note: str | None = Field(None, description="the assessor's remark")

    @model_validator(mode="before")
    @classmethod
    def _flat_items(cls, value: Any) -> Any:
        if isinstance(value, dict) and not ASSESSMENT_KEYS & set(value):
            return {"items": value}  # v2: the month's items themselves
        return value

    @model_validator(mode="after")
    def _scores_in_range(self) -> Assessment:
        for item, score in self.items.items():
            if not 0 <= score <= 10:
                raise Invalid(N_("{item}: {score} is outside 0-10"),  # a manager's points
                              item=item, score=score)
        return self


class Customer(Strict):
    """One customer file (客户档案). Only ``name`` is required."""

    name: str = Field(min_length=1)
    kind: Aliased(Kind) | None = None
    status: Aliased(Status) | None = None
    grade: Aliased(Grade) | None = Field(None, description="active: A|B|C; prospect: near|later")
    tier: Aliased(Tier) | None = None
    relationship: Aliased(Relationship) | None = None
    stage: Aliased(Stage) | None = None
    owner: str | None = None
    owners: list[OwnerChange] = Field([], description="who owned it when: the changes of "
                                      "owner, oldest first, {from, to, date}")
    handover: Handover | None = Field(None, description="v2: the last change of owner, "
                                      "{from, date}; read as the last entry of owners")
    region: str | None = None
    address: str | None = None
    location: tuple[float, float] | None = Field(None, description="[latitude, longitude] of "
                                                 "the store, degrees (WGS-84): kq plan's travel")
    phone: PhoneText | None = Field(None, description="the store's own phone (门店电话), "
                                    "not a contact's")
    tags: list[str] = []
    since: Day | None = Field(None, description="cooperation / contract start")
    anniversary: Day | None = Field(None, description="store opening date (店庆)")
    route: Route | None = None
    cadence: DayPair | None = Field(None, description="[shows-from, due] days between visits")
    seasons: list[int] = Field([], description="months a seasonal buyer orders in: visit "
                                               "before each instead of the monthly cadence")
    notes: str | None = None
    business: Business | None = None
    network: Network | None = None
    logistics: Logistics | None = None
    contacts: list[Contact] = []
    products: list[Product] = []
    visits: list[Interaction] = Field([], description="the interaction log, oldest first")
    months: dict[YearMonth, Month] = {}
    assessments: dict[YearMonth, Assessment] = Field(
        {}, description="a manager's assessment per month: {items: {item: 0-10}, by, on, note} "
                        "(a flat mapping of items is read as items)"
    )
    synergy: dict[YearMonth, dict[str, int]] = Field(
        {}, description="distributor Synergy factor scores, 1-4"
    )
    expenses: list[Expense] = []
    intel: list[Intel] = []
    acks: list[Ack] = Field([], description="acknowledged risks (kq ack)")
    issues: list[Issue] = Field([], description="complaints and returns (客诉), open until "
                                                "closed (kq issue)")
    skips: list[Skip] = Field([], description="planned visits moved, {date, reason, to} "
                                              "(kq skip)")

    @field_validator("grade")
    @classmethod
    def _grade_fits_status(cls, grade: Grade | None, info: Any) -> Grade | None:
        status = info.data.get("status")
        if grade is None or status is None:
            return grade
        allowed = {Status.active: "ABC", Status.prospect: ("near", "later")}.get(status)
        if allowed is None:
            raise Invalid(N_("a {status} customer has no grade"), status=status.value)
        if grade.value not in allowed:
            said = (N_("{grade} is not a grade of an {status} customer (use {allowed})")
                    if status.value[0] in "aeiou"
                    else N_("{grade} is not a grade of a {status} customer (use {allowed})"))
            raise Invalid(said, grade=repr(grade.value), status=status.value,
                          allowed=" | ".join(allowed))
        return grade

    @field_validator("cadence")
    @classmethod
    def _cadence_ordered(cls, pair: tuple[int, int] | None) -> tuple[int, int] | None:
        return check_pair(pair)

    @field_validator("location")
    @classmethod
    def _on_earth(cls, point: tuple[float, float] | None) -> tuple[float, float] | None:
        if point is not None and not (-90 <= point[0] <= 90 and -180 <= point[1] <= 180):
            raise Invalid(N_("[{lat}, {lon}] is not [latitude, longitude]: a latitude is "
                             "-90..90, a longitude -180..180"), lat=point[0], lon=point[1])
        return point

    @field_validator("seasons")
    @classmethod
    def _season_months(cls, months: list[int]) -> list[int]:
        wrong = [m for m in months if not 1 <= m <= 12]
        if wrong:
            raise Invalid(N_("{months}: a season is a month, 1-12"),
                          months=", ".join(map(str, wrong)))
        return months

    @field_validator("synergy")
    @classmethod
    def _synergy_in_range(cls, value: dict[str, dict[str, int]]) -> dict[str, dict[str, int]]:
        return _monthly_scores_within(value, 1, 4)  # Synergy factors are scored 1-4


def json_schema_text() -> str:
    """The JSON Schema of a customer file, for editors (yaml-language-server)."""
    import json

    schema = Customer.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "kq customer (schema v1)"
    return json.dumps(schema, ensure_ascii=False, indent=2)
