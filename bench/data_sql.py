"""
The set-based SQL of bench.generate, one statement per table, and the word lists it draws from.

Every value derives from the row number g through hashint8extended(g, seed): deterministic,
spread evenly, and cheap (no random() state, no per-row Python). H(expr, seed, n) is the
SQL of "a number in 0 … n-1 for this row"; each field uses its own seed so that fields vary
independently. Dates are placed between two known moments (a fraction of the gap), so every
"happened after" rule of the models holds whatever the scale. The word lists are those of the
demo generator (apps.demo.generator.vocabulary), passed as array parameters.
"""

# ruff: noqa: S608  (the statements are assembled from constants; every value is a parameter)

from apps.demo.generator import vocabulary as words

# Weighted picks are arrays with each value repeated by its weight.
LEVEL_WEIGHTS = {1: 8, 2: 5, 3: 4, 4: 2, 5: 1}
STAR_WEIGHTS = {1: 1, 2: 2, 3: 6, 4: 7, 5: 4}
SERVICE_TYPE_WEIGHTS = {"咨询": 9, "建议": 5, "投诉": 6}
ACCOUNT_MANAGER_ROLE = "account_manager"


def H(expr: str, seed: int, n: int | str) -> str:
    return f"(abs(hashint8extended(({expr})::bigint, {seed})) %% ({n}))"


def _weighted(weights: dict) -> list:
    return [value for value, weight in weights.items() for _ in range(weight)]


def vocabulary() -> dict:
    """The array parameters every statement may use (unused ones cost nothing)."""
    cities = words.CITIES
    suffixes = _weighted(dict(words.COMPANY_SUFFIXES))
    return {
        "city_pick": _weighted({i + 1: c.weight for i, c in enumerate(cities)}),
        "city_name": [c.name for c in cities],
        "city_region": [c.region for c in cities],
        "city_area": [c.area_code for c in cities],
        "city_zip": [c.zip_prefix for c in cities],
        "city_code": [c.admin_code for c in cities],
        "city_py": [c.pinyin for c in cities],
        "trade": [t for t, _ in words.TRADE_NAMES],
        "trade_py": [p for _, p in words.TRADE_NAMES],
        "industry": [t for t, _ in words.INDUSTRIES],
        "industry_py": [p for _, p in words.INDUSTRIES],
        "suffix": suffixes,
        "surname": list(words.SURNAMES),
        "male": words.MALE_GIVEN,
        "female": words.FEMALE_GIVEN,
        "senior": words.SENIOR_POSITIONS,
        "position": words.POSITIONS,
        "lkm_memo": words.LINKMAN_MEMOS,
        "road": words.ROADS,
        "building": words.BUILDINGS,
        "bank": words.BANKS,
        "branch": words.BANK_BRANCHES,
        "levels": _weighted(LEVEL_WEIGHTS),
        "stars": _weighted(STAR_WEIGHTS),
        "topic": [t for t, _ in words.ACTIVITY_TOPICS],
        "topic_text": [d for _, d in words.ACTIVITY_TOPICS],
        "place": words.ACTIVITY_PLACES,
        "atv_remark": words.ACTIVITY_REMARKS,
        "source": words.CHANCE_SOURCES,
        "chance_title": words.CHANCE_TITLES,
        "chance_desc": words.CHANCE_DESCRIPTION,
        "todo": words.PLAN_TODOS,
        "plan_result": words.PLAN_RESULTS,
        "plan_won": words.PLAN_WON,
        "plan_failure": words.PLAN_FAILURES,
        "svc_type": _weighted(SERVICE_TYPE_WEIGHTS),
        "svc_title_consult": words.SERVICE_TITLES["咨询"],
        "svc_title_suggest": words.SERVICE_TITLES["建议"],
        "svc_title_complain": words.SERVICE_TITLES["投诉"],
        "svc_request": words.SERVICE_REQUEST,
        "svc_handling": words.SERVICE_HANDLINGS,
        "svc_good": words.SERVICE_RESULTS_GOOD,
        "svc_bad": words.SERVICE_RESULTS_BAD,
        "churn_reason": words.CHURN_REASONS,
        "churn_measure": words.CHURN_MEASURES,
    }


