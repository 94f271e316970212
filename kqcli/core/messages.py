"""Messages a manager reads at month end (classify reasons, 客情费 rule checks) as values.

The core returns a :class:`Message` — a key and its parameters — instead of prose, so a
script reads the key (``reason_key``, ``violation_keys`` in JSON) and people read it in their
language; nothing parses text back. ``TEMPLATES`` holds both languages of every key in one
place. The English text is what JSON always carried in ``reason`` and ``violations``.
"""

from __future__ import annotations

import string
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from .amounts import amount


@dataclass(frozen=True)
class Message:
    """``key`` in ``TEMPLATES`` with its ``params``; ``parts`` are clauses appended to it
    (a tier reason's note on shares, its revenue floor); ``subject`` is the customer a rep's
    line names (``华信大药房: …``)."""

    key: str
    params: Mapping[str, Any] = field(default_factory=dict)
    parts: tuple[Message, ...] = ()
    subject: str | None = None

    def text(self, lang: str = "en") -> str:
        return render(self, lang)

    def __str__(self) -> str:  # the English text, as a ValueError carrying it prints
        return render(self)


# key: (English, 中文), ``str.format`` templates over the message's params. A param that is a
# Message renders in the same language; a list joins its items with ", " (、 in Chinese);
# ``{x:amount}`` writes an amount of money as kq writes every amount (1,244,000).
TEMPLATES: dict[str, tuple[str, str]] = {
    # a shelf check that does not read (kq shelf)
    "shelf_not_yes_no": ("{value!r} is not yes or no", "{value!r} 不是 yes 或 no"),
    "shelf_not_number": ("{value!r} is not a number", "{value!r} 不是数字"),
    "shelf_not_whole": ("{value!r} is not a whole number", "{value!r} 不是整数"),
    "shelf_too_much": ("{value!r} is more than {most:,}", "{value!r} 超过 {most:,}"),
    "shelf_no_sku": ("name the product (sku)", "要写明商品 (sku)"),
    "shelf_nothing": ("nothing checked: give facings, price, stock or pop",
                      "什么也没查: 要给出 facings, price, stock 或 pop"),
    "shelf_empty": ("the sheet is empty: a header row (sku, facings, price, stock, pop) and a "
                    "row per product", "表是空的: 要一行表头 (sku, facings, price, stock, pop), "
                    "每个商品一行"),
    "shelf_no_sku_column": ("no sku (商品) column in the header row; the columns are sku/商品, "
                            "facings/排面, price/价格, stock/库存, pop",
                            "表头里没有 sku (商品) 列; 列名是 sku/商品, facings/排面, price/价格, "
                            "stock/库存, pop"),
    "shelf_no_rows": ("no product rows under the header", "表头下面没有商品行"),
    # what the core refuses (errors.DomainError), named by field or option by the caller
    # kq import: a problem of the sheet at FILE:ROW:COLUMN, and what it is
    "located": ("{where}: {what}", "{where}: {what}"),
    "map_not_pair": ("--map: {part!r} is not Header=field", "--map: {part!r} 不是 表头=字段"),
    "map_not_field": ("--map: {target!r} is not a field; use one of {fields}",
                      "--map: {target!r} 不是字段; 可用: {fields}"),
    "second_column": ("{header} (a second {field} column)", "{header} (第二个 {field} 列)"),
    "cell_not_date": ("{value!r} is not a date; write 2015-05-18", "{value!r} 不是日期; 写成 2015-05-18"),
    "cell_not_real_date": ("{value!r} is not a real date", "{value!r} 不是真实存在的日期"),
    "cell_not_phone": ("{value!r} is not a phone number (an 11-digit mobile, or 0871-65123456)",
                       "{value!r} 不是电话号码 (11 位手机号, 或 0871-65123456)"),
    "cell_not_lunar": ('{value!r} is not a lunar month-day; write "08-15" or 八月十五',
                       '{value!r} 不是农历月日; 写成 "08-15" 或 八月十五'),
    "cell_not_amount": ("{value!r} is not an amount", "{value!r} 不是金额"),
    "cell_negative": ("{value!r} is negative", "{value!r} 是负数"),
    "cell_not_degrees": ("{value!r} is not a number of degrees (25.0406)",
                         "{value!r} 不是度数 (例如 25.0406)"),
    "cell_degrees_range": ("{value} is not within -{most}..{most} degrees",
                           "{value} 不在 -{most}..{most} 度之间"),
    "location_half": ("a location needs both the latitude (纬度) and the longitude (经度)",
                      "位置要同时有纬度和经度"),
    "row_no_name": ("no name; the row is skipped", "没有名称; 跳过该行"),
    "row_same_name": ("the same name as row {row}; only the first is imported",
                      "与第 {row} 行同名; 只导入第一行"),
    "row_needs_contact": ("a WeChat, birthday, role or gender needs the contact's name",
                          "微信、生日、职务或性别需要联系人姓名"),
    "row_bad_id": ("{id!r} cannot be a file name; use letters, digits, '-' and Chinese",
                   "{id!r} 不能作文件名; 请用字母、数字、'-' 和汉字"),
    "row_matches_many": ("matches {n} customers ({ids}); give the id in a 客户编码 column",
                         "匹配到 {n} 个客户 ({ids}); 请在 客户编码 列写明 id"),
    "row_no_customer": ("no 客户编码 or 客户名称; the row is skipped", "没有 客户编码 或 客户名称; 跳过该行"),
    "row_matches_none": ("{shown!r} matches no customer", "{shown!r} 没有匹配的客户"),
    "row_matches_some": ("{shown!r} matches {n} customers ({ids}); give the 客户编码",
                         "{shown!r} 匹配到 {n} 个客户 ({ids}); 请写明 客户编码"),
    "row_same_customer": ("the same customer as row {row}; only the first is imported",
                          "与第 {row} 行是同一客户; 只导入第一行"),
    "not_one_of": ("{value!r} is not one of {values}", "{value!r} 不是可选值之一: {values}"),
    "not_one_of_or": ("{value!r} is not one of {values} (or {aliases})",
                      "{value!r} 不是可选值之一: {values} (或 {aliases})"),
    "go_together": ("{first} and {last} go together", "{first} 和 {last} 要一起给出"),
    "not_a_day": ("{value!r} is not a date; write YYYY-MM-DD", "{value!r} 不是日期; 写成 YYYY-MM-DD"),
    "not_a_contact": ("{contact} is not a contact of {customer}", "{contact} 不是 {customer} 的联系人"),
    "did_you_mean": ("; did you mean {name}?", "; 是不是 {name}?"),
    "contacts_are": ("; contacts: {names}", "; 联系人: {names}"),
    "has_no_contacts": ("; the customer has no contacts yet", "; 该客户还没有联系人"),
    "no_open_step": ("{customer} has no open next step", "{customer} 没有未完成的下一步"),
    "no_step_mentions": ("no open step of {customer} mentions {action!r}; open: {listed}",
                         "{customer} 没有提到 {action!r} 的未完成步骤; 未完成的: {listed}"),
    "steps_mention": ("{n} open steps of {customer} mention {action!r}: {listed}",
                      "{customer} 有 {n} 个未完成步骤提到 {action!r}: {listed}"),
    "not_a_reason": ("{text!r} is not a reason of kq due ({hint}occasions: {occasions}; or {others})",
                     "{text!r} 不是 kq due 的原因 ({hint}问候场合: {occasions}; 其他: {others})"),
    "reason_hint": ("did you mean {name}? ", "是不是 {name}? "),
    # classify reasons
    "tier_rank": ("rank {rank} of {count} terminals of {owner}",
                  "在 {owner} 的 {count} 家终端中排第 {rank}"),
    "tier_shares": (" (fewer than {total:g}: {key} key, {secondary} secondary, {normal} normal "
                    "by the counts' shares)",
                    " (不足 {total:g} 家, 按比例 {key} 重点、{secondary} 次重点、{normal} 非重点)"),
    "below_key_min_revenue": ("; annual revenue {revenue:amount} below key_min_revenue "
                              "{floor:amount}", "; 年营业额 {revenue:amount} 低于重点门槛 {floor:amount}"),
    "below_tier_counts": ("rank {rank} of {count}: below the tier counts",
                          "排第 {rank}/{count}, 在分层名额之外"),
    "qualified": ("meets the standard from {first} to {last}: collections in {paid} of "
                  "{months} months, reported on time in {on_time}",
                  "合格: {first} 至 {last} 回款 {paid}/{months} 个月, 按时上报 {on_time}/{months} 个月"),
    "key_tier": ("; in the key tier", "; 属重点分层"),
    "not_key_tier": ("; not in the key tier ({tier})", "; 不在重点分层 ({tier})"),
    "unqualified": ("below the standard from {first} to {last}", "不合格: {first} 至 {last}"),
    "few_collections": ("; collections in {count} of {months} months, {need} needed",
                        "; 回款 {count}/{months} 个月, 须 {need} 个月"),
    "late_reports": ("; reported on time in {count} of {months} months, {need} needed",
                     "; 按时上报 {count}/{months} 个月, 须 {need} 个月"),
    "no_figures": ("; no figures for {missing}", "; {missing} 没有数据"),
    "abc_share": ("collections {amount:amount} over {months} months; cumulative share "
                  "{share:.0%} of {kind}", "近 {months} 个月回款 {amount:amount}, 累计占比 "
                  "{share:.0%} ({kind})"),
    "paying_run": ("paying {count} consecutive reported months ({first} to {last}): "
                   "{amount:amount} collected (持续回款)",
                   "连续 {count} 个已报月份有回款 ({first} 至 {last}): 共 {amount:amount} (持续回款)"),
    "no_collections": ("no collections for {months} months", "连续 {months} 个月没有回款"),
    "terminated_on_route": ("terminated but still on a fixed route", "已终止合作, 仍在固定路线上"),
    "contacts_span": ("contacts span {functions} functions ({names}) and {levels} levels",
                      "联系人覆盖 {functions} 个部门 ({names})、{levels} 个层级"),
    "new_active_b": ("a new active customer starts as B (合格)", "新的现有客户从 B (合格) 开始"),
    # 客情费 rule checks
    "nothing_collected": ("expense with nothing collected (先回款后支付)",
                          "没有回款却支出客情费 (先回款后支付)"),
    "above_share": ("expenses {total:amount} above {share:.0%} of collections {collected:amount}",
                    "客情费 {total:amount} 超过回款 {collected:amount} 的 {share:.0%}"),
    "within_share": ("expenses {total:amount} in {month} are {share:.1%} of collections {collected:amount}",
                     "{month} 客情费 {total:amount}, 占回款 {collected:amount} 的 {share:.1%}"),
    "collections_unreported": ("先回款后支付: collections for {month} not reported yet",
                               "{month} 回款未报: 先回款后支付 未核对"),
    "special_after_contract": ("special expense applied {applied} after the contract {since}: "
                               "invalid (须签约前申请)",
                               "专项费用 {applied} 申请, 晚于签约 {since}: 无效 (须签约前申请)"),
    "special_before_contract": ("applied before the contract {since}", "签约 {since} 前已申请"),
    "no_contract_date": ("no contract date (since:): 须签约前申请 not checked",
                         "没有签约日期 (since:): 须签约前申请 未核对"),
    "advance_cap": ("cash advances {advances:amount} above the cap {cap:amount}",
                    "借支 {advances:amount} 超过上限 {cap:amount}"),
    "advances_drawn": ("{owner}'s cash advances in {month}: {drawn:amount} of the cap {cap:amount}",
                       "{owner} {month} 借支 {drawn:amount}, 上限 {cap:amount}"),
    "allowed_recipient": ("{recipient} is the customer's {role} (客情费使用范围)",
                          "{recipient} 是客户的{role} (客情费使用范围)"),
    "purchasing_recipient": ("{recipient} works in the customer's purchasing (客情费使用范围 ①②)",
                             "{recipient} 在客户的采购部门 (客情费使用范围 ①②)"),
    "executive_recipient": ("{recipient} is a leader of the customer's company (客情费使用范围 ③)",
                            "{recipient} 是客户的公司领导 (客情费使用范围 ③)"),
    "new_customer_expense": ("spent on winning a new customer (客情费使用范围 ④)",
                             "用于开发新客户 (客情费使用范围 ④)"),
    "event_expense": ("spent on the customer's event (客情费使用范围 ⑤)",
                      "用于客户的活动 (客情费使用范围 ⑤)"),
    "recipient_not_a_contact": ("expense {amount:amount} on {date} to {recipient}, who is not a "
                                "contact of the customer (客情费使用范围)",
                                "{date} 的客情费 {amount:amount} 给了 {recipient}, 不是客户的联系人 "
                                "(客情费使用范围)"),
    "no_recipient": ("expense {amount:amount} on {date} names no recipient: 客情费使用范围 not checked",
                     "{date} 的客情费 {amount:amount} 没有写明对象: 客情费使用范围未核对"),
    "outside_recipients": ("expense {amount:amount} on {date} to {who} outside 客情费使用范围 ({roles})",
                           "{date} 的客情费 {amount:amount} 给了 {who}, 超出客情费使用范围 ({roles})"),
    "no_contacts": ("no contacts recorded: 客情费使用范围 not checked for {recipient}",
                    "没有联系人记录: 给 {recipient} 的客情费未核对使用范围"),
    # kq due --explain: what closed a greeting, or why an interaction did not
    "greeting_closed": ("greeted by the {kind} of {date}", "已由 {date} {kind} 问候"),
    "greeting_closed_ahead": ("greeted ahead by the {kind} of {date}, logged for {reason}",
                              "已由 {date} {kind} 提前问候 (for: {reason})"),
    "condolence_closed": ("answered by the {kind} of {date}", "已由 {date} {kind} 慰问"),
    "not_a_greeting": ("{date} {kind} is not a greeting (due.greeting_kinds: {kinds})",
                       "{date} {kind} 不算问候 (due.greeting_kinds: {kinds})"),
    "not_a_condolence": ("{date} {kind} is not a condolence (due.condolence_kinds: {kinds})",
                         "{date} {kind} 不算慰问 (due.condolence_kinds: {kinds})"),
    "greeting_for_other": ("{date} {kind} was logged for {reasons}",
                           "{date} {kind} 记的是 for: {reasons}"),
    "greeting_early": ("{date} {kind} came before {day} and was not logged for it "
                       "(--for {reason})", "{date} {kind} 在 {day} 之前, 没有注明 --for {reason}"),
    "greeting_taken": ("{date} {kind} greeted {other} instead", "{date} {kind} 已算作 {other} 的问候"),
    # kq due's reminders (the JSON's "message" is the Chinese text; "message_key" and
    # "message_params" let a table or a script word it in either language)
    "route": ("fixed visit {weekday}{time}{skipped}{see}", "固定拜访 {weekday}{time}{skipped}{see}"),
    "route_holiday": (", not on the holiday {month}/{day}", ", {month}月{day}日节假日不去"),
    "see": ("; see {who}", "; 见 {who}"),
    "approach": ("{who}, {style}", "{who}, {style}"),
    "style_leader": ("leader: goal-driven, decides fast: state the product's value simply and "
                     "directly", "领导型: 目标导向, 决策快: 简单直接地讲清产品价值"),
    "style_influencer": ("influencer: decides with a few department heads: build relations with "
                         "all of them", "施加影响型: 与几位部门负责人一起决策: 同时和他们建立关系"),
    "style_checker": ("checker: task-driven, wants exact logic: explain how it really applies",
                      "检查型: 任务导向, 要精确讲逻辑: 讲清实际适用性"),
    "style_follower": ("follower: seeks safety, agrees with the other executives: win the other "
                       "decision makers first", "跟随型: 求稳, 与其他高管保持一致: 先争取其他决策人的认同"),
    "visit_never": ("no visit on record: plan a first visit", "无拜访记录, 安排首次拜访"),
    "visit_last": ("last visit {last} (every {shows}-{days} days){moved}{see}",
                   "上次拜访 {last} (每 {shows}-{days} 天){moved}{see}"),
    "window_off": ("; every day of the window is off ({first} to {end}), moved to {due}",
                   "; 窗口内全是休息日 ({first} 至 {end}), 顺延到 {due}"),
    "window_end_off": ("; {end} is off, brought forward to {due}", "; {end} 休息, 提前到 {due}"),
    "season_visit": ("visit before the buying season in month {month} (a seasonal customer, "
                     "buys in months {months}; {since})",
                     "进货季 {month}月 前拜访 (季节性客户, {months}月进货; {since})"),
    "since_visit": ("last visit {last}", "上次拜访 {last}"),
    "no_visit": ("no visit on record", "无拜访记录"),
    "deep_visit_never": ("a key terminal never given a deep visit: plan one to solve "
                         "problems on site", "重点终端从未蹲点, 安排蹲点现场解决问题"),
    "deep_visit_last": ("last deep visit {last} (every {shows}-{days} days){moved}: solve "
                        "problems on site",
                        "上次蹲点 {last} (每 {shows}-{days} 天){moved}, 蹲点现场解决问题"),
    "alert": ("check on the customer's safety{note} ({region} {start} to {end}, every day)",
              "关心客户安全{note} ({region} {start} 至 {end}, 每天联系)"),
    "care_call": ("care call, no business ({since})", "情感电话, 不谈生意 ({since})"),
    "since_last": ("last {last}", "上次 {last}"),
    "never_called": ("never made", "从未打过"),
    "follow_up_first": ("first follow-up after the delivery of {delivered}{moved}",
                        "到货 {delivered} 后第一次回访{moved}"),
    "follow_up_second": ("second follow-up after the delivery of {delivered} (the first "
                         "{first}){moved}", "到货 {delivered} 后第二次回访 (第一次 {first}){moved}"),
    "next_action": ("{action} (agreed on {on})", "{action} (约定于 {on})"),
    "issue": ("{kind} #{n}: {text} (opened {opened}, handle within {days} days)",
              "{kind} #{n}: {text} ({opened} 受理, {days} 天内处理)"),
    "birthday": ("{who} turns {age} on {month}/{day}", "{who} {age}岁生日 {month}月{day}日"),
    "lunar_birthday": ("{who}: lunar birthday {lunar:lunar} ({date})",
                       "{who} 农历生日 {lunar:lunar} ({date})"),
    "happy_event": ("{who}: {event}{note}: congratulate", "{who} {event}{note}, 道贺"),
    "misfortune": ("{who}: {event}{note}", "{who} {event}{note}"),
    "misfortune_now": ("{what}: call now, no business", "{what}, 立即致电, 不谈生意"),
    "opening": ("new store opens {day}: prepare promotion and gift support",
                "新店开业 {day}, 提前准备促销/礼品支持"),
    "anniversary": ("store's anniversary, {years} years, {day}: prepare promotion and gift "
                    "support", "店庆 {years}周年 {day}, 提前准备促销/礼品支持"),
    "festival": ("{festival} {day}: a personal greeting, not a group message",
                 "{festival} {day}: 个性化问候, 不要群发"),
    "report_missing": ("{months}: sell-out, inventory and movement not reported ({note})",
                       "{months} 的出销/库存/动销未上报 ({note})"),
    "report_deadline": ("deadline {deadline}", "截止 {deadline}"),
    "report_deadlines": ("{count} months, the first deadline {deadline}",
                         "共 {count} 个月, 最早截止 {deadline}"),
    "coverage_none": ("no contacts on record: find the decision maker", "没有联系人记录, 找到决策人"),
    "coverage_unknown": ("no contact has a level: find out who decides: {unknown}; {fill}",
                         "联系人未填层级, 确认谁是决策人: {unknown}; {fill}"),
    "coverage_staff": ("only staff met: find the decision maker (staff: {staff}{rest})",
                       "只接触外围人员, 找到决策人 (员工: {staff}{rest})"),
    "coverage_staff_unknown": ("; no level: {unknown}, {fill}", "; 未填层级: {unknown}, {fill}"),
    "coverage_fill": ("write level: {levels} for a decision maker", "是决策人就写 level: {levels}"),
    "either": ("{first} or {second}", "{first} 或 {second}"),
    "intel": ("“{claim}” has {sources} source(s); confirm it with {need} independent sources",
              "“{claim}” 只有 {sources} 个信源, 需 {need} 个独立信源核实"),
    "pool": ("in the pool: {since}, {why}; kq claim {id} --as REP",
             "公海客户: {since}, {why}; kq claim {id} --as 业代"),
    "pool_unseen": ("{days} days unseen (last {last})", "{days} 天未见面 (上次 {last})"),
    "pool_never_met": ("never met", "从未见面"),
    "pool_departed": ("rep {owner} has left", "业代 {owner} 已离职"),
    "pool_owner": ("former rep {owner}", "原业代 {owner}"),
    "handover": ("handed over from {previous} ({day}): visit within {days} days; {was}",
                 "交接自 {previous} ({day}), {days} 天内拜访; {was}"),
    "handover_last": ("{previous}'s last contact {last}", "{previous} 上次往来 {last}"),
    "handover_nothing": ("{previous}: no contact on record", "{previous} 无往来记录"),
    "orphan_left": ("rep {owner} left on {day}: reassign and visit again",
                    "业代 {owner} 已于 {day} 离职, 需重新分配并回访"),
    "orphan_none": ("no rep: assign one", "没有负责业代, 需分配"),
    "falling": ("{figure} falling {months} months in a row: {run}",
                "{figure}连续 {months} 个月下滑: {run}"),
    "figure_collections": ("collections", "回款"),
    "figure_sell_out": ("sell-out", "出销"),
    "inventory_high": ("{month} inventory {inventory} far above sell-out {sell_out} (>{ratio:g}x)",
                       "{month} 库存 {inventory} 远高于出销 {sell_out} (>{ratio:g} 倍)"),
    "stockout": ("{month} out of stock", "{month} 断货"),
    "competitor": ("new competitor {name} ({since})", "新进竞品 {name} ({since})"),
    "profit_chain": ("profit chain broken: {declining} declining, no growing or mature product "
                     "to take over", "利润链断裂: {declining} 衰退, 没有成长或成熟期产品接替"),
    # the limit, not the days so far: those are the row's overdue_days, and a message that
    # changed every day made its customer be worked out again every morning
    "untouched": ("key customer not contacted for over {days} days (last {last})",
                  "重点客户超过 {days} 天未联系 (上次 {last})"),
    "shelf_price": ("{sku} price {price} {side} {low:g}-{high:g} (shelf check {day})",
                    "{sku} 价格 {price} {side} {low:g}-{high:g} ({day} 货架检查)"),
    "above": ("above", "高于"),
    "below": ("below", "低于"),
    "shelf_gone": ("{sku} not on the shelf (0 facings, shelf check {day})",
                   "{sku} 不在货架上 (排面 0, {day} 货架检查)"),
    "shelf_few": ("{sku} {facings} facings, fewer than {least} (shelf check {day})",
                  "{sku} 排面 {facings} 少于 {least} ({day} 货架检查)"),
    "shelf_low": ("{sku} stock {stock}, below {least} (shelf check {day})",
                  "{sku} 库存 {stock} 少于 {least} ({day} 货架检查)"),
    "dumping": ("{month} suspected dumping: shipped {shipped}, sold {sold}, inventory "
                "change {change}; {gone} ({share}) unaccounted for (>{limit})",
                "{month} 疑似冲货: 提货 {shipped}, 出销 {sold}, 库存变化 {change}; {gone} ({share}) "
                "去向不明 (>{limit})"),
    "expense_statement": ("{period} statement of customer purchases and expenses: "
                          "submit by working day {n}, {deadline}",
                          "{period} 客户采购及客情费统计表, 第 {n} 个工作日 {deadline} 前提交"),
    "expense_check": ("check {rep}'s {period} statement of customer purchases and expenses by "
                      "working day {n}, {deadline} (paid from working day {pay_n}, {pay}, once "
                      "all three have signed); {missing}",
                      "审核 {rep} {period} 客户采购及客情费统计表, 第 {n} 个工作日 {deadline} 前 "
                      "(三方签齐后第 {pay_n} 个工作日 {pay} 起支付); {missing}"),
    "not_submitted": ("not submitted", "未提交"),
    "not_signed": ("not signed: {roles}", "未签: {roles}"),
    "role_clerk": ("sales clerk", "销售内勤"),
    "role_manager": ("sales manager", "销售经理"),
    "role_finance": ("finance", "财务"),
    "dropped_greeting": ("{name}: {what} ({day}) passed {days} days ago unanswered; no longer "
                         "listed", "{name}: {what} ({day}) 已过 {days} 天没有问候, 不再列出"),
    "holiday_group": ("{festival}: greet {count} customers, each personally, not a group message",
                      "{festival}: 给 {count} 位客户个性化问候, 不要群发"),
    "join": ("", ""),
    # kq due --explain: what each term of the urgency weighs (JSON: the English text)
    "term_overdue": ("overdue {days}d × {per_day:g}", "逾期 {days} 天 × {per_day:g}"),
    "term_ahead": ("ahead {days}d × -{per_day:g}", "提前 {days} 天 × -{per_day:g}"),
    "term_misfortune": ("illness/bereavement", "生病/丧事"),
    "term": ("{what} {value}", "{what} {value}"),
    "term_reason": ("reason", "事由"),
    "term_tier": ("tier", "分层"),
    "term_grade": ("grade", "等级"),
    "term_kind": ("kind", "类型"),
    "on_the_way": ("on the way: {since}", "顺路拜访: {since}"),
    "calendar_overdue": ("due {due}, {days} days overdue", "原定 {due}, 已逾期 {days} 天"),
    "calendar_estimated": ("the date rests on estimated holidays (the official calendar of that "
                           "year is not out yet)", "日期按估算的节假日 (官方日历尚未发布该年)"),
    **{f"weekday_{day}": (day.capitalize(), label) for day, label in (
        ("mon", "周一"), ("tue", "周二"), ("wed", "周三"), ("thu", "周四"), ("fri", "周五"),
        ("sat", "周六"), ("sun", "周日"))},
    **{f"event_{kind}": (english, label) for kind, english, label in (
        ("wedding", "wedding", "结婚"), ("birth", "new baby", "得子"), ("illness", "illness", "生病"),
        ("bereavement", "bereavement", "丧事"), ("other", "big event", "大事"))},
    **{f"issue_{kind}": (english, label) for kind, english, label in (
        ("complaint", "complaint", "投诉"), ("return", "return", "退货"),
        ("quality", "quality problem", "质量问题"), ("price", "price problem", "价格问题"),
        ("dumping", "dumping", "冲货"))},
    **{f"festival_{key}": (english, label) for key, english, label in (
        ("new_year", "New Year's Day", "元旦"), ("spring_festival", "Spring Festival", "春节"),
        ("lantern", "Lantern Festival", "元宵"), ("qingming", "Qingming", "清明"),
        ("labour_day", "Labour Day", "劳动节"), ("dragon_boat", "Dragon Boat Festival", "端午"),
        ("mid_autumn", "Mid-Autumn Festival", "中秋"), ("national_day", "National Day", "国庆"),
        ("double_ninth", "Double Ninth", "重阳"), ("winter_solstice", "Winter Solstice", "冬至"))},
    # pieces of the messages above
    "contact_roles": ("{recipient} ({roles})", "{recipient} ({roles})"),
    "purchasing_function": ("function purchasing", "采购部门"),
    "executive_level": ("level executive", "公司领导"),
    "no_role": ("no role", "无职务"),
    "no_owner": ("no owner", "未分配业代"),
    "the_rep": ("the rep", "业代"),
    "none": ("none", "无"),
    "tier_secondary": ("secondary", "次重点"),
    "tier_normal": ("normal", "非重点"),
    "tier_none": ("no tier", "未分层"),
    "kind_terminal": ("terminals", "终端"),
    "kind_distributor": ("distributors", "经销商"),
    "kind_key_account": ("key_accounts", "大客户"),
    "kind_customer": ("customers", "客户"),
    **{f"interaction_{kind}": (kind, label) for kind, label in (
        ("visit", "拜访"), ("call", "电话"), ("care_call", "情感电话"), ("wechat", "微信"),
        ("delivery", "送货"), ("training", "培训"), ("event", "活动"), ("deep_visit", "蹲点"),
        ("gift", "送礼"))},
}


