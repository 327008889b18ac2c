/*  test_spool_parse: pmo-agent's record readers (CSV, JSON lines) and the
 *  record -> request rules, with the exact text of every rejection. */
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "harness.h"
#include "pmo/pmo_date.h"
#include "record.h"
#include "spool.h"

/*  "today" for every conversion here: 2026-11-20. */
static int32_t s_today;

//  --------------------------------------------------------------------------
//  Helpers

/*  One record read from a file, as the test sees it. */
typedef struct {
    int rc;
    unsigned line;
    char text[256];
    char reason[256];
    record_t rec;
} s_got_t;

/*  Reads every record of data (format fmt) into got[]; returns how many. */
static size_t
s_read_all (const char *data, spool_format_t fmt, s_got_t *got, size_t max)
{
    FILE *f = fmemopen ((void *) data, strlen (data), "r");
    if (!f)
        return 0;
    spool_reader_t *r = spool_reader_new (f, fmt);
    size_t n = 0;
    while (n < max) {
        pmo_reason_t why;
        pmo_reason_clear (&why);
        record_init (&got[n].rec);
        int rc = spool_reader_next (r, &got[n].rec, &why);
        if (rc == PMO_ENOTFOUND)
            break;
        size_t len;
        const char *text = spool_reader_text (r, &len);
        got[n].rc = rc;
        got[n].line = spool_reader_line (r);
        snprintf (got[n].text, sizeof got[n].text, "%.*s", (int) len, text);
        pmo_strlcpy (got[n].reason, why.text, sizeof got[n].reason);
        n++;
        if (rc == PMO_EPROTO || rc > 0)
            break;
    }
    spool_reader_destroy (&r);
    fclose (f);
    return n;
}

static void
s_free_all (s_got_t *got, size_t n)
{
    for (size_t i = 0; i < n; i++)
        record_clear (&got[i].rec);
}

static const char *
s_get (const record_t *rec, const char *key)
{
    const char *v = record_get (rec, key, NULL);
    return v ? v : "(absent)";
}

/*  Parses one JSON line and converts it; returns the rc and fills reason. */
static int
s_convert_json (const char *line, record_request_t *rr, record_t *rec, char *reason, size_t n)
{
    pmo_reason_t why;
    pmo_reason_clear (&why);
    record_init (rec);
    int rc = spool_jsonl_parse (line, strlen (line), rec, &why);
    if (rc == PMO_OK)
        rc = record_to_request (rec, s_today, rr, &why);
    pmo_strlcpy (reason, why.text, n);
    return rc;
}

/*  The rejection reason for one JSON line ("" when it converts). */
static const char *
s_reject (const char *line)
{
    static char reason[256];
    record_t rec;
    record_request_t rr;
    reason[0] = '\0';
    s_convert_json (line, &rr, &rec, reason, sizeof reason);
    record_clear (&rec);
    return reason;
}

//  --------------------------------------------------------------------------
//  CSV

static void
s_test_csv_basic (void)
{
    s_got_t got[8];
    const char *data = "type,person,project,date,minutes,activity,note\n"
                       "time,ana,APOLLO,2026-11-20,90,dev,\"design review, part 1\"\n"
                       "time,bo,APOLLO,,30,,\n";
    size_t n = s_read_all (data, SPOOL_CSV, got, 8);
    CHECK_EQ_I64 (n, 2);
    CHECK_RC (got[0].rc, PMO_OK);
    CHECK_EQ_I64 (got[0].line, 2);
    CHECK_STR (s_get (&got[0].rec, "note"), "design review, part 1");
    CHECK_STR (s_get (&got[0].rec, "minutes"), "90");
    CHECK_STR (got[0].text, "time,ana,APOLLO,2026-11-20,90,dev,\"design review, part 1\"");
    /*  Empty cells are absent. */
    CHECK_RC (got[1].rc, PMO_OK);
    CHECK_EQ_I64 (got[1].line, 3);
    CHECK_STR (s_get (&got[1].rec, "date"), "(absent)");
    CHECK_STR (s_get (&got[1].rec, "note"), "(absent)");
    CHECK_EQ_I64 (got[1].rec.n_fields, 4);
    s_free_all (got, n);
}