def pick(array: str, seed_expr: str, seed: int, *, cast: str = "text[]") -> str:
    """One element of the array parameter `array`, chosen by the hash of `seed_expr`."""
    return f"(%({array})s::{cast})[1 + {H(seed_expr, seed, f'cardinality(%({array})s::{cast})')}]"


def person(expr: str, seed: int) -> str:
    """A Chinese name: surname + a female (one in three) or male given name."""
    return (
        f"{pick('surname', expr, seed)} || CASE WHEN {H(expr, seed + 1, 3)} = 0 "
        f"THEN {pick('female', expr, seed + 2)} ELSE {pick('male', expr, seed + 3)} END"
    )


def person_sex(expr: str, seed: int) -> str:
    """'女' or '男', matching person(expr, seed)."""
    return f"CASE WHEN {H(expr, seed + 1, 3)} = 0 THEN '女' ELSE '男' END"


def company(expr: str, seed: int, city: str) -> str:
    """城市 + 字号 (two syllables of two trade names: 1,600 of them) + 行业 + 组织形式."""
    return (
        f"(%(city_name)s::text[])[{city}] || substr({pick('trade', expr, seed)}, 1, 1) "
        f"|| substr({pick('trade', expr, seed + 1)}, 2, 1) || {pick('industry', expr, seed + 2)} "
        f"|| {pick('suffix', expr, seed + 3)}"
    )


def city(expr: str, seed: int) -> str:
    return pick("city_pick", expr, seed, cast="int[]")


def mobile(expr: str, seed: int) -> str:
    prefixes = "ARRAY['135','136','137','138','139','150','151','158','186','188','199']"
    digits = H(expr, seed + 1, 100000000)
    return f"({prefixes})[1 + {H(expr, seed, 11)}] || lpad({digits}::text, 8, '0')"


# A customer's latest order was `anchor` days ago: dormant ones (a quarter, and every lost
# customer) 183-1094 days, the others 0-59. Customers numbered 10, 20, … never ordered.
DORMANT = "((({c}) %% 20 = 13) OR ((({c}) * 2654435761) %% 97 < 25))"
ANCHOR = f"(CASE WHEN {DORMANT} THEN 183 + (({{c}}) * 13) %% 912 ELSE (({{c}}) * 7) %% 60 END)"


def anchor(c: str) -> str:
    return ANCHOR.format(c=c)


def dormant(c: str) -> str:
    return DORMANT.format(c=c)


def step(max_days: int, expr: str, seed: int) -> str:
    """A delay after a0.t0: a tenth of the time since then at most, and at most `max_days`."""
    return (
        f"LEAST(a0.gap * 0.1, interval '{max_days} days') "
        f"* (0.05 + 0.95 * {H(expr, seed, 1000)} / 1000.0)"
    )


USERS = f"""
INSERT INTO sys_user (password, is_superuser, usr_name, full_name, email, usr_flag, language,
                      date_joined, updated_at, usr_role_id)
SELECT %(password)s, false, 'bench_' || r.prefix || n, {person("r.seed * 1000 + n", 10)},
       'bench_' || r.prefix || n || '@example.com', true, '',
       %(now)s::timestamptz - interval '1900 days', %(now)s::timestamptz,
       (SELECT id FROM sys_role WHERE code = r.code)
FROM (VALUES ('admin', 'admin', %(n_admin)s, 1), ('sales_manager', 'manager', %(n_manager)s, 2),
             ('{ACCOUNT_MANAGER_ROLE}', 'am', %(n_am)s, 3), ('executive', 'exec', %(n_exec)s, 4))
     AS r (code, prefix, total, seed)
CROSS JOIN LATERAL generate_series(1, r.total) n
ORDER BY r.seed, n
ON CONFLICT (usr_name) DO UPDATE SET password = EXCLUDED.password,
    is_superuser = false, full_name = EXCLUDED.full_name, email = EXCLUDED.email,
    usr_flag = true, usr_role_id = EXCLUDED.usr_role_id
"""