class _Formatter(string.Formatter):
    """``str.format`` plus the ``amount`` spec (:func:`kqcli.core.amounts.amount`) and the
    ``lunar`` spec: a lunar month-day as kq stores it (``"10-20"``, leap ``"L05-15"``) as
    people write it, 十月二十 / 闰五月十五 (``10-20`` / ``leap 05-15`` in English)."""

    def __init__(self, lang: str) -> None:
        self.lang = lang

    def format_field(self, value: Any, format_spec: str) -> str:
        if format_spec == "amount":
            return amount(value)
        if format_spec == "lunar":
            from .dates import lunar_day

            text = lunar_day(value, self.lang)
            return text.removeprefix("农历") if self.lang == "zh" else text.removeprefix("lunar ")
        return super().format_field(value, format_spec)


_FORMATTERS = {"zh": _Formatter("zh"), "en": _Formatter("en")}


def render(message: Message, lang: str = "en") -> str:
    """The message in ``lang`` (``zh`` or ``en``)."""
    english, chinese = TEMPLATES[message.key]
    zh = lang == "zh"
    template = chinese if zh else english
    if message.params:
        params = {k: _param(v, lang) for k, v in message.params.items()}
        if ":amount}" in template or ":lunar}" in template:  # kq's own specs
            text = _FORMATTERS["zh" if zh else "en"].format(template, **params)
        else:  # str.format itself: the agenda words ~10 rows per customer
            text = template.format(**params)
    else:
        text = template
    text += "".join(render(part, lang) for part in message.parts)
    return f"{message.subject}: {text}" if message.subject else text


