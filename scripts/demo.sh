#!/usr/bin/env bash
# The pmo demo on a fresh Debian 12 machine: installs the dependencies,
# builds, starts pmod on its compiled-in default data directory, starts
# pmo-notify printing milestone alerts, lets the agents of three teams
# report from spool files (JSON lines and CSV) and, for the Mercury team,
# from a Timewarrior database (a source, docs/agent-sources.md), and ends
# with the portfolio status; on the way the PMO records risks and approves
# a change request (baseline history).  Dates are relative to today, so the alerts
# are real ones.
# Secure: every program has its own CURVE key; pmod enrols the admin's at
# its first start and the admin enrols the agents and the notifier.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
scripts/deps.sh >/dev/null

demo="$root/build-demo/run"
# The demo build embeds its own default data directory, so `pmod` with no
# flags just works and never touches ~/.local/share/pmo.
cmake -S . -B build-demo -DCMAKE_BUILD_TYPE=Release -DPMO_DEFAULT_DATA_DIR="$demo/pmo-data" >/dev/null
cmake --build build-demo -j"$(nproc)" >/dev/null
bin="$root/build-demo"
pmod="$bin/broker/pmod"; ctl="$bin/client/pmoctl/pmoctl"
agent="$bin/agents/pmo-agent"; notify="$bin/client/pmo-notify/pmo-notify"

rm -rf "$demo"; mkdir -p "$demo"
# Self-contained: the default endpoints, the compiled-in data directory.
export PMO_ENDPOINT=tcp://127.0.0.1:7750 PMO_EVENTS=tcp://127.0.0.1:7751
unset PMO_DATA PMO_NOW
day() { date -u -d "$1 days" +%F; }

echo "== keys: one CURVE keypair per program (pmoctl keygen; secrets 0600)"
mkdir -p "$demo/keys"
for k in admin apollo-agent gemini-agent mercury-agent notify; do "$ctl" keygen "$demo/keys/$k.key" >/dev/null; done
echo "   $(ls "$demo/keys" | tr '\n' ' ')"

echo "== pmod: the PMO service (data: $demo/pmo-data, requests tcp://127.0.0.1:7750, events :7751)"
"$pmod" --admin-key "$demo/keys/admin.key.pub" 2>"$demo/pmod.log" &
pmod_pid=$!
notify_pid=
cleanup() {
  [ -n "$notify_pid" ] && kill "$notify_pid" 2>/dev/null || true
  kill "$pmod_pid" 2>/dev/null || true
  wait "$pmod_pid" 2>/dev/null || true
}
trap cleanup EXIT
# pmoctl talks as the admin; pmod made its keypair in its data directory.
export PMO_KEY="$demo/keys/admin.key" PMO_SERVER_KEY="$demo/pmo-data/server.key.pub"
for _ in $(seq 50); do
  [ -f "$PMO_SERVER_KEY" ] && "$ctl" --timeout 200 ping >/dev/null 2>&1 && break
  sleep 0.1
done
if ! kill -0 "$pmod_pid" 2>/dev/null; then
  echo "pmod did not start: $(tail -n 1 "$demo/pmod.log")" >&2
  exit 1
fi

echo "== pmo-notify: milestone alerts, printed as they happen"
"$ctl" key enrol notify --subscriber --public "$demo/keys/notify.key.pub" >/dev/null
# Process substitution, so that $! is pmo-notify itself (stopped at the end).
"$notify" --key "$demo/keys/notify.key" --state "$demo/notify.state" 2>"$demo/notify.log" > >(sed -u 's/^/   ALERT /') &
notify_pid=$!

echo "== the PMO sets up the portfolio"
ctl_q() { "$ctl" "$@" >/dev/null; }
ctl_q portfolio add CORP --name "Corporate portfolio"
ctl_q programme add SPACE --portfolio CORP --name "Space programme"
ctl_q programme add OPS --portfolio CORP --name "Operations"
for t in APOLLO GEMINI MERCURY; do ctl_q team add "T-$t" --name "$t team"; done
ctl_q person add ana --name "Ana Lima" --team T-APOLLO --role engineer --rate "85.00 EUR" --capacity 40
ctl_q person add ben --name "Ben Okafor" --team T-APOLLO --role analyst --rate "70.00 EUR" --capacity 40
ctl_q person add chen --name "Chen Wei" --team T-GEMINI --role engineer --rate "90.00 EUR" --capacity 32
ctl_q person add dora --name "Dora Marsh" --team T-MERCURY --role consultant --rate "110.00 USD" --capacity 40
ctl_q project add APOLLO --name "Lunar lander" --programme SPACE --team T-APOLLO --manager ana \
  --start "$(day -120)" --finish "$(day 120)" --budget "150000.00 EUR"
ctl_q project add GEMINI --name "Orbital docking" --programme SPACE --team T-GEMINI --manager chen \
  --start "$(day -60)" --finish "$(day 60)" --budget "80000.00 EUR"
ctl_q project add MERCURY --name "Ops tooling" --programme OPS --team T-MERCURY --manager dora \
  --start "$(day -30)" --finish "$(day 90)" --budget "40000.00 USD"
ctl_q milestone add APOLLO "Design approved" --due "$(day -60)" --weight 1
ctl_q milestone add APOLLO "Prototype flies" --due "$(day 10)" --weight 2
ctl_q milestone add APOLLO "Launch" --due "$(day 120)" --weight 3
ctl_q milestone add GEMINI "Docking test" --due "$(day -3)" --weight 1
ctl_q milestone add GEMINI "Handover" --due "$(day 60)" --weight 1
ctl_q milestone add MERCURY "Pilot live" --due "$(day 30)"
for p in APOLLO GEMINI MERCURY; do ctl_q project set "$p" --status approved; ctl_q project set "$p" --status active; done

