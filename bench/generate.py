"""Write a large, realistic kq repository for benchmarks.

    python bench/generate.py DIR --customers N [--interactions 40] [--seed 1]

Each customer file looks like one a rep keeps by hand: block style, flow mappings for short
records, quoted phones, Chinese text, about 8 KB with 40 interactions, spread over the twelve
months before 2026-11-24. The output depends only on the seed and the customer's number, so
the first 2,000 customers of a 10,000-customer repository are the 2,000-customer repository.

Files are written from string templates (not ``yaml.dump``) so that 10,000 customers take
seconds; a sample is read back with the safe loader and validated against
``kqcli.schema.customer.Customer`` unless ``--validate 0``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import sys
import time
from pathlib import Path

TODAY = dt.date(2026, 11, 24)
WINDOW_START = TODAY - dt.timedelta(days=365)  # interactions fall in [start, today)
ORDINAL0 = TODAY.toordinal()
# The last twelve reported months, oldest first: 2025-11 .. 2026-10.
MONTHS = [f"{2025 + (10 + k) // 12}-{(10 + k) % 12 + 1:02d}" for k in range(12)]

REGIONS = [  # (region, pinyin initials used in ids)
    ("昆明/五华区", "wh"), ("昆明/盘龙区", "pl"), ("昆明/官渡区", "gd"), ("昆明/西山区", "xs"),
    ("昆明/呈贡区", "cg"), ("昆明/安宁市", "an"), ("曲靖/麒麟区", "ql"), ("曲靖/宣威市", "xw"),
    ("玉溪/红塔区", "ht"), ("大理/大理市", "dl"), ("楚雄/楚雄市", "cx"), ("红河/蒙自市", "mz"),
    ("红河/个旧市", "gj"), ("昭通/昭阳区", "zy"), ("保山/隆阳区", "ly"), ("丽江/古城区", "lj"),
    ("普洱/思茅区", "sm"), ("文山/文山市", "ws"), ("西双版纳/景洪市", "jh"), ("临沧/临翔区", "lx"),
]
STREETS = [
    ("人民路", "renmin"), ("北京路", "beijing"), ("青年路", "qingnian"), ("东风路", "dongfeng"),
    ("环城路", "huancheng"), ("建设路", "jianshe"), ("滇池路", "dianchi"), ("金碧路", "jinbi"),
    ("白塔路", "baita"), ("穿金路", "chuanjin"), ("世纪城", "shijicheng"), ("新闻路", "xinwen"),
    ("广福路", "guangfu"), ("春城路", "chuncheng"), ("南屏街", "nanping"), ("正义路", "zhengyi"),
    ("西站", "xizhan"), ("小康大道", "xiaokang"), ("龙泉路", "longquan"), ("学府路", "xuefu"),
    ("翠湖", "cuihu"), ("东华", "donghua"), ("王家桥", "wangjiaqiao"), ("火车站", "huochezhan"),
]
BRANDS = [
    ("华信", "hx"), ("一心堂", "yxt"), ("健之佳", "jzj"), ("东骏", "dj"), ("圣爱", "sa"),
    ("康辉", "kh"), ("仁和", "rh"), ("同仁", "tr"), ("福林堂", "flt"), ("老百姓", "lbx"),
    ("益康", "yk"), ("百草", "bc"), ("济民", "jm"), ("惠民", "hm"), ("万家", "wj"),
    ("春城", "cc"), ("金沙", "js"), ("滇中", "dz"), ("彩云", "cy"), ("德生", "ds"),
    ("永安", "ya"), ("长春", "chc"), ("利民", "lm"), ("康宁", "kn"), ("佳禾", "jiah"),
]
TERMINAL_TYPES = ["大药房", "药店", "医药超市", "便利店", "母婴店", "平价药房", "诊所药房"]
DISTRIBUTOR_TYPES = ["医药有限公司", "商贸有限公司", "贸易有限公司", "医药物流公司"]
KEY_ACCOUNT_TYPES = ["医药连锁有限公司", "连锁超市集团", "大药房连锁总部", "人民医院药剂科"]
BRANCH_NUMBERS = ["", "", "", "二", "三", "一", "新"]

SURNAMES = ("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡"
            "余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛段雷侯龙"
            "史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤")
GIVEN = ["芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛", "明",
         "超", "秀英", "桂英", "建华", "建国", "志强", "海燕", "晓东", "小红", "春梅", "玉兰",
         "文彬", "丽华", "德明", "永刚", "凤", "霞", "平", "刚", "辉", "婷", "雪", "琳", "倩",
         "俊杰", "晓燕", "红梅", "金凤", "家豪", "子涵", "雨桐", "思远", "国平", "秀兰", "志明"]
PINYIN_HINTS = ["wang", "li", "zhang", "liu", "chen", "yang", "huang", "zhao", "wu", "zhou",
                "xu", "sun", "ma", "zhu", "hu", "guo", "he", "gao", "lin", "luo"]
ROLES_TERMINAL = ["店长", "老板", "老板娘", "店员", "店员", "营业员", "收银员", "采购", "驻店药师"]
ROLES_OFFICE = ["总经理", "采购经理", "采购", "财务", "仓管", "业务经理", "区域经理", "开票员"]
FUNCTIONS = {"总经理": "management", "采购经理": "purchasing", "采购": "purchasing",
             "财务": "finance", "仓管": "logistics", "业务经理": "sales", "区域经理": "sales",
             "开票员": "finance", "店长": "store", "老板": "management", "老板娘": "management",
             "店员": "store", "营业员": "store", "收银员": "store", "驻店药师": "store"}
LEVELS = {"总经理": "executive", "老板": "executive", "老板娘": "executive",
          "采购经理": "manager", "业务经理": "manager", "区域经理": "manager", "店长": "manager"}
STYLES = ["leader", "influencer", "checker", "follower"]
HOBBIES = ["茶", "钓鱼", "麻将", "跳广场舞", "爬山", "打羽毛球", "养花", "追剧", "书法", "摄影",
           "自驾游", "做饭", "篮球", "普洱茶", "养多肉", "跑步", "唱歌", "看球"]
FAMILY = ["女儿读初二", "儿子在昆明上大学", "刚生二胎", "和父母同住", "爱人是小学老师",
          "孩子读小学三年级", "儿子明年高考", "女儿在上海工作", "老家在曲靖", "爱人在医院上班",
          "家里有两个孩子", "母亲身体不太好"]
PERSONALITY = ["爽快", "谨慎，说话留余地", "爱面子", "讲原则", "健谈", "内向，熟了话多",
               "精打细算", "重感情", "急性子", "做事细致"]
CATEGORIES = ["OTC", "处方药", "保健品", "中药饮片", "医疗器械", "母婴", "个护", "乳品", "日化"]
PRODUCTS = ["AD奶", "酸奶", "维C泡腾片", "钙片", "蛋白粉", "板蓝根颗粒", "感冒灵", "益生菌",
            "深海鱼油", "阿胶", "枸杞原浆", "三七粉", "护手霜", "医用口罩", "血糖仪", "叶酸片",
            "婴儿奶粉", "复合维生素", "润喉片", "创可贴", "藿香正气水", "金银花露"]
COMPETITORS = ["竞品甲", "竞品乙", "竞品丙", "本地品牌"]
TAGS = ["连锁", "医保", "社区店", "学校附近", "夜间营业", "新店", "老客户", "加盟店", "直营",
        "县城", "乡镇", "医院旁", "商圈", "回款及时", "需要扶持"]
CARRIERS = ["顺丰", "德邦", "中通", "自提", "公司车", "九州通物流", "安能"]

GOALS = ["推新品陈列", "收回款", "核对库存", "培训店员产品知识", "谈端架陈列", "了解竞品动向",
         "送POP物料", "处理退货", "谈年度协议", "沟通月底促销", "店庆活动策划", "调整价格体系",
         "补货建议", "收集上月销售数据", "检查陈列效果", "认识新店员", "介绍新品卖点",
         "对账", "协调物流时效", "沟通返利政策"]
OUTCOMES = ["同意端架陈列两周", "回款两万已到账", "库存偏高，建议下月少进", "店员掌握了三个卖点",
            "竞品甲在做买一送一", "已张贴POP三张", "退货已办理", "协议待老板确认",
            "同意参加月底促销", "陈列位置被竞品占了，已调回", "新店员小刘加了微信",
            "老板不在，约下周再来", "拿到上月进销存数据", "对账无误，差额三百已核销",
            "同意首推我司产品", "价格比竞品高，老板有顾虑", "补货五十件", "店庆定在下月十八号",
            "返利政策已讲清楚", "物流慢了一天，已反馈给公司"]
ACTIONS = ["送陈列物料", "回访陈列效果", "催回款", "送样品", "确认协议", "安排店员培训",
           "带赠品过去", "复核库存", "送店庆花篮", "对账", "送新品资料", "跟老板面谈"]
CALL_NOTES = ["问到货情况", "确认订单数量", "提醒回款", "问候", "了解本周动销", "约拜访时间",
              "确认促销物料到店", "问库存", "通知调价", "答复退货申请"]
CARE_NOTES = ["问候家人身体", "聊孩子升学", "生日问候", "节日问候", "天冷了提醒注意身体",
              "问候出院后的情况", "聊最近生意"]
WECHAT_NOTES = ["发新品资料", "发促销方案", "确认对账单", "发陈列照片", "转发公司通知",
                "发培训视频"]
DELIVERY_NOTES = ["到货五十件，已签收", "补货到店", "到货少两件，已报差异", "新品首批到货",
                  "到货，外箱有破损已拍照", "促销装到货"]
EXPENSE_PURPOSES = ["gift", "请吃饭", "店庆花篮", "节日礼品", "婚礼红包", "探病水果",
                    "生日蛋糕", "培训茶歇"]
CLAIMS = ["准备接手竞品乙", "隔壁要开新店", "老板想转让店面", "竞品甲降价百分之五",
          "准备开分店", "店长下个月要离职", "竞品丙给了高返利", "要加入大连锁",
          "年底要装修停业一周", "医保定点刚批下来"]
SOURCES = ["店员小张", "同行老刘", "经销商王总", "快递师傅", "隔壁店老板", "竞品业务员",
           "公司区域经理", "店长本人"]
CHANGES = ["新开一家分店", "换了店长", "医保刷卡恢复", "对面开了竞品店", "装修后重新开业",
           "扩大了保健品区", "人手紧张"]
NOTES = ["老板周三下午常在店里。", "停车不方便，走后门。", "店员流动大，每月要重新认识。",
         "对账要找老板娘。", "喜欢先看样品再订货。", "节假日客流大，提前备货。",
         "和竞品业务员关系好，要多走动。", "回款一般在月初。"]
EVENT_NOTES = {"wedding": ["女儿结婚", "儿子结婚", "本人结婚"], "birth": ["得了孙子", "生了二胎"],
               "illness": ["住院做手术", "父亲生病住院"], "bereavement": ["母亲去世"],
               "other": ["乔迁新居", "孩子考上大学"]}
REPS = ["李明", "张强", "王丽", "刘洋", "陈静", "杨帆", "黄磊", "赵敏", "吴涛", "周杰",
        "徐艳", "孙浩", "马超", "朱琳", "胡斌", "郭婷", "何伟", "高翔", "林雪", "罗军",
        "郑凯", "梁爽", "谢鹏", "宋佳", "唐亮"]
DEPARTED = "张强"  # left on 2026-10-31: their customers are orphans in ``kq due``


def iso(ordinal: int) -> str:
    return dt.date.fromordinal(ordinal).isoformat()


def weighted(rng: random.Random, table: list[tuple[str, int]]) -> str:
    return rng.choices([v for v, _ in table], [w for _, w in table])[0]


def phone(rng: random.Random) -> str:
    if rng.random() < 0.15:  # landline with a leading 0: the reason phones are quoted
        return f"0871-{rng.randint(6000000, 6999999)}"
    return f"1{rng.choice('3578')}{rng.randint(0, 999999999):09d}"


def person(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + rng.choice(GIVEN)


def contact_block(rng: random.Random, name: str, role: str, rich: bool) -> list[str]:
    out = [f"  - name: {name}\n", f"    role: {role}\n"]
    out.append(f"    gender: {rng.choice(('male', 'female'))}\n")
    out.append(f'    phone: "{phone(rng)}"\n')
    if rng.random() < 0.8:
        out.append(f'    wechat: "{rng.choice(PINYIN_HINTS)}{rng.randint(1, 9999)}"\n')
    if rng.random() < 0.7:
        born = dt.date(rng.randint(1965, 2000), rng.randint(1, 12), rng.randint(1, 28))
        out.append(f"    birthday: {born.isoformat()}\n")
    if rng.random() < 0.25:
        leap = "L" if rng.random() < 0.04 else ""
        out.append(f'    lunar_birthday: "{leap}{rng.randint(1, 12):02d}-{rng.randint(1, 30):02d}"\n')
    out.append(f"    style: {rng.choice(STYLES)}\n")
    out.append(f"    familiarity: {rng.choice((0, 1, 1, 2, 2, 2, 3))}\n")
    if role in FUNCTIONS and rng.random() < 0.5:
        out.append(f"    function: {FUNCTIONS[role]}\n")
    if role in LEVELS and rng.random() < 0.5:
        out.append(f"    level: {LEVELS[role]}\n")
    if rich:
        out.append(f"    hobbies: [{', '.join(rng.sample(HOBBIES, rng.randint(1, 3)))}]\n")
        if rng.random() < 0.6:
            out.append(f"    personality: {rng.choice(PERSONALITY)}\n")
        out.append(f"    family: {rng.choice(FAMILY)}\n")
    if rng.random() < 0.12:
        kind = rng.choice(("wedding", "wedding", "birth", "illness", "bereavement", "other"))
        when = iso(ORDINAL0 + rng.randint(-20, 40))
        out.append("    events:\n")
        out.append(f"      - {{date: {when}, kind: {kind}, note: {rng.choice(EVENT_NOTES[kind])}}}\n")
    return out


def interaction(rng: random.Random, day: int, contacts: list[str]) -> str:
    kind = weighted(rng, [("visit", 50), ("call", 20), ("wechat", 9), ("delivery", 11),
                          ("care_call", 6), ("training", 3), ("event", 1)])
    who = rng.choice(contacts)
    date = iso(day)
    if kind in ("visit", "training", "event"):
        lines = [f"  - date: {date}\n"]
        if kind != "visit" or rng.random() < 0.3:
            lines.append(f"    kind: {kind}\n")
        lines.append(f"    contact: {who}\n")
        lines.append(f"    goal: {rng.choice(GOALS)}\n")
        lines.append(f"    outcome: {rng.choice(OUTCOMES)}\n")
        done = sorted(rng.sample(("pop", "display", "help", "feedback", "training"),
                                 rng.randint(0, 4)))
        if done:
            lines.append(f"    done: [{', '.join(done)}]\n")
        if rng.random() < 0.55:
            step = day + rng.randint(2, 14)
            action = rng.choice(ACTIONS)
            # A rep closes a step when it is done (kq done): only the last weeks' are open.
            done = f", done_on: {iso(step)}" if step < ORDINAL0 - 7 else ""
            lines.append(f"    next: {{date: {iso(step)}, action: {action}{done}}}\n")
        return "".join(lines)
    note = {"call": CALL_NOTES, "care_call": CARE_NOTES, "wechat": WECHAT_NOTES,
            "delivery": DELIVERY_NOTES}[kind]
    if rng.random() < 0.5:  # short entries are written on one line, as people do
        return f"  - {{date: {date}, kind: {kind}, contact: {who}, note: {rng.choice(note)}}}\n"
    text = f"  - date: {date}\n    kind: {kind}\n    contact: {who}\n    note: {rng.choice(note)}\n"
    if kind == "call" and rng.random() < 0.4:
        text += f"    outcome: {rng.choice(OUTCOMES)}\n"
    return text


def customer(seed: int, number: int, interactions: int) -> tuple[str, str]:
    """Return (id, file text) of customer ``number``; depends only on seed and number."""
    rng = random.Random(seed * 1_000_003 + number)
    region, region_py = rng.choice(REGIONS)
    street, street_py = rng.choice(STREETS)
    brand, brand_py = rng.choice(BRANDS)
    kind = weighted(rng, [("terminal", 75), ("distributor", 15), ("key_account", 10)])
    status = weighted(rng, [("active", 74), ("prospect", 12), ("potential", 8), ("terminated", 6)])
    district = region.split("/")[1][:2]
    if kind == "terminal":
        name = f"{brand}{rng.choice(TERMINAL_TYPES)}({district}{street}{rng.choice(BRANCH_NUMBERS)}店)"
    elif kind == "distributor":
        name = f"{region.split('/')[0]}{brand}{rng.choice(DISTRIBUTOR_TYPES)}"
    else:
        name = f"{brand}{rng.choice(KEY_ACCOUNT_TYPES)}({district})"
    cid = f"{brand_py}-{street_py}-{region_py}{number:05d}"

    owner = REPS[rng.randrange(len(REPS))]
    out: list[str] = [f"name: {name}\n", f"kind: {kind}\n", f"status: {status}\n"]
    if status == "active":
        out.append(f"grade: {weighted(rng, [('A', 20), ('B', 45), ('C', 35)])}\n")
    elif status == "prospect":
        out.append(f"grade: {rng.choice(('near', 'later'))}\n")
    tier = None
    if kind == "terminal" and status == "active":
        tier = weighted(rng, [("key", 20), ("secondary", 30), ("normal", 50)])
        out.append(f"tier: {tier}\n")
    if kind == "key_account":
        out.append(f"relationship: {rng.choice(('ordinary', 'partner', 'strategic'))}\n")
        stage = rng.choice(("acquainted", "adjusting", "accepted", "endorsed", "growing",
                            "co-creating"))
        out.append(f"stage: {stage}\n")
    out.append(f"owner: {owner}\n")
    out.append(f"region: {region}\n")
    out.append(f"address: {street}{rng.randint(1, 399)}号\n")
    out.append(f"tags: [{', '.join(rng.sample(TAGS, rng.randint(1, 3)))}]\n")
    if status in ("active", "terminated"):
        since = dt.date(rng.randint(2016, 2025), rng.randint(1, 12), rng.randint(1, 28))
        out.append(f"since: {since.isoformat()}\n")
    if kind == "terminal" and rng.random() < 0.6:
        opened = dt.date(rng.randint(2005, 2024), rng.randint(1, 12), rng.randint(1, 28))
        out.append(f"anniversary: {opened.isoformat()}\n")
    if (kind == "key_account" or tier == "key") and rng.random() < 0.5:
        wd = rng.choice(("mon", "tue", "wed", "thu", "fri"))
        clock = rng.choice(("09:00", "09:30", "10:00", "14:30", "15:00"))
        out.append(f'route: {{weekday: {wd}, time: "{clock}"}}\n')
    if rng.random() < 0.05:
        a = rng.randint(3, 20)
        out.append(f"cadence: [{a}, {a + rng.randint(2, 10)}]\n")
    if rng.random() < 0.4:
        out.append("notes: |\n")
        for note in rng.sample(NOTES, rng.randint(1, 3)):
            out.append(f"  {note}\n")

    scale = {"terminal": 1, "distributor": 12, "key_account": 30}[kind] * rng.choice((1, 2, 3, 5, 8))
    brands = rng.sample(COMPETITORS, rng.randint(1, 2))
    ours = round(rng.uniform(0.1, 0.5), 2)
    shares = ", ".join(f"{b}: {round(rng.uniform(0.05, 0.4), 2)}" for b in brands)
    out.append("business:\n")
    out.append(f"  categories: [{', '.join(rng.sample(CATEGORIES, rng.randint(1, 4)))}]\n")
    if rng.random() < 0.5:
        out.append(f"  main_line: {rng.choice(CATEGORIES)}\n")
    out.append(f"  annual_revenue: {scale * rng.randint(50, 400) * 10000}\n")
    out.append(f"  consumers: {scale * rng.randint(300, 3000)}\n")
    out.append(f"  strength: {rng.randint(1, 5)}\n  management: {rng.randint(1, 5)}\n")
    out.append(f"  brands: {{我司: {ours}, {shares}}}\n")
    if kind != "terminal":
        out.append("network:\n")
        out.append(f"  stores: {rng.randint(3, 300)}\n")
        if rng.random() < 0.5:
            out.append(f"  franchise_stores: {rng.randint(0, 80)}\n")
        out.append(f"  city: {rng.randint(1, 40)}\n  county: {rng.randint(0, 60)}\n"
                   f"  township: {rng.randint(0, 120)}\n")
        out.append(f"logistics: {{carrier: {rng.choice(CARRIERS)}, contact: {person(rng)}, "
                   f'phone: "{phone(rng)}", turnaround_days: {rng.randint(1, 4)}}}\n')

    n_contacts = rng.randint(1, 4)
    names: list[str] = []
    out.append("contacts:\n")
    roles = ROLES_TERMINAL if kind == "terminal" else ROLES_OFFICE
    for k in range(n_contacts):
        cname = person(rng)
        while cname in names:
            cname = person(rng)
        names.append(cname)
        out.extend(contact_block(rng, cname, rng.choice(roles), rich=k < 2))

    out.append("products:\n")
    for pname in rng.sample(PRODUCTS, rng.randint(2, 5)):
        role = rng.choice(("lead", "profit", "image"))
        stage = rng.choice(("intro", "growth", "mature", "mature", "decline"))
        since = iso(ORDINAL0 - rng.randint(10, 1500))
        out.append(f"  - {{name: {pname}, role: {role}, stage: {stage}, since: {since}}}\n")
    if rng.random() < 0.3:
        since = iso(ORDINAL0 - rng.randint(5, 200))
        out.append(f"  - {{name: {rng.choice(PRODUCTS)}, brand: {rng.choice(COMPETITORS)}, "
                   f"competitor: true, since: {since}}}\n")

    # About `interactions` entries, oldest first, spread over the last twelve months.
    count = rng.randint(interactions * 3 // 4, interactions * 5 // 4) if interactions else 0
    start = WINDOW_START.toordinal()
    days = sorted(rng.randrange(start, ORDINAL0) for _ in range(count))
    if days and rng.random() < 0.15:  # some customers went quiet: nothing in the last weeks
        gap = rng.randint(20, 90)
        days = [d - gap if d > ORDINAL0 - gap else d for d in days]
        days.sort()
    out.append("visits:\n" if days else "visits: []\n")
    out.extend(interaction(rng, d, names) for d in days)

    if status in ("active", "terminated"):
        out.append("months:\n")
        level = scale * rng.randint(8, 60) * 1000
        trend = rng.choice((0.97, 1.0, 1.0, 1.02, 1.04))
        last = 12 if rng.random() < 0.8 else 11  # October not reported yet for some
        for k, month in enumerate(MONTHS[:last]):
            level = max(1000, int(level * trend * rng.uniform(0.85, 1.15)))
            coll = level // 100 * 100
            ship = int(level * rng.uniform(0.8, 1.2)) // 100 * 100
            inv = int(level * rng.uniform(0.2, 1.5)) // 100 * 100
            sell = int(level * rng.uniform(0.6, 1.1)) // 100 * 100
            y, m = int(month[:4]), int(month[5:])
            rep = dt.date(y + m // 12, m % 12 + 1, rng.randint(1, 14)).isoformat()
            head = f"  {month}: {{collections: {coll}, shipments: {ship}, inventory: {inv}, sell_out: {sell},"
            tail = f"reported: {rep}"
            if rng.random() < 0.08:
                tail += f", changes: {rng.choice(CHANGES)}"
            if rng.random() < 0.05:
                tail += ", stockout: true"
            if k % 2:  # a long flow mapping wrapped onto a second line
                out.append(f"{head}\n{' ' * (len(month) + 5)}{tail}}}\n")
            else:
                out.append(f"{head} {tail}}}\n")

    if kind == "terminal" and status == "active":
        out.append("assessments:\n")
        for month in MONTHS[-3:]:
            items = rng.sample(("relationship_cards", "mutual_recognition", "mutual_familiarity",
                                "visit_frequency", "favour", "first_recommendation",
                                "pop_display", "product_knowledge"), rng.randint(2, 5))
            scores = ", ".join(f"{it}: {rng.randint(3, 10)}" for it in items)
            out.append(f"  {month}: {{{scores}}}\n")
    if kind == "distributor" and status == "active":
        out.append("synergy:\n")
        for month in MONTHS[-2:]:
            scores = ", ".join(f"{f}: {rng.randint(1, 4)}" for f in (
                "loyalty", "price_discipline", "promotion", "maintenance", "business_advice",
                "market_development", "supply", "margin"))
            out.append(f"  {month}: {{{scores}}}\n")

    n_exp = rng.randint(0, 4)
    if n_exp:
        out.append("expenses:\n")
        for day in sorted(rng.randrange(start, ORDINAL0) for _ in range(n_exp)):
            amount = rng.choice((50, 100, 120, 200, 300, 500, 800))
            line = (f"  - {{date: {iso(day)}, amount: {amount}, purpose: {rng.choice(EXPENSE_PURPOSES)}, "
                    f"recipient: {rng.choice(names)}")
            if amount >= 500 and rng.random() < 0.5:
                line += f", kind: special, applied: {iso(day - rng.randint(1, 7))}"
            if rng.random() < 0.3:
                line += ", advance: true"
            out.append(line + "}\n")
    n_intel = rng.choice((0, 0, 1, 1, 2))
    if n_intel:
        out.append("intel:\n")
        for day in sorted(rng.randrange(start, ORDINAL0) for _ in range(n_intel)):
            sources = ", ".join(rng.sample(SOURCES, rng.randint(1, 2)))
            out.append(f"  - {{date: {iso(day)}, claim: {rng.choice(CLAIMS)}, sources: [{sources}]}}\n")
    return cid, "".join(out)


def settings_text() -> str:
    lines = ["# kq settings: generated by bench/generate.py; every other key takes its default\n",
             "reps:\n"]
    for rep in REPS:
        if rep == DEPARTED:
            lines.append(f"  - {{name: {rep}, left: 2026-10-31}}\n")
        else:
            lines.append(f"  - {{name: {rep}}}\n")
    return "".join(lines)


def generate(root: Path, customers: int, interactions: int = 40, seed: int = 1) -> int:
    """Write the repository; return the total bytes of the customer files."""
    folder = root / "customers"
    folder.mkdir(parents=True, exist_ok=True)
    (root / "kq.yaml").write_text(settings_text(), encoding="utf-8")
    total = 0
    for number in range(1, customers + 1):
        cid, text = customer(seed, number, interactions)
        data = text.encode("utf-8")
        total += len(data)
        with open(folder / f"{cid}.yaml", "wb") as fh:
            fh.write(data)
    return total


def validate_sample(root: Path, count: int, seed: int) -> list[str]:
    """Validate ``count`` files chosen at random; return the problems found."""
    import yaml

    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    from kqcli.schema.config import Settings
    from kqcli.schema.customer import Customer

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # same result as yaml.safe_load
    problems = []
    try:
        Settings.model_validate(yaml.load((root / "kq.yaml").read_text(encoding="utf-8"), loader))
    except Exception as exc:  # noqa: BLE001 - report, don't stop
        problems.append(f"kq.yaml: {exc}")
    files = sorted((root / "customers").glob("*.yaml"))
    for path in random.Random(seed).sample(files, min(count, len(files))):
        try:
            Customer.model_validate(yaml.load(path.read_text(encoding="utf-8"), loader))
        except Exception as exc:  # noqa: BLE001
            problems.append(f"{path}: {exc}")
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("dir", type=Path, help="repository to write (created if missing)")
    parser.add_argument("--customers", type=int, required=True, help="number of customers")
    parser.add_argument("--interactions", type=int, default=40, help="mean interactions each")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--validate", type=int, default=50, metavar="K",
                        help="validate K random files against the schema (0: skip)")
    args = parser.parse_args(argv)

    if (args.dir / "customers").is_dir() and any(os.scandir(args.dir / "customers")):
        parser.error(f"{args.dir}/customers is not empty; remove it first")
    started = time.perf_counter()
    total = generate(args.dir, args.customers, args.interactions, args.seed)
    took = time.perf_counter() - started
    print(f"wrote {args.customers} customers to {args.dir}/customers: {total / 1e6:.1f} MB "
          f"({total / max(args.customers, 1) / 1024:.1f} KiB each) in {took:.1f} s",
          file=sys.stderr)
    if args.validate:
        problems = validate_sample(args.dir, args.validate, args.seed)
        for problem in problems:
            print(problem, file=sys.stderr)
        if problems:
            return 1
        print(f"validated {min(args.validate, args.customers)} sample files against Customer",
              file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