static void
s_test_csv_quoting (void)
{
    s_got_t got[8];
    const char *data = "type,project,note\r\n"
                       "milestone,APOLLO,\"he said \"\"ship it\"\"\"\r\n"
                       "\r\n"
                       "milestone,APOLLO,\"two\nlines, and a comma\"\r\n"
                       "milestone,APOLLO,\"\"\r\n"
                       "milestone,APOLLO,\"\"\"\"\r\n"
                       "milestone,APOLLO,last";  /* no final line end */
    size_t n = s_read_all (data, SPOOL_CSV, got, 8);
    CHECK_EQ_I64 (n, 5);
    CHECK_STR (s_get (&got[0].rec, "note"), "he said \"ship it\"");
    CHECK_EQ_I64 (got[0].line, 2);
    /*  The blank line 3 is skipped; a quoted line break stays in the cell
     *  and the record keeps its first line number. */
    CHECK_STR (s_get (&got[1].rec, "note"), "two\nlines, and a comma");
    CHECK_EQ_I64 (got[1].line, 4);
    CHECK_STR (got[1].text, "milestone,APOLLO,\"two\nlines, and a comma\"");
    CHECK_STR (s_get (&got[2].rec, "note"), "(absent)");  /* "" is an empty cell */
    CHECK_EQ_I64 (got[2].line, 6);
    CHECK_STR (s_get (&got[3].rec, "note"), "\"");
    CHECK_STR (s_get (&got[4].rec, "note"), "last");
    CHECK_EQ_I64 (got[4].line, 8);
    s_free_all (got, n);
}

static void
s_test_csv_bad_records (void)
{
    s_got_t got[8];
    const char *data = "type,project,note\n"
                       "milestone,APOLLO,\"ab\"c\n"
                       "milestone,APOLLO,ab\"c\n"
                       "milestone,APOLLO\n"
                       "milestone,APOLLO,x,y\n"
                       "milestone,APOLLO,fine\n"
                       "milestone,APOLLO,\"never closed\n"
                       "more text\n";
    size_t n = s_read_all (data, SPOOL_CSV, got, 8);
    CHECK_EQ_I64 (n, 6);
    CHECK_RC (got[0].rc, PMO_EINVAL);
    CHECK_STR (got[0].reason, "column 3: text after the closing quote");
    CHECK_EQ_I64 (got[0].line, 2);
    CHECK_RC (got[1].rc, PMO_EINVAL);
    CHECK_STR (got[1].reason, "column 3: a quote inside an unquoted field "
                              "(quote the whole field and double the quote)");
    CHECK_RC (got[2].rc, PMO_EINVAL);
    CHECK_STR (got[2].reason, "has 2 fields; the header has 3");
    CHECK_RC (got[3].rc, PMO_EINVAL);
    CHECK_STR (got[3].reason, "has 4 fields; the header has 3");
    /*  A bad record never hides the good one after it. */
    CHECK_RC (got[4].rc, PMO_OK);
    CHECK_STR (s_get (&got[4].rec, "note"), "fine");
    CHECK_EQ_I64 (got[4].line, 6);
    CHECK_RC (got[5].rc, PMO_EINVAL);
    CHECK_STR (got[5].reason, "column 3: quoted field not closed before the end of the file");
    CHECK_EQ_I64 (got[5].line, 7);
    s_free_all (got, n);
}