# Customer g: number KB + 11 digits (the app numbers KH + date + sequence); status 3 (deleted)
# if g % 20 = 7, 2 (lost) if g % 20 = 13, else 1; managers round-robin over the account
# managers; created before its oldest order.
CUSTOMERS = f"""
INSERT INTO cst_customer (id, created_at, updated_at, cust_no, cust_name, cust_region,
    cust_level, cust_satisfy, cust_credit, cust_addr, cust_zip, cust_tel, cust_fax, cust_website,
    cust_licence_no, cust_chieftain, cust_bankroll, cust_turnover, cust_bank,
    cust_bank_account, cust_local_tax_no, cust_national_tax_no, cust_status, cust_manager_id,
    cust_name_key, cust_tel_key, cust_uscc, cust_inv_tax_no, cust_inv_bank, cust_inv_account,
    cust_inv_address, cust_inv_phone)
SELECT g, created, created + (%(now)s::timestamptz - created) * 0.3, 'KB' || lpad(g::text, 11, '0'),
       {company("g", 20, "ci")}, (%(city_region)s::text[])[ci],
       {pick("levels", "g", 30, cast="int[]")}, {pick("stars", "g", 31, cast="int[]")},
       {pick("stars", "g", 32, cast="int[]")},
       (%(city_name)s::text[])[ci] || {pick("road", "g", 33)} || (1 + {H("g", 34, 399)}) || '号'
           || {pick("building", "g", 35)},
       (%(city_zip)s::text[])[ci] || lpad({H("g", 36, 1000)}::text, 3, '0'),
       (%(city_area)s::text[])[ci] || '-' || (20000000 + {H("g", 37, 79999999)}),
       CASE WHEN {H("g", 38, 3)} = 0 THEN (%(city_area)s::text[])[ci] || '-'
            || (20000000 + {H("g", 39, 79999999)}) ELSE '' END,
       'www.' || (%(city_py)s::text[])[ci] || {pick("trade_py", "g", 40)}
           || {pick("industry_py", "g", 41)} || '.com.cn',
       (%(city_code)s::text[])[ci] || lpad(g::text, 9, '0'), {person("g", 42)},
       50 * (1 + {H("g", 46, 400)}), 100 * (1 + {H("g", 47, 2000)}),
       {pick("bank", "g", 48)} || (%(city_name)s::text[])[ci] || {pick("branch", "g", 49)},
       '6222' || lpad({H("g", 50, 1000000000)}::text, 9, '0') || lpad(g::text, 7, '0'),
       '91' || (%(city_code)s::text[])[ci] || lpad(g::text, 10, '0'),
       '92' || (%(city_code)s::text[])[ci] || lpad(g::text, 10, '0'),
       CASE g %% 20 WHEN 7 THEN '3' WHEN 13 THEN '2' ELSE '1' END,
       (%(am_ids)s::bigint[])[1 + g %% %(n_am)s],
       -- the duplicate check's keys (apps.customers.identity, its common cases in SQL)
       regexp_replace(upper({company("g", 20, "ci")}),
                      '(股份有限公司|有限责任公司|集团有限公司|有限公司|集团|公司)+$', ''),
       regexp_replace((%(city_area)s::text[])[ci] || (20000000 + {H("g", 37, 79999999)}),
                      '[^0-9]', '', 'g'),
       '', '', '', '', '', ''
FROM generate_series(1::bigint, %(customers)s) g
CROSS JOIN LATERAL (SELECT {city("g", 21)} AS ci) c
CROSS JOIN LATERAL (
    SELECT %(now)s::timestamptz - make_interval(
        days => (CASE WHEN g %% 10 = 0 THEN 1 + {H("g", 22, 1824)}
                      ELSE {anchor("g")} + 365 + {H("g", 23, 365)} END)::int,
        secs => 28800 + {H("g", 24, 36000)}) AS created
) t
"""

