/*  record: the one place where a team update is validated and turned into
 *  a request.
 *
 *  Owns the agent-side wording of every rejection ("minutes: \"abc\" is not
 *  a whole number").  The checks are the ones that need no state: syntax,
 *  ranges and which fields a type takes.  Whether the project or person
 *  exists is pmod's call; its reason reaches the user through the ack.
 *  Never uses floating point: numbers keep the text they were written with
 *  and go through pmo_decimal_parse / pmo_money_parse.
 */
#include "record.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

#include "pmo/pmo_date.h"
#include "pmo/pmo_error.h"
#include "pmo/pmo_limits.h"
#include "pmo/pmo_money.h"

/*  Quoting cap: a reason must stay one readable line. */
#define S_QUOTE_MAX 40

typedef enum {
    S_TIME = 1 << 0,
    S_COST = 1 << 1,
    S_PROGRESS = 1 << 2,
    S_MILESTONE = 1 << 3,
    S_VOID = 1 << 4,
    S_ALL = 0x1F
} s_type_bit_t;

/*  Every field a record may carry, and the types that take it. */
static const struct {
    const char *key;
    unsigned types;
} s_fields[] = {
    {"type", S_ALL},
    {"person", S_TIME},
    {"project", S_ALL},
    {"date", S_ALL},
    {"minutes", S_TIME},
    {"hours", S_TIME},
    {"activity", S_TIME},
    {"note", S_ALL},
    {"amount", S_COST},
    {"amount_minor", S_COST},
    {"currency", S_COST},
    {"category", S_COST},
    {"percent", S_PROGRESS},
    {"milestone", S_PROGRESS},
    {"name", S_MILESTONE},
    {"ref", S_TIME | S_COST | S_VOID},
};

static const struct {
    const char *name;
    unsigned bit;
} s_types[] = {
    {"time", S_TIME},
    {"cost", S_COST},
    {"progress", S_PROGRESS},
    {"milestone", S_MILESTONE},
    {"void", S_VOID},
};

void
record_init (record_t *rec)
{
    memset (rec, 0, sizeof *rec);
}

void
record_clear (record_t *rec)
{
    if (!rec)
        return;
    for (size_t i = 0; i < rec->n_fields; i++) {
        free (rec->fields[i].key);
        free (rec->fields[i].value);
    }
    record_init (rec);
}

int
record_set (record_t *rec, const char *key, const char *value, record_type_t type,
            pmo_reason_t *why)
{
    for (size_t i = 0; i < rec->n_fields; i++) {
        if (streq (rec->fields[i].key, key)) {
            free (rec->fields[i].value);
            rec->fields[i].value = pmo_strdup (value);
            rec->fields[i].type = type;
            return PMO_OK;
        }
    }
    if (rec->n_fields == RECORD_MAX_FIELDS) {
        pmo_reason_set (why, PMO_ETOOBIG, NULL, "more than %d fields in one record",
                        RECORD_MAX_FIELDS);
        return PMO_ETOOBIG;
    }
    record_field_t *f = &rec->fields[rec->n_fields++];
    f->key = pmo_strdup (key);
    f->value = pmo_strdup (value);
    f->type = type;
    return PMO_OK;
}

const char *
record_get (const record_t *rec, const char *key, record_type_t *type)
{
    for (size_t i = 0; i < rec->n_fields; i++) {
        if (streq (rec->fields[i].key, key)) {
            if (type)
                *type = rec->fields[i].type;
            return rec->fields[i].value;
        }
    }
    return NULL;
}