static void
s_test_csv_header (void)
{
    s_got_t got[4];
    size_t n = s_read_all ("type,project,minuts\ntime,APOLLO,5\n", SPOOL_CSV, got, 4);
    CHECK_EQ_I64 (n, 1);
    CHECK_RC (got[0].rc, PMO_EPROTO);
    CHECK_STR (got[0].reason, "header: unknown column \"minuts\"");
    CHECK_EQ_I64 (got[0].line, 1);
    CHECK_STR (got[0].text, "type,project,minuts");
    s_free_all (got, n);

    n = s_read_all ("project,date\nAPOLLO,2026-11-20\n", SPOOL_CSV, got, 4);
    CHECK_RC (got[0].rc, PMO_EPROTO);
    CHECK_STR (got[0].reason, "header: no \"type\" column");
    s_free_all (got, n);

    n = s_read_all ("type,date,date\n", SPOOL_CSV, got, 4);
    CHECK_RC (got[0].rc, PMO_EPROTO);
    CHECK_STR (got[0].reason, "header: column \"date\" appears twice");
    s_free_all (got, n);

    n = s_read_all ("type,,date\n", SPOOL_CSV, got, 4);
    CHECK_RC (got[0].rc, PMO_EPROTO);
    CHECK_STR (got[0].reason, "header: column 2 has no name");
    s_free_all (got, n);

    /*  A byte-order mark and padded header names are fine; an empty file
     *  has no records. */
    n = s_read_all ("\xEF\xBB\xBFtype, project\nmilestone,APOLLO\n", SPOOL_CSV, got, 4);
    CHECK_EQ_I64 (n, 1);
    CHECK_RC (got[0].rc, PMO_OK);
    CHECK_STR (s_get (&got[0].rec, "project"), "APOLLO");
    s_free_all (got, n);
    n = s_read_all ("", SPOOL_CSV, got, 4);
    CHECK_EQ_I64 (n, 0);
    n = s_read_all ("\n\n", SPOOL_CSV, got, 4);
    CHECK_EQ_I64 (n, 0);
}

//  --------------------------------------------------------------------------
//  JSON lines

static void
s_test_jsonl_reader (void)
{
    s_got_t got[8];
    const char *data =
        "{\"type\":\"time\",\"person\":\"ana\",\"project\":\"APOLLO\",\"minutes\":90}\n"
        "\n"
        "   \r\n"
        "{\"type\":\"progress\",\"project\":\"APOLLO\",\"percent\":42.50,\"note\":null}\r\n"
        "{not json}\n"
        "[1,2]\n"
        "{\"type\":\"cost\",\"ok\":true}\n"
        "{\"type\":\"milestone\"} trailing\n"
        "{\"type\":\"milestone\"";
    size_t n = s_read_all (data, SPOOL_JSONL, got, 8);
    CHECK_EQ_I64 (n, 7);
    CHECK_RC (got[0].rc, PMO_OK);
    CHECK_EQ_I64 (got[0].line, 1);
    record_type_t t = RECORD_TEXT;
    CHECK_STR (record_get (&got[0].rec, "minutes", &t), "90");
    CHECK_EQ_I64 (t, RECORD_INT);
    /*  Blank lines are skipped but counted; a double keeps its text; null
     *  is absent. */
    CHECK_RC (got[1].rc, PMO_OK);
    CHECK_EQ_I64 (got[1].line, 4);
    CHECK_STR (record_get (&got[1].rec, "percent", &t), "42.50");
    CHECK_EQ_I64 (t, RECORD_FLOAT);
    CHECK_STR (s_get (&got[1].rec, "note"), "(absent)");
    CHECK_RC (got[2].rc, PMO_EINVAL);
    CHECK (strncmp (got[2].reason, "not valid JSON: ", 16) == 0);
    CHECK_STR (got[2].text, "{not json}");
    CHECK_RC (got[3].rc, PMO_EINVAL);
    CHECK_STR (got[3].reason, "not a JSON object");
    CHECK_RC (got[4].rc, PMO_EINVAL);
    CHECK_STR (got[4].reason, "ok: must be a string or a number");
    CHECK_RC (got[5].rc, PMO_EINVAL);
    CHECK_STR (got[5].reason, "not valid JSON: text after the object");
    CHECK_RC (got[6].rc, PMO_EINVAL);
    CHECK_STR (got[6].reason, "not valid JSON: the line ends inside the object");
    CHECK_EQ_I64 (got[6].line, 9);
    s_free_all (got, n);

    record_t rec;
    record_init (&rec);
    pmo_reason_t why;
    CHECK_RC (spool_jsonl_parse ("  ", 2, &rec, &why), PMO_ENOTFOUND);
    const char *nul = "{\"x\":\"y\\u0000z\"}";
    CHECK_RC (spool_jsonl_parse (nul, strlen (nul), &rec, &why), PMO_EINVAL);
    CHECK_STR (why.text, "x: contains a NUL character");
    record_clear (&rec);
}