# About three linkmen per customer, the first a senior one; same area code as the customer.
LINKMEN = f"""
INSERT INTO cst_linkman (id, created_at, updated_at, lkm_cust_id, lkm_name, lkm_sex, lkm_postion,
                         lkm_tel, lkm_mobile, lkm_memo)
SELECT g, moment, moment, cu.id, {person("g", 60)}, {person_sex("g", 60)},
       CASE WHEN k = 0 THEN {pick("senior", "g", 64)} ELSE {pick("position", "g", 65)} END,
       split_part(cu.cust_tel, '-', 1) || '-' || (20000000 + {H("g", 66, 79999999)}),
       CASE WHEN {H("g", 67, 10)} = 0 THEN '' ELSE {mobile("g", 68)} END,
       {pick("lkm_memo", "g", 70)}
FROM generate_series(1::bigint, %(linkmen)s) g
CROSS JOIN LATERAL (SELECT 1 + (g - 1) %% %(customers)s AS c, (g - 1) / %(customers)s AS k) m
JOIN cst_customer cu ON cu.id = m.c
CROSS JOIN LATERAL (SELECT cu.created_at + (%(now)s::timestamptz - cu.created_at)
                           * LEAST(k * 0.15, 0.9) AS moment) t
"""

# Activities spread over each customer's life; the product named comes from the catalogue.
ACTIVITIES = f"""
INSERT INTO cst_activity (id, created_at, updated_at, atv_cust_id, atv_date, atv_place,
                          atv_title, atv_desc, atv_remark)
SELECT g, LEAST(moment + interval '3 hours', %(now)s::timestamptz),
       LEAST(moment + interval '3 hours', %(now)s::timestamptz), cu.id, moment,
       {pick("place", "g", 80)}, (%(topic)s::text[])[ti],
       replace((%(topic_text)s::text[])[ti], '{{product}}', {pick("prod_name", "g", 82)}),
       {pick("atv_remark", "g", 83)}
FROM generate_series(1::bigint, %(activities)s) g
CROSS JOIN LATERAL (SELECT 1 + {H("g", 84, "%(customers)s")} AS c,
                           1 + {H("g", 81, "cardinality(%(topic)s::text[])")} AS ti) m
JOIN cst_customer cu ON cu.id = m.c
CROSS JOIN LATERAL (SELECT cu.created_at + (%(now)s::timestamptz - cu.created_at)
                           * ({H("g", 85, 10000)} / 10000.0) AS moment) t
"""

# Orders go to the customers whose number is not a multiple of 10. Order k of customer c:
# its first order is the latest, anchor(c) days ago; later ones are up to a year older.
ORDERS = f"""
INSERT INTO orders (odr_id, created_at, updated_at, odr_date, odr_addr, odr_status, odr_cust_id)
SELECT g, odr_date, odr_date, odr_date, cu.cust_addr,
       CASE WHEN g %% 3 = 0 AND odr_date > %(now)s::timestamptz - interval '90 days' THEN '5'
            ELSE '6' END, c
FROM (
    SELECT g, c, %(now)s::timestamptz - make_interval(
               days => ({anchor("c")} + CASE WHEN g <= %(k_total)s THEN 0
                                             ELSE (g * 31) %% 365 END)::int,
               secs => (g * 13) %% 86400) AS odr_date
    FROM (
        SELECT g, k + k / 9 + 1 AS c
        FROM (SELECT g, (g - 1) %% %(k_total)s AS k
              FROM generate_series(1::bigint, %(orders)s) g) numbered
    ) mapped
) planned
JOIN cst_customer cu ON cu.id = planned.c
"""

LINES = f"""
INSERT INTO orders_line (id, odd_count, odd_unit, odd_price, odd_order_id, odd_prod_id)
SELECT g, 1 + {H("g", 90, 20)}, (%(prod_unit)s::text[])[p], (%(prod_price)s::numeric[])[p],
       1 + (g - 1) %% %(orders)s, (%(prod_id)s::bigint[])[p]
FROM generate_series(1::bigint, %(lines)s) g
CROSS JOIN LATERAL (SELECT 1 + {H("g", 91, "%(n_products)s")} AS p) m
"""