const char *
record_quote (const char *s, size_t len, char *out, size_t n)
{
    size_t o = 0;
    if (n < 8) {
        if (n)
            out[0] = '\0';
        return out;
    }
    out[o++] = '"';
    /*  Bytes that are not UTF-8 are shown as \xNN, never passed on raw. */
    bool is_utf8 = pmo_utf8_valid (s, len);
    size_t i;
    for (i = 0; i < len && i < S_QUOTE_MAX; i++) {
        unsigned char c = (unsigned char) s[i];
        char esc[8];
        if (c == '"' || c == '\\')
            snprintf (esc, sizeof esc, "\\%c", c);
        else if (c == '\n')
            snprintf (esc, sizeof esc, "\\n");
        else if (c == '\t')
            snprintf (esc, sizeof esc, "\\t");
        else if (c < 0x20 || c == 0x7F || (c >= 0x80 && !is_utf8))
            snprintf (esc, sizeof esc, "\\x%02X", c);
        else {
            esc[0] = (char) c;
            esc[1] = '\0';
        }
        size_t el = strlen (esc);
        if (o + el + 5 >= n)
            break;
        memcpy (out + o, esc, el);
        o += el;
    }
    if (i < len && o + 4 < n) {
        /*  Do not leave half a UTF-8 sequence before the ellipsis. */
        while (o > 1 && ((unsigned char) out[o - 1] & 0xC0) == 0x80)
            o--;
        if (o > 1 && ((unsigned char) out[o - 1] & 0xC0) == 0xC0)
            o--;
        memcpy (out + o, "...", 3);
        o += 3;
    }
    out[o++] = '"';
    out[o] = '\0';
    return out;
}

bool
record_known_field (const char *key)
{
    for (size_t k = 0; k < PMO_ARRAY_LEN (s_fields); k++)
        if (streq (key, s_fields[k].key))
            return true;
    return false;
}

const char *
record_kind_name (int body_case)
{
    switch (body_case) {
    case PMO__REQUEST__BODY_TIME: return "time";
    case PMO__REQUEST__BODY_COST: return "cost";
    case PMO__REQUEST__BODY_PROGRESS: return "progress";
    case PMO__REQUEST__BODY_MILESTONE_REACHED: return "milestone";
    case PMO__REQUEST__BODY_HEARTBEAT: return "heartbeat";
    case PMO__REQUEST__BODY_VOID_ENTRY: return "void";
    default: return "other";
    }
}

//  --------------------------------------------------------------------------
//  Field checks.  Each returns PMO_OK or fills why and returns the rc.

static const char *
s_q (const char *s, char *buf, size_t n)
{
    return record_quote (s, strlen (s), buf, n);
}

static int
s_require (const record_t *rec, const char *key, const char **value, pmo_reason_t *why)
{
    const char *v = record_get (rec, key, NULL);
    if (!v || !*v) {
        pmo_reason_set (why, PMO_EINVAL, key, "missing");
        return PMO_EINVAL;
    }
    *value = v;
    return PMO_OK;
}

/*  A short single-line text; absent is fine unless required. */
static int
s_text (const record_t *rec, const char *key, size_t max, bool required, char **out,
        pmo_reason_t *why)
{
    const char *v = record_get (rec, key, NULL);
    if (required && (!v || !*v)) {
        pmo_reason_set (why, PMO_EINVAL, key, "missing");
        return PMO_EINVAL;
    }
    int rc = pmo_check_text (key, v, max, required, why);
    if (rc)
        return rc;
    *out = v && *v ? (char *) v : NULL;
    return PMO_OK;
}

/*  A note: one line of text, as pmod takes it. */
static int
s_note (const record_t *rec, char **out, pmo_reason_t *why)
{
    return s_text (rec, "note", PMO_MAX_NOTE_BYTES, false, out, why);
}

static int
s_project (const record_t *rec, char **out, pmo_reason_t *why)
{
    const char *v;
    int rc = s_require (rec, "project", &v, why);
    if (!rc)
        rc = pmo_check_code ("project", v, why);
    if (!rc)
        *out = (char *) v;
    return rc;
}

/*  "date", or today when absent; written as YYYY-MM-DD into out->date.
 *  today is the agent's local date (the caller's): east of UTC it is a day
 *  ahead of UTC's for part of the day, and the team's work of its own
 *  today must pass.  pmod allows up to UTC's today + 1 for the same. */