/*  A JSON lines reader over data (the caller closes *f after it), for a
 *  look at its buffers. */
static spool_reader_t *
s_jsonl_open (char *data, size_t len, FILE **f)
{
    *f = fmemopen (data, len, "r");
    return *f ? spool_reader_new (*f, SPOOL_JSONL) : NULL;
}

/*  A line over the limit is refused by its length without being held in
 *  memory, and the line after it is read. */
static void
s_test_jsonl_long_line (void)
{
    const char *head = "{\"type\":\"milestone\",\"project\":\"APOLLO\",\"name\":\"";
    const char *tail = "\"}\r\n{\"type\":\"milestone\",\"project\":\"APOLLO\",\"name\":\"next\"}\n";
    size_t head_len = strlen (head), tail_len = strlen (tail), pad = 10u << 20;
    size_t len = head_len + pad + tail_len;
    char *data = malloc (len);
    REQUIRE_VOID (data != NULL);
    memcpy (data, head, head_len);
    memset (data + head_len, 'x', pad);
    memcpy (data + head_len + pad, tail, tail_len);
    FILE *f;
    spool_reader_t *r = s_jsonl_open (data, len, &f);
    REQUIRE_VOID (r != NULL);
    record_t rec;
    record_init (&rec);
    pmo_reason_t why;
    char want[128];
    CHECK_RC (spool_reader_next (r, &rec, &why), PMO_EINVAL);
    snprintf (want, sizeof want, "line is %zu bytes long; the limit is %d", head_len + pad + 2,
              SPOOL_RECORD_MAX);
    CHECK_STR (why.text, want);
    CHECK_EQ_I64 (spool_reader_line (r), 1);
    size_t text_len;
    CHECK (strncmp (spool_reader_text (r, &text_len), head, head_len) == 0);
    CHECK_EQ_I64 (text_len, SPOOL_RECORD_MAX);
    CHECK (r->line_cap <= SPOOL_RECORD_MAX + 1);  /* not 10 MiB */
    CHECK_RC (spool_reader_next (r, &rec, &why), PMO_OK);
    CHECK_EQ_I64 (spool_reader_line (r), 2);
    CHECK_STR (s_get (&rec, "name"), "next");
    CHECK_RC (spool_reader_next (r, &rec, &why), PMO_ENOTFOUND);
    spool_reader_destroy (&r);
    fclose (f);

    /*  The limit itself is fine; a byte more is not; a long blank line is
     *  blank. */
    size_t at = SPOOL_RECORD_MAX;
    memset (data, ' ', at + 1);
    data[at + 1] = '\n';
    memset (data + at + 2, 'x', at + 1);
    data[2 * at + 3] = '\n';
    memset (data + 2 * at + 4, 'x', at);
    data[3 * at + 4] = '\n';
    r = s_jsonl_open (data, 3 * at + 5, &f);
    REQUIRE_VOID (r != NULL);
    CHECK_RC (spool_reader_next (r, &rec, &why), PMO_EINVAL);
    CHECK_EQ_I64 (spool_reader_line (r), 2);
    snprintf (want, sizeof want, "line is %zu bytes long; the limit is %d", at + 1,
              SPOOL_RECORD_MAX);
    CHECK_STR (why.text, want);
    CHECK_RC (spool_reader_next (r, &rec, &why), PMO_EINVAL);
    CHECK_EQ_I64 (spool_reader_line (r), 3);
    CHECK (strncmp (why.text, "not valid JSON: ", 16) == 0);
    CHECK_RC (spool_reader_next (r, &rec, &why), PMO_ENOTFOUND);
    spool_reader_destroy (&r);
    fclose (f);
    record_clear (&rec);
    free (data);
}