# Chance n: state by n % 20 — 0-4 unassigned, 5-11 developing, 12-15 won, 16-19 lost. A won
# chance is the origin of a customer: its name, assigned to its account manager, won (assigned
# and planned) before the customer record was created.
CHANCES = f"""
INSERT INTO sal_chance (id, created_at, updated_at, chc_source, chc_cust_name, chc_title,
    chc_rate, chc_linkman, chc_tel, chc_desc, chc_create_id, chc_due_id, chc_due_date, chc_status)
SELECT g, created, COALESCE(assigned, created), {pick("source", "g", 100)}, cname,
       replace(replace(replace({pick("chance_title", "g", 101)}, '{{count}}', cnt::text),
               '{{unit}}', (%(prod_unit)s::text[])[p]), '{{product}}', (%(prod_name)s::text[])[p]),
       CASE state WHEN 1 THEN 10 + 10 * {H("g", 102, 6)} WHEN 2 THEN 30 + 10 * {H("g", 102, 6)}
                  WHEN 3 THEN 60 + 10 * {H("g", 102, 5)} ELSE 10 + 10 * {H("g", 102, 5)} END,
       {person("g", 103)}, {mobile("g", 107)},
       replace(replace(replace(replace(%(chance_desc)s, '{{customer}}', cname),
               '{{months}}', (1 + {H("g", 109, 6)})::text), '{{product}}',
               (%(prod_name)s::text[])[p]),
               '{{budget}}', greatest(1, cnt * (%(prod_price)s::numeric[])[p] / 10000)::int::text),
       CASE WHEN {H("g", 110, 2)} = 0
            THEN (%(manager_ids)s::bigint[])[1 + {H("g", 111, "%(n_manager)s")}]
            ELSE (%(am_ids)s::bigint[])[1 + {H("g", 112, "%(n_am)s")}] END,
       assignee, assigned, state
FROM generate_series(1::bigint, %(chances)s) g
CROSS JOIN LATERAL (
    SELECT CASE WHEN g %% 20 < 5 THEN 1 WHEN g %% 20 < 12 THEN 2 WHEN g %% 20 < 16 THEN 3
                ELSE 4 END AS state,
           1 + {H("g", 113, "%(n_products)s")} AS p, 2 + {H("g", 114, 49)} AS cnt,
           {city("g", 115)} AS ci
) s
LEFT JOIN cst_customer cu
       ON cu.id = CASE WHEN s.state = 3 THEN 1 + {H("g", 116, "%(customers)s")} END
CROSS JOIN LATERAL (
    SELECT CASE s.state WHEN 3 THEN cu.cust_name ELSE {company("g", 117, "s.ci")} END AS cname,
           CASE s.state
               WHEN 1 THEN %(now)s::timestamptz
                           - make_interval(days => (1 + {H("g", 121, 30)})::int)
               WHEN 2 THEN %(now)s::timestamptz
                           - make_interval(days => (15 + {H("g", 121, 106)})::int)
               WHEN 3 THEN cu.created_at - make_interval(days => (30 + {H("g", 121, 91)})::int)
               ELSE %(now)s::timestamptz - make_interval(days => (60 + {H("g", 121, 1741)})::int)
           END - make_interval(secs => {H("g", 122, 36000)}) AS created
) c
CROSS JOIN LATERAL (
    SELECT CASE WHEN s.state = 1 THEN NULL
                WHEN s.state = 3 THEN cu.cust_manager_id
                ELSE (%(am_ids)s::bigint[])[1 + {H("g", 123, "%(n_am)s")}] END AS assignee,
           CASE WHEN s.state = 1 THEN NULL
                ELSE c.created + make_interval(days => {H("g", 124, 5)}::int,
                                               secs => 600 + {H("g", 125, 20000)}) END AS assigned
) a
"""

# 1-4 plan items per assigned chance, dated in order after the assignment: developing ones
# up to a month ahead (past items carry a result), won ones before the customer existed
# (the last item "合同已签订"), lost ones within 45 days (the last item says why).
PLANS = f"""
INSERT INTO sal_plan (created_at, updated_at, pla_chc_id, pla_date, pla_todo, pla_result)
SELECT LEAST(ch.chc_due_date + make_interval(hours => k::int), %(now)s::timestamptz),
       LEAST(ch.chc_due_date + make_interval(hours => k::int), %(now)s::timestamptz),
       ch.id, day,
       (%(todo)s::text[])[LEAST(k + {H("ch.id", 130, 4)}, cardinality(%(todo)s::text[]))],
       CASE WHEN k = total AND ch.chc_status = 3 THEN %(plan_won)s
            WHEN k = total AND ch.chc_status = 4 THEN {pick("plan_failure", "ch.id", 131)}
            WHEN day < %(now)s::date AND {H("ch.id * 4 + k", 132, 100)} < 85
                THEN {pick("plan_result", "ch.id * 4 + k", 133)}
            ELSE '' END
FROM sal_chance ch
CROSS JOIN LATERAL (SELECT 1 + {H("ch.id", 134, 4)} AS total) t
CROSS JOIN LATERAL generate_series(1, t.total) k
CROSS JOIN LATERAL (
    SELECT (ch.chc_due_date + interval '1 day' + CASE ch.chc_status
                WHEN 2 THEN %(now)s::timestamptz + interval '30 days' - ch.chc_due_date
                WHEN 3 THEN interval '23 days' ELSE interval '44 days' END
            * ((k - 1) + 0.5) / t.total)::date AS day
) d
WHERE ch.chc_status <> 1
ORDER BY ch.id, k
"""

