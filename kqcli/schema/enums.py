"""Enumerations of the customer file, with the Chinese terms of DOMAIN.md as input aliases.

Files may say ``kind: 终端``; kq reads it as ``terminal`` and always writes and prints the
English value, so scripts see one stable spelling.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any


class Kind(StrEnum):
    distributor = "distributor"
    terminal = "terminal"
    key_account = "key_account"


class Status(StrEnum):
    active = "active"
    prospect = "prospect"
    potential = "potential"
    terminated = "terminated"


class Grade(StrEnum):
    A = "A"
    B = "B"
    C = "C"
    near = "near"
    later = "later"


class Tier(StrEnum):
    key = "key"
    secondary = "secondary"
    normal = "normal"


class Relationship(StrEnum):
    ordinary = "ordinary"
    partner = "partner"
    strategic = "strategic"


class Stage(StrEnum):
    acquainted = "acquainted"
    adjusting = "adjusting"
    accepted = "accepted"
    endorsed = "endorsed"
    growing = "growing"
    co_creating = "co-creating"


class Gender(StrEnum):
    male = "male"
    female = "female"


class Style(StrEnum):
    leader = "leader"
    influencer = "influencer"
    checker = "checker"
    follower = "follower"


class Function(StrEnum):
    """The function a contact works in, used to judge how deep a key account interlocks."""

    purchasing = "purchasing"
    finance = "finance"
    logistics = "logistics"
    sales = "sales"
    marketing = "marketing"
    rnd = "rnd"
    management = "management"
    store = "store"


class Level(StrEnum):
    staff = "staff"
    manager = "manager"
    executive = "executive"


class EventKind(StrEnum):
    wedding = "wedding"
    birth = "birth"
    illness = "illness"
    bereavement = "bereavement"
    other = "other"


class InteractionKind(StrEnum):
    visit = "visit"
    call = "call"
    care_call = "care_call"
    wechat = "wechat"
    delivery = "delivery"
    training = "training"
    event = "event"
    deep_visit = "deep_visit"
    gift = "gift"


class Done(StrEnum):
    pop = "pop"
    display = "display"
    help = "help"
    feedback = "feedback"
    training = "training"


class ProductRole(StrEnum):
    lead = "lead"
    profit = "profit"
    image = "image"


class ProductStage(StrEnum):
    intro = "intro"
    growth = "growth"
    mature = "mature"
    decline = "decline"


class Weekday(StrEnum):
    mon = "mon"
    tue = "tue"
    wed = "wed"
    thu = "thu"
    fri = "fri"
    sat = "sat"
    sun = "sun"


class ExpenseKind(StrEnum):
    regular = "regular"
    special = "special"


class RepRole(StrEnum):
    """A team member's role (kq.yaml ``reps[].role``): each role may have scorecards of its own."""

    rep = "rep"
    terminal_supervisor = "terminal_supervisor"
    business_supervisor = "business_supervisor"
    province_manager = "province_manager"
    terminal_staff = "terminal_staff"


class AckReason(StrEnum):
    """The reminders ``kq ack`` can acknowledge."""

    risk = "risk"


class IssueKind(StrEnum):
    """What a customer's open item (客诉) is about (``kq issue``)."""

    complaint = "complaint"
    return_ = "return"
    quality = "quality"
    price = "price"
    dumping = "dumping"


class SignOffRole(StrEnum):
    """Who signs a rep's monthly statement off: the sales clerk, the sales manager, finance."""

    clerk = "clerk"
    manager = "manager"
    finance = "finance"