static void
s_test_jsonl_convert (void)
{
    record_t rec;
    record_request_t rr;
    char reason[256];

    CHECK_RC (s_convert_json ("{\"type\":\"time\",\"person\":\"ana\",\"project\":\"APOLLO\","
                              "\"date\":\"2026-11-20\",\"minutes\":90,\"activity\":\"dev\","
                              "\"note\":\"review\"}",
                              &rr, &rec, reason, sizeof reason),
              PMO_OK);
    CHECK_EQ_I64 (rr.req.body_case, PMO__REQUEST__BODY_TIME);
    CHECK_STR (rr.req.time->person, "ana");
    CHECK_STR (rr.req.time->project, "APOLLO");
    CHECK_STR (rr.req.time->date, "2026-11-20");
    CHECK_EQ_I64 (rr.req.time->minutes, 90);
    CHECK_STR (rr.req.time->activity, "dev");
    CHECK_STR (rr.req.time->note, "review");
    CHECK (rr.req.update == NULL);
    record_clear (&rec);

    /*  hours as a JSON number and as text; no date means today. */
    CHECK_RC (s_convert_json ("{\"type\":\"time\",\"person\":\"ana\",\"project\":\"APOLLO\","
                              "\"hours\":1.5}",
                              &rr, &rec, reason, sizeof reason),
              PMO_OK);
    CHECK_EQ_I64 (rr.req.time->minutes, 90);
    CHECK_STR (rr.req.time->date, "2026-11-20");
    CHECK (rr.req.time->activity == NULL);
    record_clear (&rec);
    CHECK_RC (s_convert_json ("{\"type\":\"time\",\"person\":\"ana\",\"project\":\"APOLLO\","
                              "\"hours\":\"0.25\"}",
                              &rr, &rec, reason, sizeof reason),
              PMO_OK);
    CHECK_EQ_I64 (rr.req.time->minutes, 15);
    record_clear (&rec);

    CHECK_RC (s_convert_json ("{\"type\":\"cost\",\"project\":\"APOLLO\",\"date\":\"2026-11-19\","
                              "\"amount\":\"1200.00\",\"currency\":\"EUR\",\"category\":\"material\"}",
                              &rr, &rec, reason, sizeof reason),
              PMO_OK);
    CHECK_EQ_I64 (rr.req.body_case, PMO__REQUEST__BODY_COST);
    CHECK_EQ_I64 (rr.req.cost->amount_minor, 120000);
    CHECK_STR (rr.req.cost->currency, "EUR");
    CHECK_EQ_I64 (rr.req.cost->category, PMO__COST_CATEGORY__COST_MATERIAL);
    CHECK_STR (rr.req.cost->date, "2026-11-19");
    record_clear (&rec);

    CHECK_RC (s_convert_json ("{\"type\":\"cost\",\"project\":\"APOLLO\",\"amount_minor\":120000}",
                              &rr, &rec, reason, sizeof reason),
              PMO_OK);
    CHECK_EQ_I64 (rr.req.cost->amount_minor, 120000);
    CHECK (rr.req.cost->currency == NULL);
    CHECK_EQ_I64 (rr.req.cost->category, PMO__COST_CATEGORY__COST_OTHER);
    record_clear (&rec);

    /*  A bare amount goes as text for pmod to convert in the project's
     *  currency; a code in the amount sets it; a currency with no minor unit. */
    CHECK_RC (s_convert_json ("{\"type\":\"cost\",\"project\":\"APOLLO\",\"amount\":\"12.5\"}",
                              &rr, &rec, reason, sizeof reason),
              PMO_OK);
    CHECK (!rr.req.cost->has_amount_minor);
    CHECK_STR (rr.req.cost->amount, "12.5");
    CHECK (rr.req.cost->currency == NULL);
    record_clear (&rec);
    CHECK_RC (s_convert_json ("{\"type\":\"cost\",\"project\":\"APOLLO\",\"amount\":\"12.50 USD\"}",
                              &rr, &rec, reason, sizeof reason),
              PMO_OK);
    CHECK_EQ_I64 (rr.req.cost->amount_minor, 1250);
    CHECK_STR (rr.req.cost->currency, "USD");
    record_clear (&rec);
    CHECK_RC (s_convert_json ("{\"type\":\"cost\",\"project\":\"APOLLO\",\"amount\":\"1200\","
                              "\"currency\":\"JPY\"}",
                              &rr, &rec, reason, sizeof reason),
              PMO_OK);
    CHECK_EQ_I64 (rr.req.cost->amount_minor, 1200);
    record_clear (&rec);
    CHECK_RC (s_convert_json ("{\"type\":\"cost\",\"project\":\"APOLLO\",\"amount\":-5}", &rr, &rec,
                              reason, sizeof reason),
              PMO_OK);
    CHECK (!rr.req.cost->has_amount_minor);
    CHECK_STR (rr.req.cost->amount, "-5");
    record_clear (&rec);

    CHECK_RC (s_convert_json ("{\"type\":\"progress\",\"project\":\"APOLLO\",\"percent\":42.5,"
                              "\"milestone\":\"Design approved\",\"note\":\"ok\"}",
                              &rr, &rec, reason, sizeof reason),
              PMO_OK);
    CHECK_EQ_I64 (rr.req.body_case, PMO__REQUEST__BODY_PROGRESS);
    CHECK_EQ_I64 (rr.req.progress->percent_bp, 4250);
    CHECK_STR (rr.req.progress->milestone, "Design approved");
    CHECK_STR (rr.req.progress->date, "2026-11-20");
    record_clear (&rec);
    CHECK_RC (s_convert_json ("{\"type\":\"progress\",\"project\":\"APOLLO\",\"percent\":100}",
                              &rr, &rec, reason, sizeof reason),
              PMO_OK);
    CHECK_EQ_I64 (rr.req.progress->percent_bp, 10000);
    record_clear (&rec);

    CHECK_RC (s_convert_json ("{\"type\":\"milestone\",\"project\":\"APOLLO\",\"name\":\"Design "
                              "approved\",\"date\":\"2026-11-18\"}",
                              &rr, &rec, reason, sizeof reason),
              PMO_OK);
    CHECK_EQ_I64 (rr.req.body_case, PMO__REQUEST__BODY_MILESTONE_REACHED);
    CHECK_STR (rr.req.milestone_reached->name, "Design approved");
    CHECK_STR (rr.req.milestone_reached->date, "2026-11-18");
    record_clear (&rec);
}