# Ticket n: state by n % 20 — 0-2 created, 3-6 assigned, 7-9 handled, 10-19 archived
# ("feedback" is no resting state: SPEC §8). The moments t0 (created) … t5 (second feedback)
# follow each other (OFFSET 0 keeps each computed once per row, not inlined into the next);
# `looped` tickets had a first handling the customer was unhappy with.
SERVICE_PLAN = f"""
CREATE TEMPORARY TABLE bench_service ON COMMIT DROP AS
SELECT g AS id, status, looped, cu.id AS cust_id, cu.cust_manager_id AS creator,
       CASE WHEN {H("g", 140, 100)} < 85 THEN cu.cust_manager_id
            ELSE (%(am_ids)s::bigint[])[1 + {H("g", 141, "%(n_am)s")}] END AS assignee,
       kind, a0.t0, a0.t0 + d1 AS t1, a0.t0 + d1 + d2 AS t2, a0.t0 + d1 + d2 + d3 AS t3,
       a0.t0 + d1 + d2 + d3 + d4 AS t4, a0.t0 + d1 + d2 + d3 + d4 + d5 AS t5
FROM generate_series(1::bigint, %(services)s) g
CROSS JOIN LATERAL (
    SELECT CASE WHEN g %% 20 < 3 THEN 'created' WHEN g %% 20 < 7 THEN 'assigned'
                WHEN g %% 20 < 10 THEN 'handled' ELSE 'archived' END AS status,
           {pick("svc_type", "g", 142)} AS kind,
           1 + {H("g", 143, "%(customers)s")} AS c
) s
CROSS JOIN LATERAL (
    SELECT CASE WHEN s.status = 'assigned' THEN {H("g", 144, 5)} = 0
                WHEN s.status IN ('handled', 'archived') THEN {H("g", 144, 10)} = 0
                ELSE false END AS looped,
           CASE WHEN s.c %% 20 IN (7, 13) THEN s.c - 1 ELSE s.c END AS cust
) l
JOIN cst_customer cu ON cu.id = l.cust
CROSS JOIN LATERAL (
    SELECT t0, %(now)s::timestamptz - t0 AS gap FROM (
        SELECT GREATEST(cu.created_at + interval '1 hour', CASE s.status
            WHEN 'created'
                THEN %(now)s::timestamptz - make_interval(days => 1 + {H("g", 145, 10)}::int)
            WHEN 'assigned'
                THEN %(now)s::timestamptz - make_interval(days => 2 + {H("g", 145, 30)}::int)
            WHEN 'handled'
                THEN %(now)s::timestamptz - make_interval(days => 3 + {H("g", 145, 45)}::int)
            ELSE cu.created_at + (%(now)s::timestamptz - interval '15 days' - cu.created_at)
                 * ({H("g", 146, 1000)} / 1000.0) END
            - make_interval(secs => {H("g", 147, 3600)}::int)) AS t0
    ) x
    OFFSET 0
) a0
CROSS JOIN LATERAL (
    SELECT {step(2, "g", 150)} AS d1, {step(4, "g", 151)} AS d2, {step(7, "g", 152)} AS d3,
           {step(4, "g", 153)} AS d4, {step(7, "g", 154)} AS d5
    OFFSET 0
) d
"""