# Chinese (and common English) spellings accepted on input, per enum.
ALIASES: dict[type[StrEnum], dict[str, str]] = {
    Kind: {"经销商": "distributor", "终端": "terminal", "大客户": "key_account", "ka": "key_account"},
    Status: {"现有客户": "active", "现有": "active", "意向客户": "prospect", "意向": "prospect",
             "潜在客户": "potential", "潜在": "potential", "已终止合作": "terminated",
             "已终止": "terminated", "终止": "terminated"},
    Grade: {"重点": "A", "合格": "B", "不合格": "C", "近期可以签约": "near", "近期": "near",
            "签约需要时间": "later", "远期": "later", "a": "A", "b": "B", "c": "C"},
    Tier: {"重点": "key", "次重点": "secondary", "非重点": "normal"},
    Relationship: {"普通大客户": "ordinary", "普通": "ordinary", "伙伴式大客户": "partner",
                   "伙伴式": "partner", "伙伴": "partner", "战略性大客户": "strategic",
                   "战略性": "strategic", "战略": "strategic"},
    Stage: {"相识": "acquainted", "磨合": "adjusting", "接受": "accepted", "认同": "endorsed",
            "成长": "growing", "创造": "co-creating", "co_creating": "co-creating"},
    Gender: {"男": "male", "女": "female", "m": "male", "f": "female"},
    Style: {"领导型": "leader", "施加影响型": "influencer", "检查型": "checker",
            "跟随型": "follower", "跟隨型": "follower"},
    Function: {"采购": "purchasing", "财务": "finance", "物流": "logistics", "销售": "sales",
               "市场": "marketing", "研发": "rnd", "管理": "management", "门店": "store"},
    Level: {"员工": "staff", "店员": "staff", "经理": "manager", "高管": "executive"},
    EventKind: {"结婚": "wedding", "婚礼": "wedding", "得子": "birth", "生子": "birth",
                "生病": "illness", "住院": "illness", "去世": "bereavement", "丧事": "bereavement",
                "其他": "other"},
    InteractionKind: {"拜访": "visit", "电话": "call", "情感电话": "care_call", "微信": "wechat",
                      "到货": "delivery", "送货": "delivery", "培训": "training", "活动": "event",
                      "care-call": "care_call", "蹲点": "deep_visit", "deep-visit": "deep_visit",
                      "送礼": "gift", "礼品": "gift", "礼物": "gift"},
    Done: {"POP": "pop", "陈列": "display", "帮忙": "help", "反馈": "feedback", "培训": "training"},
    ProductRole: {"主打": "lead", "获利": "profit", "形象": "image"},
    ProductStage: {"导入": "intro", "成长": "growth", "成熟": "mature", "衰退": "decline"},
    Weekday: {"周一": "mon", "周二": "tue", "周三": "wed", "周四": "thu", "周五": "fri",
              "周六": "sat", "周日": "sun", "周天": "sun", "星期一": "mon", "星期二": "tue",
              "星期三": "wed", "星期四": "thu", "星期五": "fri", "星期六": "sat",
              "星期日": "sun", "星期天": "sun", "monday": "mon", "tuesday": "tue",
              "wednesday": "wed", "thursday": "thu", "friday": "fri", "saturday": "sat",
              "sunday": "sun"},
    ExpenseKind: {"常规": "regular", "专项": "special", "新客户专项": "special"},
    AckReason: {"风险": "risk"},
    IssueKind: {"投诉": "complaint", "客诉": "complaint", "退货": "return", "质量": "quality",
                "质量问题": "quality", "价格": "price", "冲货": "dumping", "窜货": "dumping"},
    SignOffRole: {"内勤": "clerk", "销售内勤": "clerk", "经理": "manager", "销售经理": "manager",
                  "财务": "finance"},
    RepRole: {"业代": "rep", "业务代表": "rep", "客户经理": "rep", "终端主管": "terminal_supervisor",
              "商务主管": "business_supervisor", "商业主管": "business_supervisor",
              "省区经理": "province_manager", "省经理": "province_manager",
              "终端人员": "terminal_staff", "终端员工": "terminal_staff"},
}


class EnumValueError(ValueError):
    """Raised for a value outside an enum; the message names every allowed value. ``value``,
    ``values`` (``a | b``) and ``aliases`` (the Chinese spellings) let the command line say it
    in the user's language."""

    def __init__(self, value: Any, enum: type[StrEnum]) -> None:
        self.value = value
        self.values = " | ".join(m.value for m in enum)
        self.aliases = ", ".join(sorted({k for k, v in ALIASES.get(enum, {}).items()
                                         if not k.isascii()}))
        super().__init__(f"{value!r} is not one of {allowed_text(enum)}")


def allowed_text(enum: type[StrEnum]) -> str:
    values = " | ".join(m.value for m in enum)
    chinese = sorted({k for k, v in ALIASES.get(enum, {}).items() if not k.isascii()})
    return f"{values} (or {', '.join(chinese)})" if chinese else values


def parse_enum(enum: type[StrEnum], value: Any) -> StrEnum:
    if isinstance(value, enum):
        return value
    if not isinstance(value, str):
        raise EnumValueError(value, enum)
    text = value.strip()
    aliases = ALIASES.get(enum, {})
    for candidate in (text, text.lower()):
        if candidate in enum._value2member_map_:
            return enum(candidate)
        if candidate in aliases:
            return enum(aliases[candidate])
    raise EnumValueError(value, enum)