static int
s_date (const record_t *rec, int32_t today, record_request_t *out, pmo_reason_t *why)
{
    const char *v = record_get (rec, "date", NULL);
    int32_t days = today;
    if (v && *v && pmo_date_parse (v, &days) != PMO_OK) {
        char q[64];
        pmo_reason_set (why, PMO_EINVAL, "date", "%s is not a valid date (YYYY-MM-DD)",
                        s_q (v, q, sizeof q));
        return PMO_EINVAL;
    }
    pmo_date_format (days, out->date);
    if (days > today) {
        /*  Work is reported once done; pmod refuses the same. */
        char t[11];
        pmo_date_format (today, t);
        pmo_reason_set (why, PMO_EINVAL, "date", "%s is in the future (today is %s)", out->date, t);
        return PMO_EINVAL;
    }
    return PMO_OK;
}

/*  A whole number written as digits (a JSON integer or its text). */
static int
s_whole (const char *key, const char *v, record_type_t type, int64_t *out, pmo_reason_t *why)
{
    char q[64];
    int64_t n;
    if (type == RECORD_FLOAT || pmo_decimal_parse (v, 0, &n) != PMO_OK) {
        pmo_reason_set (why, PMO_EINVAL, key, "%s is not a whole number", s_q (v, q, sizeof q));
        return PMO_EINVAL;
    }
    *out = n;
    return PMO_OK;
}

static int
s_minutes (const record_t *rec, int32_t *out, pmo_reason_t *why)
{
    record_type_t mt = RECORD_TEXT, ht = RECORD_TEXT;
    const char *m = record_get (rec, "minutes", &mt);
    const char *h = record_get (rec, "hours", &ht);
    bool has_m = m && *m, has_h = h && *h;
    char q[64];
    int64_t minutes;
    if (has_m && has_h) {
        pmo_reason_set (why, PMO_EINVAL, "hours", "give minutes or hours, not both");
        return PMO_EINVAL;
    }
    if (!has_m && !has_h) {
        pmo_reason_set (why, PMO_EINVAL, "minutes", "missing (give minutes or hours)");
        return PMO_EINVAL;
    }
    if (has_m) {
        int rc = s_whole ("minutes", m, mt, &minutes, why);
        if (rc)
            return rc;
        rc = pmo_check_range ("minutes", minutes, 1, PMO_MAX_MINUTES_PER_DAY, why);
        if (rc)
            return rc;
    } else {
        /*  Hours in units of 1/10000: 1.5 -> 15000 -> 90 minutes.  The
         *  result must be whole minutes, so 0.01 h (36 s) is refused. */
        int64_t h4;
        int rc = pmo_decimal_parse (h, 4, &h4);
        if (rc == PMO_EOVERFLOW || (rc == PMO_OK && (h4 < 0 || h4 > 240000))) {
            pmo_reason_set (why, PMO_EINVAL, "hours", "%s is outside 0..24",
                            rc ? s_q (h, q, sizeof q) : h);
            return PMO_EINVAL;
        }
        if (rc) {
            pmo_reason_set (why, PMO_EINVAL, "hours", "%s is not a number of hours like 1.5",
                            s_q (h, q, sizeof q));
            return PMO_EINVAL;
        }
        if ((h4 * 60) % 10000 != 0) {
            pmo_reason_set (why, PMO_EINVAL, "hours", "%s is not a whole number of minutes", h);
            return PMO_EINVAL;
        }
        minutes = h4 * 60 / 10000;
        if (minutes < 1) {
            pmo_reason_set (why, PMO_EINVAL, "hours", "must be more than 0");
            return PMO_EINVAL;
        }
    }
    *out = (int32_t) minutes;
    return PMO_OK;
}