_TITLE = f"""replace(CASE p.kind WHEN '咨询' THEN {pick("svc_title_consult", "p.id", 160)}
                 WHEN '建议' THEN {pick("svc_title_suggest", "p.id", 160)}
                 ELSE {pick("svc_title_complain", "p.id", 160)} END,
         '{{product}}', {pick("prod_name", "p.id", 161)})"""

# The ticket's own columns mirror its latest handling; result and satisfaction are those of
# the latest feedback (a handled ticket that came back keeps the first verdict until the new
# one, as ticket_handle leaves them).
SERVICES = f"""
INSERT INTO cst_service (id, created_at, updated_at, svr_type, svr_title, svr_cust_id, svr_status,
    svr_request, svr_create_id, svr_due_id, svr_due_date, svr_deal, svr_deal_id, svr_deal_date,
    svr_result, svr_satisfy)
SELECT p.id, p.t0, CASE p.status WHEN 'created' THEN p.t0 WHEN 'assigned' THEN
                        CASE WHEN p.looped THEN p.t3 ELSE p.t1 END
                   WHEN 'handled' THEN CASE WHEN p.looped THEN p.t4 ELSE p.t2 END
                   ELSE CASE WHEN p.looped THEN p.t5 ELSE p.t3 END END,
       p.kind, title, p.cust_id, p.status,
       replace(replace(%(svc_request)s, '{{title}}', title), '{{linkman}}', {person("p.id", 162)}),
       p.creator,
       CASE WHEN p.status <> 'created' THEN p.assignee END,
       CASE WHEN p.status <> 'created' THEN p.t1 END,
       CASE WHEN p.status IN ('handled', 'archived') AND p.looped
                THEN {pick("svc_handling", "p.id", 166)}
            WHEN p.status IN ('handled', 'archived') OR p.looped
                THEN {pick("svc_handling", "p.id", 165)}
            ELSE '' END,
       CASE WHEN p.status IN ('handled', 'archived') OR p.looped THEN p.assignee END,
       CASE WHEN p.status IN ('handled', 'archived') AND p.looped THEN p.t4
            WHEN p.status IN ('handled', 'archived') OR p.looped THEN p.t2 END,
       CASE WHEN p.status = 'archived' THEN {pick("svc_good", "p.id", 167)}
            WHEN p.looped THEN {pick("svc_bad", "p.id", 168)} ELSE '' END,
       CASE WHEN p.status = 'archived' THEN 3 + {H("p.id", 169, 3)}
            WHEN p.looped THEN 1 + {H("p.id", 170, 2)} END
FROM bench_service p
CROSS JOIN LATERAL (SELECT {_TITLE} AS title) t
"""

# Round 1: every handled ticket's first handling (answered unless it awaits feedback);
# round 2: the re-handling of a looped handled or archived ticket.
ROUNDS = f"""
INSERT INTO cst_service_round (created_at, updated_at, ticket_id, number, handling, handled_by_id,
    handled_at, result, satisfaction, feedback_by_id, feedback_at)
SELECT r.handled_at, COALESCE(r.feedback_at, r.handled_at), r.ticket_id, r.number, r.handling,
       r.handled_by, r.handled_at, r.result, r.satisfaction, r.feedback_by, r.feedback_at
FROM (
    SELECT p.id AS ticket_id, 1 AS number, {pick("svc_handling", "p.id", 165)} AS handling,
           p.assignee AS handled_by, p.t2 AS handled_at,
           CASE WHEN p.looped THEN {pick("svc_bad", "p.id", 168)}
                WHEN p.status = 'archived' THEN {pick("svc_good", "p.id", 167)}
                ELSE '' END AS result,
           CASE WHEN p.looped THEN 1 + {H("p.id", 170, 2)}
                WHEN p.status = 'archived' THEN 3 + {H("p.id", 169, 3)} END AS satisfaction,
           CASE WHEN p.looped OR p.status = 'archived' THEN p.creator END AS feedback_by,
           CASE WHEN p.looped OR p.status = 'archived' THEN p.t3 END AS feedback_at
    FROM bench_service p
    WHERE p.status IN ('handled', 'archived') OR p.looped
    UNION ALL
    SELECT p.id, 2, {pick("svc_handling", "p.id", 166)}, p.assignee, p.t4,
           CASE WHEN p.status = 'archived' THEN {pick("svc_good", "p.id", 167)} ELSE '' END,
           CASE WHEN p.status = 'archived' THEN 3 + {H("p.id", 169, 3)} END,
           CASE WHEN p.status = 'archived' THEN p.creator END,
           CASE WHEN p.status = 'archived' THEN p.t5 END
    FROM bench_service p
    WHERE p.looped AND p.status IN ('handled', 'archived')
) r
ORDER BY r.ticket_id, r.number
"""