//  --------------------------------------------------------------------------
//  Every rejection, word for word

#define T "{\"type\":\"time\",\"person\":\"ana\",\"project\":\"APOLLO\","
#define C "{\"type\":\"cost\",\"project\":\"APOLLO\","
#define P "{\"type\":\"progress\",\"project\":\"APOLLO\","

static void
s_test_rejections (void)
{
    CHECK_STR (s_reject ("{\"project\":\"APOLLO\"}"), "type: missing");
    CHECK_STR (s_reject ("{\"type\":\"holiday\"}"),
               "type: \"holiday\" is not one of time, cost, progress, milestone, void");
    CHECK_STR (s_reject (T "\"minuts\":5}"), "minuts: unknown field");
    CHECK_STR (s_reject (T "\"Bad Key\":5}"), "\"Bad Key\": unknown field");
    CHECK_STR (s_reject (T "\"minutes\":5,\"percent\":3}"),
               "percent: not a field of a time record");
    CHECK_STR (s_reject ("{\"type\":\"time\",\"project\":\"APOLLO\",\"minutes\":5}"),
               "person: missing");
    CHECK_STR (s_reject ("{\"type\":\"time\",\"person\":\"ana\",\"minutes\":5}"),
               "project: missing");
    CHECK_STR (s_reject ("{\"type\":\"time\",\"person\":\"ana\",\"project\":\"1X\",\"minutes\":5}"),
               "project: character 1 ('1') must be a letter");
    CHECK_STR (s_reject (T "\"date\":\"2026-02-30\",\"minutes\":5}"),
               "date: \"2026-02-30\" is not a valid date (YYYY-MM-DD)");
    CHECK_STR (s_reject (T "\"date\":\"20.11.2026\",\"minutes\":5}"),
               "date: \"20.11.2026\" is not a valid date (YYYY-MM-DD)");
    CHECK_STR (s_reject (T "\"date\":\"2026-11-21\",\"minutes\":5}"),
               "date: 2026-11-21 is in the future (today is 2026-11-20)");
    CHECK_STR (s_reject (T "\"minutes\":\"abc\"}"), "minutes: \"abc\" is not a whole number");
    CHECK_STR (s_reject (T "\"minutes\":90.5}"), "minutes: \"90.5\" is not a whole number");
    CHECK_STR (s_reject (T "\"minutes\":90.0}"), "minutes: \"90.0\" is not a whole number");
    CHECK_STR (s_reject (T "\"minutes\":0}"), "minutes: 0 is outside 1..1440");
    CHECK_STR (s_reject (T "\"minutes\":1441}"), "minutes: 1441 is outside 1..1440");
    CHECK_STR (s_reject (T "\"minutes\":5,\"hours\":1}"), "hours: give minutes or hours, not both");
    CHECK_STR (s_reject (T "\"note\":\"x\"}"), "minutes: missing (give minutes or hours)");
    CHECK_STR (s_reject (T "\"hours\":\"1,5\"}"), "hours: \"1,5\" is not a number of hours like 1.5");
    CHECK_STR (s_reject (T "\"hours\":0.01}"), "hours: 0.01 is not a whole number of minutes");
    CHECK_STR (s_reject (T "\"hours\":25}"), "hours: 25 is outside 0..24");
    CHECK_STR (s_reject (T "\"hours\":0}"), "hours: must be more than 0");
    CHECK_STR (s_reject (T "\"minutes\":5,\"activity\":7}"), "");  /* a number as text is fine */
    CHECK_STR (s_reject (T "\"minutes\":5,\"note\":\"a\\u0001b\"}"),
               "note: not valid UTF-8 text: control character U+0001 at byte 2");

    CHECK_STR (s_reject (C "\"amount\":12.50}"),
               "amount: give money as a string like \"12.50\" or as amount_minor");
    CHECK_STR (s_reject (C "\"amount\":\"12.50505\"}"),
               "amount: \"12.50505\" is not an amount like \"12.50\" or \"12.50 EUR\"");
    CHECK_STR (s_reject (C "\"amount\":\"12.5\",\"currency\":\"JPY\"}"),
               "amount: \"12.5\" is not an amount in JPY (0 decimals)");
    CHECK_STR (s_reject (C "\"amount\":\"1,200.00\"}"),
               "amount: \"1,200.00\" is not an amount like \"12.50\" or \"12.50 EUR\"");
    CHECK_STR (s_reject (C "\"amount\":\"12.50 USD\",\"currency\":\"EUR\"}"),
               "amount: currency USD differs from currency EUR");
    CHECK_STR (s_reject (C "\"amount\":\"1\",\"amount_minor\":100}"),
               "amount: give amount or amount_minor, not both");
    CHECK_STR (s_reject (C "\"note\":\"x\"}"), "amount: missing (give amount or amount_minor)");
    CHECK_STR (s_reject (C "\"amount_minor\":1.5}"), "amount_minor: \"1.5\" is not a whole number");
    CHECK_STR (s_reject (C "\"amount\":\"0.00\"}"), "amount: must not be zero");
    CHECK_STR (s_reject (C "\"amount_minor\":1000000000000001}"),
               "amount_minor: 1000000000000001 is outside -1000000000000000..1000000000000000");
    CHECK_STR (s_reject (C "\"amount\":\"99999999999999999999\"}"),
               "amount: \"99999999999999999999\" is too large");
    CHECK_STR (s_reject (C "\"amount\":\"5\",\"currency\":\"EURO\"}"),
               "currency: \"EURO\" is not an ISO 4217 currency code");
    CHECK_STR (s_reject (C "\"amount\":\"5\",\"category\":\"food\"}"),
               "category: \"food\" is not one of labour, material, travel, contractor, other");

    CHECK_STR (s_reject (P "\"note\":\"x\"}"), "percent: missing");
    CHECK_STR (s_reject (P "\"percent\":\"abc\"}"), "percent: \"abc\" is not a number like 42.5");
    CHECK_STR (s_reject (P "\"percent\":150}"), "percent: 150 is outside 0..100");
    CHECK_STR (s_reject (P "\"percent\":-1}"), "percent: -1 is outside 0..100");
    CHECK_STR (s_reject (P "\"percent\":42.555}"), "percent: 42.555 has more than 2 decimal places");
    CHECK_STR (s_reject (P "\"percent\":1e2}"), "percent: \"1e2\" is not a number like 42.5");

    CHECK_STR (s_reject ("{\"type\":\"milestone\",\"project\":\"APOLLO\"}"), "name: missing");
    CHECK_STR (s_reject ("{\"type\":\"milestone\",\"project\":\"APOLLO\",\"name\":\"\"}"),
               "name: missing");

    /*  Quoting keeps reasons one printable line. */
    CHECK_STR (s_reject (T "\"minutes\":\"a\\nb\\\"c\"}"), "minutes: \"a\\nb\\\"c\" is not a whole number");
    CHECK_STR (s_reject (T "\"minutes\":\"0123456789012345678901234567890123456789XYZ\"}"),
               "minutes: \"0123456789012345678901234567890123456789...\" is not a whole number");
    char q[64];
    CHECK_STR (record_quote ("\xff" "a", 2, q, sizeof q), "\"\\xFFa\"");
}