static int
s_time (const record_t *rec, int32_t today, record_request_t *out, pmo_reason_t *why)
{
    Pmo__TimeEntry *t = &out->body.time;
    pmo__time_entry__init (t);
    const char *person;
    int rc = s_require (rec, "person", &person, why);
    if (!rc)
        rc = pmo_check_text ("person", person, PMO_MAX_CODE_LEN, true, why);
    if (!rc)
        rc = s_project (rec, &t->project, why);
    if (!rc)
        rc = s_date (rec, today, out, why);
    if (!rc)
        rc = s_minutes (rec, &t->minutes, why);
    if (!rc)
        rc = s_text (rec, "activity", PMO_MAX_NAME_BYTES, false, &t->activity, why);
    if (!rc)
        rc = s_note (rec, &t->note, why);
    if (rc)
        return rc;
    if (!rc)
        rc = s_text (rec, "ref", PMO_MAX_NAME_BYTES, false, &t->ref, why);
    if (rc)
        return rc;
    t->person = (char *) person;
    t->date = out->date;
    t->has_minutes = true;
    out->req.body_case = PMO__REQUEST__BODY_TIME;
    out->req.time = t;
    return PMO_OK;
}

/*  amount ("12.50", "12.50 EUR", a JSON integer) or amount_minor, plus an
 *  optional currency.  Without any currency the amount goes as decimal
 *  text: only pmod knows the project's currency and so how many minor
 *  units a unit has (JPY 0, EUR 2, BHD 3). */
static int
s_amount (const record_t *rec, Pmo__CostEntry *c, record_request_t *out, pmo_reason_t *why)
{
    record_type_t at = RECORD_TEXT, mt = RECORD_TEXT;
    const char *amount = record_get (rec, "amount", &at);
    const char *minor_s = record_get (rec, "amount_minor", &mt);
    const char *currency = record_get (rec, "currency", NULL);
    bool has_a = amount && *amount, has_m = minor_s && *minor_s;
    char q[64];
    int64_t minor = 0;
    int rc;

    if (currency && *currency) {
        if (!pmo_currency_valid (currency)) {
            pmo_reason_set (why, PMO_EINVAL, "currency", "%s is not an ISO 4217 currency code",
                            s_q (currency, q, sizeof q));
            return PMO_EINVAL;
        }
        memcpy (out->currency, currency, 4);
    } else
        out->currency[0] = '\0';

    if (has_a && has_m) {
        pmo_reason_set (why, PMO_EINVAL, "amount", "give amount or amount_minor, not both");
        return PMO_EINVAL;
    }
    if (!has_a && !has_m) {
        pmo_reason_set (why, PMO_EINVAL, "amount", "missing (give amount or amount_minor)");
        return PMO_EINVAL;
    }
    if (has_m) {
        rc = s_whole ("amount_minor", minor_s, mt, &minor, why);
        if (rc)
            return rc;
    } else if (at == RECORD_FLOAT) {
        pmo_reason_set (why, PMO_EINVAL, "amount",
                        "give money as a string like \"12.50\" or as amount_minor");
        return PMO_EINVAL;
    } else {
        char code[4] = "";
        const char *dflt = out->currency[0] ? out->currency : NULL;
        rc = pmo_money_parse (amount, dflt, &minor, code);
        int text_rc = rc == PMO_EINVAL && !dflt ? pmo_decimal_parse (amount, 4, &minor) : rc;
        if (text_rc == PMO_EOVERFLOW)
            rc = PMO_EOVERFLOW;
        if (rc == PMO_EINVAL && !dflt && text_rc == PMO_OK) {
            /*  No code anywhere: checked here as a number, converted by pmod. */
            if (minor == 0) {
                pmo_reason_set (why, PMO_EINVAL, "amount", "must not be zero");
                return PMO_EINVAL;
            }
            c->amount = (char *) amount;
            c->currency = NULL;
            return PMO_OK;
        }
        if (rc == PMO_EOVERFLOW) {
            pmo_reason_set (why, PMO_EINVAL, "amount", "%s is too large", s_q (amount, q, sizeof q));
            return PMO_EINVAL;
        }
        if (rc) {
            if (dflt)
                pmo_reason_set (why, PMO_EINVAL, "amount", "%s is not an amount in %s (%d decimals)",
                                s_q (amount, q, sizeof q), dflt, pmo_currency_exponent (dflt));
            else
                pmo_reason_set (why, PMO_EINVAL, "amount",
                                "%s is not an amount like \"12.50\" or \"12.50 EUR\"",
                                s_q (amount, q, sizeof q));
            return PMO_EINVAL;
        }
        if (dflt && code[0] && !streq (code, dflt)) {
            pmo_reason_set (why, PMO_EINVAL, "amount", "currency %s differs from currency %s",
                            code, dflt);
            return PMO_EINVAL;
        }
        if (code[0])
            memcpy (out->currency, code, 4);
    }
    if (minor == 0) {
        pmo_reason_set (why, PMO_EINVAL, has_m ? "amount_minor" : "amount", "must not be zero");
        return PMO_EINVAL;
    }
    rc = pmo_check_range (has_m ? "amount_minor" : "amount", minor, -PMO_MAX_AMOUNT_MINOR,
                          PMO_MAX_AMOUNT_MINOR, why);
    if (rc)
        return rc;
    c->has_amount_minor = true;
    c->amount_minor = minor;
    c->currency = out->currency[0] ? out->currency : NULL;
    return PMO_OK;
}

