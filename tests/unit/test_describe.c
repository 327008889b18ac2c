/*  test_describe: the schema-driven fallback summary of event bodies, exact
 *  text for scalars, enums, quoting, nesting, repeated fields and the cut at
 *  the buffer's end. */
#include <string.h>

#include "harness.h"
#include "pmo/pmo_describe.h"
#include "pmo/pmo_wire.h"
#include "pmo/pmo_validate.h"

static void
s_scalars_and_enums (void)
{
    Pmo__Allocation a = PMO__ALLOCATION__INIT;
    a.person = (char *) "ana";
    a.project = (char *) "APOLLO";
    a.week = (char *) "2026-W48";
    a.has_minutes = true;
    a.minutes = 1200;
    Pmo__Event ev = PMO__EVENT__INIT;
    ev.body_case = PMO__EVENT__BODY_ALLOCATION;
    ev.allocation = &a;
    char buf[256];
    CHECK (pmo_event_body (&ev) == &a.base);
    CHECK_STR (pmo_describe (pmo_event_body (&ev), buf, sizeof buf),
               "person=ana project=APOLLO week=2026-W48 minutes=1200");

    /*  An absent optional number is absent, a present zero is shown. */
    a.has_previous_minutes = true;
    a.previous_minutes = 0;
    CHECK_STR (pmo_describe (&a.base, buf, sizeof buf),
               "person=ana project=APOLLO week=2026-W48 minutes=1200 previous_minutes=0");

    Pmo__Risk r = PMO__RISK__INIT;
    r.title = (char *) "Vendor \"late\" = risk";
    r.has_status = true;
    r.status = PMO__RISK_STATUS__RISK_MITIGATING;
    r.has_probability = true;
    r.probability = 4;
    CHECK_STR (pmo_describe (&r.base, buf, sizeof buf),
               "title=\"Vendor \\\"late\\\" = risk\" probability=4 status=mitigating");
}

static void
s_nested_repeated_and_cut (void)
{
    Pmo__Milestone m1 = PMO__MILESTONE__INIT, m2 = PMO__MILESTONE__INIT;
    m1.name = (char *) "Design";
    m2.name = (char *) "Build";
    Pmo__Milestone *ms[] = {&m1, &m2};
    Pmo__Project p = PMO__PROJECT__INIT;
    p.code = (char *) "APOLLO";
    Pmo__ProjectView v = PMO__PROJECT_VIEW__INIT;
    v.project = &p;
    v.n_milestones = 2;
    v.milestones = ms;
    char buf[256];
    CHECK_STR (pmo_describe (&v.base, buf, sizeof buf), "project={code=APOLLO} milestones=[2 items]");

    /*  Cut between pieces, "…" (3 bytes) marking it, within the buffer. */
    char small[16];
    CHECK_STR (pmo_describe (&v.base, small, sizeof small), "project={\xe2\x80\xa6");
    CHECK (strlen (small) < sizeof small);

    Pmo__Event empty = PMO__EVENT__INIT;
    CHECK (pmo_event_body (&empty) == NULL);
    CHECK_STR (pmo_describe (NULL, buf, sizeof buf), "");
}

/*  Well-formed UTF-8, by libpmo's own check. */
static bool
s_valid_utf8 (const char *s)
{
    return s && pmo_utf8_valid (s, strlen (s));
}

/*  A text cut short: never inside a UTF-8 character or an escape, a
 *  quoted string closed, "…" at the end; one that fits exactly is whole. */
static void
s_cut_multibyte (void)
{
    Pmo__Risk r = PMO__RISK__INIT;
    r.title = (char *) "\xc3\xa9t\xc3\xa9 \xe2\x82\xac\xe2\x82\xac\xe2\x82\xac";  /* "été €€€" */
    char buf[64];
    /*  Whole: title="été €€€" is 8 + 15 = 23 bytes. */
    CHECK_STR (pmo_describe (&r.base, buf, 24), "title=\"\xc3\xa9t\xc3\xa9 \xe2\x82\xac\xe2\x82\xac\xe2\x82\xac\"");
    /*  One byte short: 22 bytes leave 18 for text, which ends inside the
     *  second euro sign: cut before it, quote closed, then "…". */
    CHECK_STR (pmo_describe (&r.base, buf, 23),
               "title=\"\xc3\xa9t\xc3\xa9 \xe2\x82\xac\"\xe2\x80\xa6");
    /*  Inside the first "é": cut before it. */
    CHECK_STR (pmo_describe (&r.base, buf, 13), "title=\"\"\xe2\x80\xa6");
    /*  Every size: valid UTF-8, quotes balanced, within the buffer. */
    r.title = (char *) "a \"b\" \xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80 c";
    for (size_t n = 1; n < sizeof buf; n++) {
        pmo_describe (&r.base, buf, n);
        size_t len = strlen (buf);
        CHECK (len < n);
        size_t quotes = 0;
        for (size_t i = 0; i < len; i++)
            quotes += buf[i] == '"' && (i == 0 || buf[i - 1] != '\\');
        CHECK (quotes % 2 == 0);
        CHECK (s_valid_utf8 (buf));
        bool is_whole = n > 27;  /* the whole text is 27 bytes */
        CHECK (is_whole ? len == 27 : n < 4 || (len >= 3 && strcmp (buf + len - 3, "\xe2\x80\xa6") == 0));
    }
}

/*  pmo_text_shorten: what a fixed-size snprintf made of a long summary. */
static void
s_shorten (void)
{
    char buf[16];
    snprintf (buf, sizeof buf, "%s", "ab \xe2\x82\xac\xe2\x82\xac\xe2\x82\xac\xe2\x82\xac");  /* 15 bytes, whole */
    CHECK_STR (pmo_text_shorten (buf, 15), "ab \xe2\x82\xac\xe2\x82\xac\xe2\x82\xac\xe2\x82\xac");
    CHECK_STR (pmo_text_shorten (buf, 14), "ab \xe2\x82\xac\xe2\x82\xac\xe2\x80\xa6");
    snprintf (buf, sizeof buf, "%s", "abcdefgh");
    CHECK_STR (pmo_text_shorten (buf, 8), "abcdefgh");
    CHECK_STR (pmo_text_shorten (buf, 5), "ab\xe2\x80\xa6");
}

int
main (void)
{
    s_scalars_and_enums ();
    s_nested_repeated_and_cut ();
    s_cut_multibyte ();
    s_shorten ();
    return harness_report ();
}