#undef T
#undef C
#undef P

static void
s_test_too_many_fields (void)
{
    char line[2048] = "{\"type\":\"time\"";
    for (int i = 0; i < RECORD_MAX_FIELDS + 2; i++)
        snprintf (line + strlen (line), sizeof line - strlen (line), ",\"f%d\":1", i);
    strcat (line, "}");
    CHECK_STR (s_reject (line), "more than 24 fields in one record");
}

//  --------------------------------------------------------------------------
//  The rejected/NAME.errors line

static void
s_test_errors_file (void)
{
    char dir[] = "/tmp/pmo-test-spool-XXXXXX";
    if (!mkdtemp (dir)) {
        CHECK (!"mkdtemp");
        return;
    }
    char sub[256];
    snprintf (sub, sizeof sub, "%s/rejected", dir);
    CHECK (mkdir (sub, 0755) == 0);
    const char *text = "time,ana,APOLLO,,abc,\"a\nb\"";
    CHECK_RC (spool_reject_append (dir, "t.csv", 7, "minutes: \"abc\" is not a whole number", text,
                                   strlen (text)),
              PMO_OK);
    CHECK_RC (spool_reject_append (dir, "t.csv", 9, "project: not found", "x", 1), PMO_OK);
    char path[300];
    snprintf (path, sizeof path, "%s/t.csv.errors", sub);
    FILE *f = fopen (path, "r");
    if (!f) {
        CHECK (f != NULL);
        return;
    }
    char buf[512] = "";
    size_t n = fread (buf, 1, sizeof buf - 1, f);
    buf[n] = '\0';
    fclose (f);
    CHECK_STR (buf, "line 7: minutes: \"abc\" is not a whole number: time,ana,APOLLO,,abc,\"a\\nb\"\n"
                    "line 9: project: not found: x\n");
    unlink (path);
    rmdir (sub);
    rmdir (dir);
}

int
main (void)
{
    pmo_date_parse ("2026-11-20", &s_today);
    s_test_csv_basic ();
    s_test_csv_quoting ();
    s_test_csv_bad_records ();
    s_test_csv_header ();
    s_test_jsonl_reader ();
    s_test_jsonl_long_line ();
    s_test_jsonl_convert ();
    s_test_rejections ();
    s_test_too_many_fields ();
    s_test_errors_file ();
    return harness_report ();
}
