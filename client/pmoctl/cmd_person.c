/*  cmd_person: pmoctl person add|list.  The rate is an hourly cost in
 *  money ("85.00 EUR"), the capacity decimal hours per week (37.5), sent as
 *  whole minutes. */
#include "pmo/pmo_error.h"
#include "pmo/pmo_limits.h"
#include "pmo/pmo_money.h"
#include "pmoctl.h"

enum { ADD_NAME, ADD_TEAM, ADD_RATE, ADD_ROLE, ADD_CURRENCY, ADD_CAPACITY };

const pmoctl_opt_t cmd_person_add_opts[] = {
    [ADD_NAME] = {"name", "N", true, "full name"},
    [ADD_TEAM] = {"team", "T", true, "team code"},
    [ADD_RATE] = {"rate", "AMOUNT", true, "hourly cost rate, \"85.00 EUR\""},
    [ADD_ROLE] = {"role", "R", false, "role, free text"},
    [ADD_CURRENCY] = {"currency", "CUR", false, "currency of a bare --rate number (ISO 4217)"},
    [ADD_CAPACITY] = {"capacity", "HOURS", false, "weekly capacity in hours, 37.5"},
    {NULL, NULL, false, NULL},
};

/*  Decimal hours per week -> whole minutes; hours that are no whole number
 *  of minutes (37.51) are refused, since they would read back changed. */
static int
s_parse_capacity (const char *s, int32_t *minutes)
{
    int64_t hundredths = 0, m = 0;
    if (pmo_decimal_parse (s, 2, &hundredths) != PMO_OK || hundredths < 0) {
        pmoctl_fail ("--capacity: '%s' is not a number of hours like 37.5", s);
        return PMO_EINVAL;
    }
    if (pmo_i64_muldiv (hundredths, 60, 100, &m) != PMO_OK || m > PMO_MAX_CAPACITY_MINUTES) {
        pmoctl_fail ("--capacity: '%s' is more than %d hours a week", s,
                     PMO_MAX_CAPACITY_MINUTES / 60);
        return PMO_EINVAL;
    }
    if (hundredths * 60 % 100 != 0) {
        pmoctl_fail ("--capacity: '%s' is not a whole number of minutes", s);
        return PMO_EINVAL;
    }
    *minutes = (int32_t) m;
    return PMO_OK;
}

int
cmd_person_add (pmoctl_t *ctl)
{
    Pmo__Person person = PMO__PERSON__INIT;
    char currency[4] = "";
    person.id = ctl->args[0];
    person.name = (char *) ctl->opt[ADD_NAME];
    person.team = (char *) ctl->opt[ADD_TEAM];
    person.role = (char *) ctl->opt[ADD_ROLE];
    if (pmoctl_parse_money ("--rate", ctl->opt[ADD_RATE], ctl->opt[ADD_CURRENCY],
                            &person.rate_minor, currency) != PMO_OK)
        return PMOCTL_EXIT_USAGE;
    person.has_rate_minor = true;
    person.currency = currency;
    if (ctl->opt[ADD_CAPACITY]) {
        if (s_parse_capacity (ctl->opt[ADD_CAPACITY], &person.capacity_minutes) != PMO_OK)
            return PMOCTL_EXIT_USAGE;
        person.has_capacity_minutes = true;
    }
    Pmo__Request req = PMO__REQUEST__INIT;
    req.body_case = PMO__REQUEST__BODY_PERSON_ADD;
    req.person_add = &person;
    return pmoctl_write (ctl, &req, "person %s created", person.id);
}

int
cmd_person_list (pmoctl_t *ctl)
{
    Pmo__Reply *reply = NULL;
    int rc = pmoctl_list (ctl, PMO__LIST_KIND__LIST_PEOPLE, NULL, &reply);
    if (rc)
        return rc;
    const Pmo__Listing *listing = reply->listing;
    if (ctl->format == OUT_JSON) {
        pmoctl_print_json (listing, "people");
    } else {
        out_table_t *t = out_table_new ();
        out_table_column (t, "ID", "id", OUT_LEFT);
        out_table_column (t, "TEAM", "team", OUT_LEFT);
        out_table_column (t, "RATE/H", NULL, OUT_RIGHT | OUT_TEXT_ONLY);
        out_table_column (t, NULL, "rate", OUT_CSV_ONLY);
        out_table_column (t, NULL, "currency", OUT_CSV_ONLY);
        out_table_column (t, "HOURS/WEEK", "capacity_hours", OUT_RIGHT);
        out_table_column (t, "NAME", "name", OUT_LEFT);
        out_table_column (t, "ROLE", "role", OUT_LEFT);
        for (size_t i = 0; i < listing->n_people; i++) {
            const Pmo__Person *p = listing->people[i];
            char rate[PMO_MONEY_FMT_MAX], plain[PMO_MONEY_FMT_MAX], hours[32] = "";
            pmoctl_fmt_money (p->rate_minor, p->currency, rate, sizeof rate);
            pmoctl_fmt_money_plain (p->rate_minor, p->currency, plain, sizeof plain);
            if (p->has_capacity_minutes)
                pmoctl_fmt_hours (p->capacity_minutes, hours, sizeof hours);
            out_table_row (t);
            out_table_cell (t, p->id);
            out_table_cell (t, p->team);
            out_table_cell (t, rate);
            out_table_cell (t, plain);
            out_table_cell (t, p->currency);
            out_table_cell (t, hours);
            out_table_cell (t, p->name);
            out_table_cell (t, p->role);
        }
        out_table_print (t, ctl->format, stdout);
        out_table_destroy (&t);
    }
    pmo_wire_free (reply);
    return PMOCTL_EXIT_OK;
}