# Churn records of customers picked evenly (by hash) among: the lost ones (confirmed, 3), the
# dormant normal ones (warning 1 or postponed 2) and a seventh of the active ones that ordered
# again after a gap (recovered, 4). At most one record per customer, so the "one open churn"
# constraint holds. The scan raised each a few days after the sixth month without an order.
CHURNS = f"""
INSERT INTO cst_lost (id, created_at, updated_at, lst_cust_id, lst_cust_manager_id,
    lst_last_order_date, lst_lost_date, recovered_date, lst_reason, lst_status)
SELECT n, created, CASE WHEN status = 3 THEN lost_at WHEN status = 2 THEN created + win * 0.6
                        ELSE created END,
       id, cust_manager_id, last_order, CASE WHEN status = 3 THEN lost_at::date END,
       CASE WHEN status = 4 THEN recovered END,
       CASE WHEN status = 3 THEN {pick("churn_reason", "id", 180)} ELSE '' END, status
FROM (
    SELECT row_number() OVER (ORDER BY hashint8(id), id) AS n, *
    FROM (
        SELECT cu.id, cu.cust_manager_id,
               CASE WHEN cu.cust_status = '2' THEN 3
                    WHEN {dormant("cu.id")}
                        THEN CASE WHEN {H("cu.id", 181, 5)} < 3 THEN 1 ELSE 2 END
                    ELSE 4 END AS status,
               (%(now)s::timestamptz - make_interval(days => ({anchor("cu.id")})::int))::date
                   AS latest
        FROM cst_customer cu
        WHERE cu.id %% 10 <> 0 AND (cu.cust_status = '2' OR (cu.cust_status = '1'
              AND ({dormant("cu.id")} OR cu.id %% 7 = 0)))
    ) candidates
    ORDER BY hashint8(id), id
    LIMIT %(churns)s
) picked
CROSS JOIN LATERAL (
    SELECT CASE WHEN status = 4 THEN latest - (200 + {H("id", 182, 165)})::int ELSE latest END
           AS last_order,
           CASE WHEN status = 4 THEN latest END AS recovered
) o
CROSS JOIN LATERAL (
    SELECT LEAST(o.last_order + make_interval(days => 184 + {H("id", 183, 4)}::int, hours => 2),
                 %(now)s::timestamptz - interval '1 hour') AS created
) c
CROSS JOIN LATERAL (
    SELECT LEAST(%(now)s::timestamptz - c.created, interval '90 days') AS win
) w
CROSS JOIN LATERAL (SELECT c.created + w.win * 0.9 AS lost_at) l
"""

# Postponed records carry 1-3 measures, half the confirmed ones 1-2, taken in order before
# the record's last change, by the account manager.
MEASURES = f"""
INSERT INTO cst_lost_measure (created_at, updated_at, churn_id, text, author_id)
SELECT moment, moment, l.id, (%(churn_measure)s::text[])[1 + ({H("l.id", 190, 5)} + k) %% 5],
       l.lst_cust_manager_id
FROM cst_lost l
CROSS JOIN LATERAL (SELECT CASE WHEN l.lst_status = 2 THEN 1 + {H("l.id", 191, 3)}
                               WHEN l.lst_status = 3 AND l.id %% 2 = 0 THEN 1 + {H("l.id", 191, 2)}
                               ELSE 0 END AS total) t
CROSS JOIN LATERAL generate_series(1, t.total) k
CROSS JOIN LATERAL (
    SELECT l.created_at + LEAST(%(now)s::timestamptz - l.created_at, interval '90 days')
           * (0.5 * k / (t.total + 1)) AS moment
) m
ORDER BY l.id, k
"""