def _param(value: Any, lang: str) -> Any:
    if value.__class__ is str:
        return value
    if isinstance(value, Message):
        return render(value, lang)
    if isinstance(value, list | tuple):
        return ("、" if lang == "zh" else ", ").join(str(_param(v, lang)) for v in value)
    return value


def english(messages: Message | Iterable[Message] | None) -> Any:
    """The English text of one message (None stays None) or of each of a list: what JSON
    has always carried."""
    if messages is None or isinstance(messages, Message):
        return None if messages is None else render(messages)
    return [render(m) for m in messages]


def to_data(message: Message) -> dict[str, Any]:
    """The message as JSON data: ``{"key": …, "params": {…}}`` (a param that is a message as
    the same; ``params``, ``parts`` and ``subject`` only when there are some).
    :func:`from_data` undoes it."""
    out: dict[str, Any] = {"key": message.key}
    if message.params:
        out["params"] = {k: _data(v) for k, v in message.params.items()}
    if message.parts:
        out["parts"] = [to_data(p) for p in message.parts]
    if message.subject is not None:
        out["subject"] = message.subject
    return out


def _data(value: Any) -> Any:
    if value.__class__ is str:
        return value
    if isinstance(value, Message):
        return to_data(value)
    if isinstance(value, list | tuple):
        return [_data(v) for v in value]
    return value


def from_data(data: dict[str, Any]) -> Message:
    """The message :func:`to_data` wrote."""
    return Message(data["key"], {k: _undata(v) for k, v in data.get("params", {}).items()},
                   tuple(from_data(p) for p in data.get("parts", ())), data.get("subject"))


def _undata(value: Any) -> Any:
    if isinstance(value, dict) and "key" in value:
        return from_data(value)
    if isinstance(value, list):
        return [_undata(v) for v in value]
    return value


def joined(pieces: Iterable[Message]) -> Message | str:
    """Messages one after the other ("" for none)."""
    parts = tuple(pieces)
    return Message("join", parts=parts) if parts else ""


def either(items: list[Any]) -> Any:
    """``manager 或 executive`` (``manager or executive``)."""
    out = items[0]
    for item in items[1:]:
        out = Message("either", {"first": out, "second": item})
    return out