static int
s_cost (const record_t *rec, int32_t today, record_request_t *out, pmo_reason_t *why)
{
    Pmo__CostEntry *c = &out->body.cost;
    pmo__cost_entry__init (c);
    int rc = s_project (rec, &c->project, why);
    if (!rc)
        rc = s_date (rec, today, out, why);
    if (!rc)
        rc = s_amount (rec, c, out, why);
    if (rc)
        return rc;
    const char *cat = record_get (rec, "category", NULL);
    int category = PMO__COST_CATEGORY__COST_OTHER;
    if (cat && *cat) {
        category = pmo_wire_category_parse (cat);
        if (category <= 0) {
            char q[64];
            pmo_reason_set (why, PMO_EINVAL, "category",
                            "%s is not one of labour, material, travel, contractor, other",
                            s_q (cat, q, sizeof q));
            return PMO_EINVAL;
        }
    }
    rc = s_note (rec, &c->note, why);
    if (!rc)
        rc = s_text (rec, "ref", PMO_MAX_NAME_BYTES, false, &c->ref, why);
    if (rc)
        return rc;
    c->date = out->date;
    c->has_category = true;
    c->category = (Pmo__CostCategory) category;
    out->req.body_case = PMO__REQUEST__BODY_COST;
    out->req.cost = c;
    return PMO_OK;
}

static int
s_percent (const record_t *rec, int32_t *bp_out, pmo_reason_t *why)
{
    const char *v;
    int rc = s_require (rec, "percent", &v, why);
    if (rc)
        return rc;
    char q[64];
    int64_t bp, fine;
    rc = pmo_decimal_parse (v, 2, &bp);
    if (rc == PMO_EINVAL && pmo_decimal_parse (v, PMO_DECIMAL_SCALE_MAX, &fine) == PMO_OK) {
        pmo_reason_set (why, PMO_EINVAL, "percent", "%s has more than 2 decimal places", v);
        return PMO_EINVAL;
    }
    if (rc == PMO_EINVAL) {
        pmo_reason_set (why, PMO_EINVAL, "percent", "%s is not a number like 42.5",
                        s_q (v, q, sizeof q));
        return PMO_EINVAL;
    }
    if (rc == PMO_EOVERFLOW || bp < 0 || bp > 10000) {
        pmo_reason_set (why, PMO_EINVAL, "percent", "%s is outside 0..100",
                        rc ? s_q (v, q, sizeof q) : v);
        return PMO_EINVAL;
    }
    *bp_out = (int32_t) bp;
    return PMO_OK;
}

static int
s_progress (const record_t *rec, int32_t today, record_request_t *out, pmo_reason_t *why)
{
    Pmo__Progress *p = &out->body.progress;
    pmo__progress__init (p);
    int rc = s_project (rec, &p->project, why);
    if (!rc)
        rc = s_percent (rec, &p->percent_bp, why);
    if (!rc)
        rc = s_text (rec, "milestone", PMO_MAX_NAME_BYTES, false, &p->milestone, why);
    if (!rc)
        rc = s_note (rec, &p->note, why);
    if (!rc)
        rc = s_date (rec, today, out, why);
    if (rc)
        return rc;
    p->has_percent_bp = true;
    p->date = out->date;
    out->req.body_case = PMO__REQUEST__BODY_PROGRESS;
    out->req.progress = p;
    return PMO_OK;
}

