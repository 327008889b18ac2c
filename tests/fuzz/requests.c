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
    /*  governance and agent sources */
    Pmo__Risk rk = PMO__RISK__INIT;
    Pmo__Issue is = PMO__ISSUE__INIT;
    Pmo__ChangeRequest cr = PMO__CHANGE_REQUEST__INIT;
    Pmo__ChangeDecision cd = PMO__CHANGE_DECISION__INIT;
    Pmo__RegisterQuery rg = PMO__REGISTER_QUERY__INIT;
    Pmo__Lesson ls = PMO__LESSON__INIT;
    Pmo__Lesson *lessons[] = {&ls};
    Pmo__ProjectClose pc = PMO__PROJECT_CLOSE__INIT;
    Pmo__TemplateMilestone tms[2] = {PMO__TEMPLATE_MILESTONE__INIT, PMO__TEMPLATE_MILESTONE__INIT};
    Pmo__TemplateMilestone *tmp[] = {&tms[0], &tms[1]};
    Pmo__ChecklistItem ck = PMO__CHECKLIST_ITEM__INIT;
    Pmo__ChecklistItem *cks[] = {&ck};
    Pmo__Gate gt = PMO__GATE__INIT;
    Pmo__Phase ph[2] = {PMO__PHASE__INIT, PMO__PHASE__INIT};
    Pmo__Phase *php[] = {&ph[0], &ph[1]};
    Pmo__Template tp = PMO__TEMPLATE__INIT;
    Pmo__TemplateAdd ta = PMO__TEMPLATE_ADD__INIT;
    Pmo__GateDecision gd = PMO__GATE_DECISION__INIT;
    Pmo__Allocation al = PMO__ALLOCATION__INIT;
    Pmo__ResourceQuery rs = PMO__RESOURCE_QUERY__INIT;
    Pmo__Criterion cn = PMO__CRITERION__INIT;
    Pmo__Score sc = PMO__SCORE__INIT;
    Pmo__PriorityQuery pq2 = PMO__PRIORITY_QUERY__INIT;
    Pmo__VoidEntry ve = PMO__VOID_ENTRY__INIT;
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
    case 28:
        name = "risk_add";
        rk.project = (char *) "P1";
        rk.title = (char *) "Supplier late";
        rk.has_probability = rk.has_impact = true;
        rk.probability = 4;
        rk.impact = 3;
        rk.owner = (char *) "ana";
        rk.due = (char *) "2026-12-15";
        req.body_case = PMO__REQUEST__BODY_RISK_ADD;
        req.risk_add = &rk;
        break;
    case 29:
        name = "issue_add";
        is.project = (char *) "P1";
        is.title = (char *) "Test rig broken";
        is.has_severity = true;
        is.severity = PMO__SEVERITY__SEVERITY_HIGH;
        is.owner = (char *) "ana";
        req.body_case = PMO__REQUEST__BODY_ISSUE_ADD;
        req.issue_add = &is;
        break;
    case 30:
        name = "change_submit";
        cr.project = (char *) "P1";
        cr.description = (char *) "More scope";
        cr.has_cost_impact_minor = true;
        cr.cost_impact_minor = 500000;
        cr.has_schedule_days = true;
        cr.schedule_days = 30;
        req.body_case = PMO__REQUEST__BODY_CHANGE_SUBMIT;
        req.change_submit = &cr;
        break;
    case 31:
        name = "change_decide";
        cd.project = (char *) "P1";
        cd.has_id = cd.has_status = true;
        cd.id = 1;
        cd.status = PMO__CHANGE_STATUS__CHANGE_APPROVED;
        cd.reason = (char *) "Board agreed";
        req.body_case = PMO__REQUEST__BODY_CHANGE_DECIDE;
        req.change_decide = &cd;
        break;
    case 32:
    case 33:
        name = i == 32 ? "register_heatmap" : "register_lessons";
        rg.has_kind = true;
        rg.kind = i == 32 ? PMO__REGISTER_KIND__REGISTER_HEATMAP : PMO__REGISTER_KIND__REGISTER_LESSONS;
        rg.text = i == 32 ? NULL : (char *) "supplier late";
        req.body_case = PMO__REQUEST__BODY_REGISTER_QUERY;
        req.register_query = &rg;
        break;
    case 34:
        name = "project_close";
        ls.category = (char *) "supplier";
        ls.went_badly = (char *) "Parts came late";
        ls.recommendation = (char *) "Qualify two suppliers";
        pc.code = (char *) "P1";
        pc.n_lessons = 1;
        pc.lessons = lessons;
        req.body_case = PMO__REQUEST__BODY_PROJECT_CLOSE;
        req.project_close = &pc;
        break;
    case 35:
        name = "template_add";
        tms[0].name = (char *) "Design";
        tms[0].has_offset_days = tms[0].has_weight = true;
        tms[0].offset_days = 30;
        tms[0].weight = 1;
        tms[1].name = (char *) "Build";
        tms[1].has_offset_days = tms[1].has_weight = true;
        tms[1].offset_days = 90;
        tms[1].weight = 2;
        ck.text = (char *) "Business case signed";
        gt.name = (char *) "Go";
        gt.n_checklist = 1;
        gt.checklist = cks;
        ph[0].name = (char *) "planning";
        ph[0].gate = &gt;
        ph[1].name = (char *) "executing";
        tp.name = (char *) "STD";
        tp.n_milestones = 2;
        tp.milestones = tmp;
        tp.n_phases = 2;
        tp.phases = php;
        ta.template_ = &tp;
        req.body_case = PMO__REQUEST__BODY_TEMPLATE_ADD;
        req.template_add = &ta;
        break;
    case 36:
        name = "gate_decide";
        gd.project = (char *) "P1";
        gd.gate = (char *) "Go";
        gd.has_decision = true;
        gd.decision = PMO__DECISION__DECISION_APPROVE;
        req.body_case = PMO__REQUEST__BODY_GATE_DECIDE;
        req.gate_decide = &gd;
        break;
    case 37:
        name = "allocation_set";
        al.person = (char *) "ana";
        al.project = (char *) "P1";
        al.week = (char *) "2026-W48";
        al.has_minutes = true;
        al.minutes = 2700;
        req.body_case = PMO__REQUEST__BODY_ALLOCATION_SET;
        req.allocation_set = &al;
        break;
    case 38:
        name = "resources";
        rs.from_week = (char *) "2026-W40";
        rs.to_week = (char *) "2026-W52";
        req.body_case = PMO__REQUEST__BODY_RESOURCES;
        req.resources = &rs;
        break;
    case 39:
        name = "criterion_set";
        cn.name = (char *) "value";
        cn.has_weight = true;
        cn.weight = 40;
        req.body_case = PMO__REQUEST__BODY_CRITERION_SET;
        req.criterion_set = &cn;
        break;
    case 40:
        name = "score_set";
        sc.project = (char *) "P1";
        sc.criterion = (char *) "value";
        sc.has_value = true;
        sc.value = 7;
        req.body_case = PMO__REQUEST__BODY_SCORE_SET;
        req.score_set = &sc;
        break;
    case 41:
        name = "priorities";
        pq2.has_budget_minor = true;
        pq2.budget_minor = 20000000;
        pq2.currency = (char *) "EUR";
        req.body_case = PMO__REQUEST__BODY_PRIORITIES;
        req.priorities = &pq2;
        break;
    case 42:
        name = "time_ref";
        te.person = (char *) "ana";
        te.project = (char *) "P1";
        te.date = (char *) "2026-11-18";
        te.has_minutes = true;
        te.minutes = 45;
        te.ref = (char *) "timew:20261118T090000Z/2026-11-18";
        req.body_case = PMO__REQUEST__BODY_TIME;
        req.time = &te;
        s_update_id (&req, 6);
        break;
    case 43:
        name = "void_entry";
        ve.ref = (char *) "timew:20261118T090000Z/2026-11-18";
        req.body_case = PMO__REQUEST__BODY_VOID_ENTRY;
        req.void_entry = &ve;
        s_update_id (&req, 7);
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
    return 44;
}

size_t
fuzz_setup_count (void)
{
    return 6;  /* portfolio .. milestone */
}
