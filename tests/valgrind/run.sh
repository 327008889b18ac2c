#!/usr/bin/env bash
# The four programs in a short, normal, secure run under valgrind: pmod
# (whole life, through a SIGTERM), pmoctl (keygen and status), pmo-agent
# (run --once over a spool file) and pmo-notify (receives the agent's event).
# Fails when valgrind reports an error or a definite/indirect leak in any
# of them (each run's report is printed then).
# Usage: run.sh PMOD PMOCTL PMO_AGENT PMO_NOTIFY
set -euo pipefail
pmod=$1 ctl=$2 agent=$3 notify=$4
dir=$(mktemp -d "${TMPDIR:-/tmp}/pmo-valgrind-XXXXXX")
# somalloc=NONE: valgrind also replaces a malloc linked into the program
# itself (pmod's static jemalloc), so pmod's heap is checked too.
vg=(valgrind --leak-check=full --errors-for-leak-kinds=definite,indirect --error-exitcode=99
    --track-fds=no --soname-synonyms=somalloc=NONE --log-file="$dir/vg-%p.log")
export PMO_ENDPOINT="ipc://$dir/req" PMO_EVENTS="ipc://$dir/ev" PMO_AGENT_STATE="$dir/agent-state"
unset PMO_KEY PMO_SERVER_KEY PMO_DATA PMO_NOW
pmod_pid=
notify_pid=
failed=0
finish() {
  [ -n "$notify_pid" ] && kill "$notify_pid" 2>/dev/null || true
  [ -n "$pmod_pid" ] && kill "$pmod_pid" 2>/dev/null || true
  wait 2>/dev/null || true
  if [ "$failed" = 0 ] && [ -z "${PMO_VALGRIND_KEEP:-}" ]; then rm -rf "$dir"; else
    for f in "$dir"/*.log; do echo "--- $f"; tail -n 80 "$f"; done >&2
    echo "kept $dir" >&2
  fi
}
trap finish EXIT
check() {  # check NAME STATUS: valgrind's 99 or any failure is fatal
  if [ "$2" != 0 ]; then echo "FAIL: $1 exited $2" >&2; failed=1; exit 1; fi
}

st=0; "${vg[@]}" "$ctl" keygen "$dir/admin.key" >/dev/null || st=$?; check "pmoctl keygen" $st
"$ctl" keygen "$dir/agent.key" >/dev/null
"$ctl" keygen "$dir/sub.key" >/dev/null

"${vg[@]}" "$pmod" --data "$dir/data" --admin-key "$dir/admin.key.pub" --now 2026-11-20T12:00:00Z \
  2>"$dir/pmod.log" &
pmod_pid=$!
export PMO_KEY="$dir/admin.key" PMO_SERVER_KEY="$dir/data/server.key.pub"
for _ in $(seq 120); do
  [ -f "$PMO_SERVER_KEY" ] && "$ctl" --timeout 1000 ping >/dev/null 2>&1 && break
  kill -0 "$pmod_pid" 2>/dev/null || { failed=1; echo "FAIL: pmod died" >&2; exit 1; }
  sleep 0.5
done
"$ctl" team add T1 --name "Team one" >/dev/null
"$ctl" person add ana --name "Ana" --team T1 --rate "60.00 EUR" >/dev/null
"$ctl" project add P1 --name "Lander" --team T1 --start 2026-01-01 --finish 2026-12-31 \
  --budget "10000.00 EUR" >/dev/null
"$ctl" key enrol a1 --agent T1 --public "$dir/agent.key.pub" >/dev/null
"$ctl" key enrol sub --subscriber --public "$dir/sub.key.pub" >/dev/null

# pmo-notify: waits for the first time entry's event (live, or from the
# log on its idle check).
"${vg[@]}" "$notify" --key "$dir/sub.key" --topic time. --count 1 --state "$dir/notify.state" \
  >"$dir/notify.out" 2>"$dir/notify.log" &
notify_pid=$!
for _ in $(seq 120); do [ -f "$dir/notify.state" ] && break; sleep 0.5; done

st=0; "${vg[@]}" "$ctl" status >/dev/null || st=$?; check "pmoctl status" $st

mkdir -p "$dir/spool"
printf '{"type":"time","person":"ana","project":"P1","date":"2026-11-19","minutes":90}\n' \
  >"$dir/spool/.day.jsonl"
mv "$dir/spool/.day.jsonl" "$dir/spool/day.jsonl"
cat >"$dir/team.conf" <<CONF
[agent]
id = a1
team = T1
state = $dir/agent-state
key = $dir/agent.key
server_key = $dir/data/server.key.pub
heartbeat = 0
[spool]
dir = $dir/spool
CONF
st=0; "${vg[@]}" "$agent" run --config "$dir/team.conf" --once 2>"$dir/agent.log" || st=$?
check "pmo-agent run --once" $st

st=0; wait "$notify_pid" || st=$?; notify_pid=
check "pmo-notify" $st
grep -q "time.P1" "$dir/notify.out" || { failed=1; echo "FAIL: pmo-notify did not print the event" >&2; exit 1; }

kill -TERM "$pmod_pid"
st=0; wait "$pmod_pid" || st=$?; pmod_pid=
check "pmod" $st
echo "valgrind: pmod, pmoctl, pmo-agent and pmo-notify clean"
