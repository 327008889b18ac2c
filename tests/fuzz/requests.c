/*  requests: the seed requests (see requests.h), built with the generated
 *  protobuf-c types and packed by pmo_wire, exactly as clients send them. */
#include "requests.h"

#include "pmo/pmo_curve.h"

static Pmo__UpdateId s_update = PMO__UPDATE_ID__INIT;

static void
s_update_id (Pmo__Request *req, uint64_t seq)
{
    s_update.agent = (char *) "a1";
    s_update.has_seq = true;
    s_update.seq = seq;
    req->update = &s_update;
}

/*  A fixed public key (any 32 bytes are one to enrol), in Z85. */
static const char *
s_key (void)
{
    static char z85[PMO_KEY_Z85_LEN + 1];
    uint8_t raw[32];
    for (int i = 0; i < 32; i++)
        raw[i] = (uint8_t) (i * 7 + 1);
    pmo_key_encode (raw, z85);
    return z85;
}

const char *
fuzz_request_pack (size_t i, pmo_buf_t *buf)
{
    Pmo__Request req = PMO__REQUEST__INIT;
    req.has_corr = true;
    req.corr = i + 1;
    Pmo__Portfolio pf = PMO__PORTFOLIO__INIT;
    Pmo__Programme pg = PMO__PROGRAMME__INIT;
    Pmo__Team tm = PMO__TEAM__INIT;
    Pmo__Person ps = PMO__PERSON__INIT;
    Pmo__Project pj = PMO__PROJECT__INIT;
    Pmo__Milestone ms = PMO__MILESTONE__INIT;
    Pmo__TimeEntry te = PMO__TIME_ENTRY__INIT;
    Pmo__CostEntry ce = PMO__COST_ENTRY__INIT;
    Pmo__Progress pr = PMO__PROGRESS__INIT;
    Pmo__MilestoneReached mr = PMO__MILESTONE_REACHED__INIT;
    Pmo__Heartbeat hb = PMO__HEARTBEAT__INIT;
    Pmo__ProjectUpdate pu = PMO__PROJECT_UPDATE__INIT;
    Pmo__MilestoneUpdate mu = PMO__MILESTONE_UPDATE__INIT;
    Pmo__ListQuery lq = PMO__LIST_QUERY__INIT;
    Pmo__ProjectQuery pq = PMO__PROJECT_QUERY__INIT;
    Pmo__StatusQuery sq = PMO__STATUS_QUERY__INIT;
    Pmo__LogQuery lg = PMO__LOG_QUERY__INIT;
    Pmo__ReportQuery rq = PMO__REPORT_QUERY__INIT;
    Pmo__PolicyGet pget = PMO__POLICY_GET__INIT;
    Pmo__PolicySet pset = PMO__POLICY_SET__INIT;
    Pmo__Ping ping = PMO__PING__INIT;
    Pmo__Principal pl = PMO__PRINCIPAL__INIT;
    Pmo__KeyEnrol ke = PMO__KEY_ENROL__INIT;
    Pmo__KeyList kl = PMO__KEY_LIST__INIT;
    Pmo__KeyRevoke kr = PMO__KEY_REVOKE__INIT;
    const char *name = "?";
    switch (i) {
    case 0:
        name = "portfolio_add";
        pf.code = (char *) "CORP";
        pf.name = (char *) "Corporate";
        req.body_case = PMO__REQUEST__BODY_PORTFOLIO_ADD;
        req.portfolio_add = &pf;
        break;
    case 1:
        name = "programme_add";
        pg.code = (char *) "SPACE";
        pg.name = (char *) "Space";
        pg.portfolio = (char *) "CORP";
        req.body_case = PMO__REQUEST__BODY_PROGRAMME_ADD;
        req.programme_add = &pg;
        break;
    case 2:
        name = "team_add";
        tm.code = (char *) "T1";
        tm.name = (char *) "Team one";
        req.body_case = PMO__REQUEST__BODY_TEAM_ADD;
        req.team_add = &tm;
        break;
    case 3:
        name = "person_add";
        ps.id = (char *) "ana";
        ps.name = (char *) "Ana Lima";
        ps.team = (char *) "T1";
        ps.has_rate_minor = true;
        ps.rate_minor = 8500;
        ps.currency = (char *) "EUR";
        ps.has_capacity_minutes = true;
        ps.capacity_minutes = 2400;
        req.body_case = PMO__REQUEST__BODY_PERSON_ADD;
        req.person_add = &ps;
        break;
    case 4:
        name = "project_add";
        pj.code = (char *) "P1";
        pj.name = (char *) "Lander";
        pj.programme = (char *) "SPACE";
        pj.team = (char *) "T1";
        pj.manager = (char *) "ana";
        pj.start = (char *) "2026-01-01";
        pj.finish = (char *) "2026-12-31";
        pj.has_bac_minor = true;
        pj.bac_minor = 10000000;
        pj.currency = (char *) "EUR";
        pj.has_status = true;
        pj.status = PMO__PROJECT_STATUS__PROJECT_ACTIVE;
        req.body_case = PMO__REQUEST__BODY_PROJECT_ADD;
        req.project_add = &pj;
        break;
    case 5:
        name = "milestone_add";
        ms.project = (char *) "P1";
        ms.name = (char *) "Design";
        ms.due = (char *) "2026-06-30";
        ms.has_weight = true;
        ms.weight = 3;
        req.body_case = PMO__REQUEST__BODY_MILESTONE_ADD;
        req.milestone_add = &ms;
        break;
    case 6:
        name = "time";
        te.person = (char *) "ana";
        te.project = (char *) "P1";
        te.date = (char *) "2026-11-19";
        te.has_minutes = true;
        te.minutes = 90;
        te.activity = (char *) "design";
        te.note = (char *) "review";
        req.body_case = PMO__REQUEST__BODY_TIME;
        req.time = &te;
        s_update_id (&req, 1);
        break;
    case 7:
        name = "cost";
        ce.project = (char *) "P1";
        ce.date = (char *) "2026-11-19";
        ce.has_amount_minor = true;
        ce.amount_minor = 120000;
        ce.currency = (char *) "EUR";
        ce.has_category = true;
        ce.category = PMO__COST_CATEGORY__COST_MATERIAL;
        req.body_case = PMO__REQUEST__BODY_COST;
        req.cost = &ce;
        s_update_id (&req, 2);
        break;
    case 8:
        name = "cost_text";
        ce.project = (char *) "P1";
        ce.amount = (char *) "12.50";
        req.body_case = PMO__REQUEST__BODY_COST;
        req.cost = &ce;
        s_update_id (&req, 3);
        break;
    case 9:
        name = "progress";
        pr.project = (char *) "P1";
        pr.has_percent_bp = true;
        pr.percent_bp = 4250;
        pr.milestone = (char *) "Design";
        req.body_case = PMO__REQUEST__BODY_PROGRESS;
        req.progress = &pr;
        s_update_id (&req, 4);
        break;
    case 10:
        name = "milestone_reached";
        mr.project = (char *) "P1";
        mr.name = (char *) "Design";
        mr.date = (char *) "2026-11-18";
        req.body_case = PMO__REQUEST__BODY_MILESTONE_REACHED;
        req.milestone_reached = &mr;
        s_update_id (&req, 5);
        break;
    case 11:
        name = "heartbeat";
        hb.team = (char *) "T1";
        hb.agent = (char *) "a1";
        req.body_case = PMO__REQUEST__BODY_HEARTBEAT;
        req.heartbeat = &hb;
        break;
    case 12:
        name = "project_update";
        pu.code = (char *) "P1";
        pu.has_bac_minor = true;
        pu.bac_minor = 12000000;
        pu.finish = (char *) "2027-03-31";
        req.body_case = PMO__REQUEST__BODY_PROJECT_UPDATE;
        req.project_update = &pu;
        break;
    case 13:
        name = "milestone_update";
        mu.project = (char *) "P1";
        mu.name = (char *) "Design";
        mu.forecast = (char *) "2026-07-15";
        req.body_case = PMO__REQUEST__BODY_MILESTONE_UPDATE;
        req.milestone_update = &mu;
        break;
    case 14:
        name = "list";
        lq.has_kind = true;
        lq.kind = PMO__LIST_KIND__LIST_MILESTONES;
        lq.project = (char *) "P1";
        req.body_case = PMO__REQUEST__BODY_LIST;
        req.list = &lq;
        break;
    case 15:
        name = "project_show";
        pq.code = (char *) "P1";
        pq.has_recent = true;
        pq.recent = 5;
        req.body_case = PMO__REQUEST__BODY_PROJECT_SHOW;
        req.project_show = &pq;
        break;
    case 16:
        name = "status";
        sq.as_of = (char *) "2026-11-01";
        sq.programme = (char *) "SPACE";
        req.body_case = PMO__REQUEST__BODY_STATUS;
        req.status = &sq;
        break;
    case 17:
        name = "log";
        lg.has_since = true;
        lg.since = 0;
        lg.project = (char *) "P1";
        lg.has_limit = true;
        lg.limit = 10;
        req.body_case = PMO__REQUEST__BODY_LOG;
        req.log = &lg;
        break;
    case 18:
    case 19:
    case 20:
    case 21:
        name = "report";
        rq.has_kind = true;
        rq.kind = (Pmo__ReportKind) (i - 17);
        rq.from = (char *) "2026-11-01";
        rq.to = (char *) "2026-11-20";
        rq.group_by = (char *) "person";
        req.body_case = PMO__REQUEST__BODY_REPORT;
        req.report = &rq;
        break;
    case 22:
        name = "policy_get";
        req.body_case = PMO__REQUEST__BODY_POLICY_GET;
        req.policy_get = &pget;
        break;
    case 23:
        name = "policy_set";
        pset.key = (char *) "budget_thresholds";
        pset.value = (char *) "50,80,100";
        req.body_case = PMO__REQUEST__BODY_POLICY_SET;
        req.policy_set = &pset;
        break;
    case 24:
        name = "ping";
        req.body_case = PMO__REQUEST__BODY_PING;
        req.ping = &ping;
        break;
    case 25:
        name = "key_enrol";
        pl.name = (char *) "vera";
        pl.has_kind = true;
        pl.kind = PMO__PRINCIPAL_KIND__PRINCIPAL_OPERATOR;
        pl.has_role = true;
        pl.role = PMO__ROLE__ROLE_VIEWER;
        pl.public_key = (char *) s_key ();
        ke.principal = &pl;
        req.body_case = PMO__REQUEST__BODY_KEY_ENROL;
        req.key_enrol = &ke;
        break;
    case 26:
        name = "key_list";
        req.body_case = PMO__REQUEST__BODY_KEY_LIST;
        req.key_list = &kl;
        break;
    case 27:
        name = "key_revoke";
        kr.name = (char *) "vera";
        req.body_case = PMO__REQUEST__BODY_KEY_REVOKE;
        req.key_revoke = &kr;
        break;
    default:
        buf->len = 0;
        return NULL;
    }
    pmo_wire_pack (&req, buf);
    return name;
}

size_t
fuzz_request_count (void)
{
    return 28;
}

size_t
fuzz_setup_count (void)
{
    return 6;  /* portfolio .. milestone */
}
