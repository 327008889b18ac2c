/*  test_describe: the schema-driven fallback summary of event bodies, exact
 *  text for scalars, enums, quoting, nesting, repeated fields and the cut at
 *  the buffer's end. */
#include <string.h>

#include "harness.h"
#include "pmo/pmo_describe.h"
#include "pmo/pmo_wire.h"

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

    char small[12];
    CHECK_STR (pmo_describe (&v.base, small, sizeof small), "project={co");
    CHECK (strlen (small) == sizeof small - 1);

    Pmo__Event empty = PMO__EVENT__INIT;
    CHECK (pmo_event_body (&empty) == NULL);
    CHECK_STR (pmo_describe (NULL, buf, sizeof buf), "");
}

int
main (void)
{
    s_scalars_and_enums ();
    s_nested_repeated_and_cut ();
    return harness_report ();
}