echo "== three team agents report from their spool directories, each with its own key"
for t in apollo gemini mercury; do
  "$ctl" key enrol "$t-agent" --agent "T-${t^^}" --public "$demo/keys/$t-agent.key.pub" >/dev/null
  mkdir -p "$demo/$t/spool"
  cat >"$demo/$t/agent.conf" <<CONF
[agent]
id = $t-agent
team = T-${t^^}
key = $demo/keys/$t-agent.key
server_key = $PMO_SERVER_KEY
state = $demo/$t/state
heartbeat = 30
[spool]
dir = $demo/$t/spool
poll = 200
CONF
done
cat >"$demo/apollo/spool/week.jsonl" <<JSONL
{"type":"time","person":"ana","project":"APOLLO","date":"$(day -3)","hours":"7.5","activity":"design"}
{"type":"time","person":"ben","project":"APOLLO","date":"$(day -3)","minutes":240,"activity":"analysis"}
{"type":"cost","project":"APOLLO","date":"$(day -2)","amount":"18250.00","category":"material","note":"thrusters"}
{"type":"milestone","project":"APOLLO","name":"Design approved","date":"$(day -2)"}
{"type":"progress","project":"APOLLO","percent":35,"note":"design review closed"}
{"type":"time","person":"ana","project":"APOLLO","date":"$(day -1)","minutes":"many"}
JSONL
cat >"$demo/gemini/spool/timesheet.csv" <<CSV
type,person,project,date,minutes,activity,note
time,chen,GEMINI,$(day -2),420,integration,"docking port, rev B"
time,chen,GEMINI,$(day -1),480,integration,
CSV
cat >"$demo/gemini/spool/costs.jsonl" <<JSONL
{"type":"cost","project":"GEMINI","date":"$(day -1)","amount":"61000.00","category":"contractor","note":"test rig"}
{"type":"progress","project":"GEMINI","percent":"40"}
JSONL
cat >"$demo/mercury/spool/mercury.csv" <<CSV
type,person,project,date,minutes,activity,amount,category,percent,name
time,dora,MERCURY,$(day -1),300,setup,,,,
cost,,MERCURY,$(day -1),,,2400.00,travel,,
progress,,MERCURY,,,,,,30,
CSV
# Dora (Mercury) tracks her time with Timewarrior; her team's agent reads
# it as a source: closed intervals become time entries, split at local
# midnight; the open one waits until she stops.
tw="$demo/mercury/timew"
mkdir -p "$tw/data"; : >"$tw/timewarrior.cfg"
ldate() { date -d "$1 days" +%F; }
TIMEWARRIORDB="$tw" timew track "$(ldate -2)T09:00" - "$(ldate -2)T11:30" mercury setup :yes >/dev/null
TIMEWARRIORDB="$tw" timew track "$(ldate -2)T23:00" - "$(ldate -1)T00:45" mercury :yes >/dev/null
TIMEWARRIORDB="$tw" timew track "$(ldate -1)T14:00" - "$(ldate -1)T15:00" lunch :yes >/dev/null
cat >>"$demo/mercury/agent.conf" <<CONF
[source.dora-time]
type = timewarrior
db = $tw
person = dora
project.mercury = MERCURY
activity.setup = setup
poll = 60000
CONF
for t in apollo gemini mercury; do
  "$agent" run --config "$demo/$t/agent.conf" --once 2>>"$demo/$t/agent.log"
  echo "   $t: $(ls "$demo/$t/spool/done" | tr '\n' ' ')sent; rejected records: $(cat "$demo/$t/spool/rejected/"*.errors 2>/dev/null | wc -l)"
done
"$agent" --state "$demo/apollo/state" --agent apollo-agent --key "$demo/keys/apollo-agent.key" milestone --project APOLLO --name "Prototype flies" >/dev/null
"$agent" --state "$demo/mercury/state" status | grep '^source' | sed 's/^source */   mercury source /'


echo "== governance: a risk, a change request approved, the original baseline kept"
ctl_q risk add GEMINI --title "Docking port supplier late" --probability 4 --impact 4 --owner chen \
  --mitigation "Qualify a second supplier"
ctl_q risk add APOLLO --title "Test range unavailable" --probability 2 --impact 3 --owner ben
ctl_q change submit GEMINI --description "Re-plan after the missed docking test" --cost "+12000.00 EUR" \
  --days 30 "Docking test=$(day 20)"
ctl_q change approve GEMINI 1 --reason "Supplier delay accepted by the board"
"$ctl" project baselines GEMINI | sed 's/^/   /'
"$ctl" risks --csv | awk -F, 'NR > 1 && $4 > 0 { printf "   risk heat map: probability %s x impact %s: %s risk(s)\n", $1, $2, $4 }'

sleep 1   # pmo-notify prints as events arrive; give the last ones a moment
echo
echo "== quarantined records (file:line and reason)"
cat "$demo"/*/spool/rejected/*.errors | sed 's/^/   /'
echo
echo "== the audit trail, last 8 events"
"$ctl" log --since "$(( $("$ctl" ping --json | sed 's/.*"last_seq":\([0-9]*\).*/\1/') - 8 ))"
echo
echo "== who may talk to pmod"
"$ctl" key list
echo
echo "== the audit trail's hash chain"
"$ctl" log --verify
echo
echo "== portfolio status"
"$ctl" status