static int
s_milestone (const record_t *rec, int32_t today, record_request_t *out, pmo_reason_t *why)
{
    Pmo__MilestoneReached *m = &out->body.milestone;
    pmo__milestone_reached__init (m);
    int rc = s_project (rec, &m->project, why);
    if (!rc)
        rc = s_text (rec, "name", PMO_MAX_NAME_BYTES, true, &m->name, why);
    if (!rc)
        rc = s_date (rec, today, out, why);
    if (!rc)
        rc = s_note (rec, &m->note, why);
    if (rc)
        return rc;
    m->date = out->date;
    out->req.body_case = PMO__REQUEST__BODY_MILESTONE_REACHED;
    out->req.milestone_reached = m;
    return PMO_OK;
}

/*  A void: the entry this agent booked under ref is removed. */
static int
s_void (const record_t *rec, record_request_t *out, pmo_reason_t *why)
{
    Pmo__VoidEntry *v = &out->body.void_entry;
    pmo__void_entry__init (v);
    int rc = s_text (rec, "ref", PMO_MAX_NAME_BYTES, true, &v->ref, why);
    if (rc)
        return rc;
    out->req.body_case = PMO__REQUEST__BODY_VOID_ENTRY;
    out->req.void_entry = v;
    return PMO_OK;
}

/*  A key that reads well unquoted: [a-z0-9_], 1..32 bytes. */
static bool
s_is_plain_key (const char *k)
{
    size_t n = strlen (k);
    if (n == 0 || n > 32)
        return false;
    for (size_t i = 0; i < n; i++)
        if (!((k[i] >= 'a' && k[i] <= 'z') || (k[i] >= '0' && k[i] <= '9') || k[i] == '_'))
            return false;
    return true;
}

int
record_to_request (const record_t *rec, int32_t today, record_request_t *out, pmo_reason_t *why)
{
    memset (out, 0, sizeof *out);
    pmo__request__init (&out->req);
    char q[64];

    const char *type = record_get (rec, "type", NULL);
    if (!type || !*type) {
        pmo_reason_set (why, PMO_EINVAL, "type", "missing");
        return PMO_EINVAL;
    }
    unsigned bit = 0;
    for (size_t i = 0; i < PMO_ARRAY_LEN (s_types); i++)
        if (streq (type, s_types[i].name))
            bit = s_types[i].bit;
    if (!bit) {
        pmo_reason_set (why, PMO_EINVAL, "type", "%s is not one of time, cost, progress, milestone, void",
                        s_q (type, q, sizeof q));
        return PMO_EINVAL;
    }
    /*  Strict about field names: a typo ("minuts") must not drop data. */
    for (size_t i = 0; i < rec->n_fields; i++) {
        const record_field_t *f = &rec->fields[i];
        size_t k;
        for (k = 0; k < PMO_ARRAY_LEN (s_fields); k++)
            if (streq (f->key, s_fields[k].key))
                break;
        if (k == PMO_ARRAY_LEN (s_fields)) {
            pmo_reason_set (why, PMO_EINVAL, NULL, "%s: unknown field",
                            s_is_plain_key (f->key) ? f->key : s_q (f->key, q, sizeof q));
            return PMO_EINVAL;
        }
        if (!(s_fields[k].types & bit) && f->value[0]) {
            pmo_reason_set (why, PMO_EINVAL, f->key, "not a field of a %s record", type);
            return PMO_EINVAL;
        }
    }
    switch (bit) {
    case S_TIME: return s_time (rec, today, out, why);
    case S_COST: return s_cost (rec, today, out, why);
    case S_PROGRESS: return s_progress (rec, today, out, why);
    case S_VOID: return s_void (rec, out, why);
    default: return s_milestone (rec, today, out, why);
    }
}
