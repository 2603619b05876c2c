#!/usr/bin/env bash
# The Ceph RGW test tier (docs/testing.md): the S3 store contract, the engine end to end and kill -9
# cycles against a real Ceph RADOS Gateway on loopback.
#
#   scripts/rgw-tier.sh
#
# Installs Ceph's Debian packages if missing (scripts/ceph-rgw.sh install), starts a throw-away
# one-host RGW, runs the tier's tests with `mvn -Prgw` against it, always stops it, and prints a
# summary: each test class's counts, every failing test with its error, and the time each step
# took. Exit codes: 0 the tier passed, or it cannot run on this machine (ceph-rgw.sh exit 3: one line
# says why) and CI is not "true"; 1 a test failed, Ceph failed, or the tier could not run in CI,
# where it is never skipped.
set -euo pipefail
cd "$(dirname "$0")/.."

readonly MODULES=object-store/s3,engine,chaos-tests
readonly TESTS=RgwObjectStoreContractTest,RgwSseCContractTest,RgwEncryptionTest,DbRgwTest,KillNineTest#acknowledgedWritesSurviveKillNineOnRgw
# module:class of every test class of the tier, to find their reports.
readonly REPORTS=(
  object-store/s3:dev.shaledb.objectstore.s3.RgwObjectStoreContractTest
  object-store/s3:dev.shaledb.objectstore.s3.RgwSseCContractTest
  object-store/s3:dev.shaledb.objectstore.s3.RgwEncryptionTest
  engine:dev.shaledb.DbRgwTest
  chaos-tests:dev.shaledb.chaos.KillNineTest
)
readonly UNSUPPORTED=3

log() { printf 'rgw-tier: %s\n' "$*" >&2; }

# ceph-rgw.sh said (exit 3, reason on its last stderr line) that the tier cannot run here: outside
# CI that skips the tier, in one line.
cannot_run_here() {
  local why=${1#ceph-rgw: the Ceph RGW test tier cannot run here: }
  if [[ "${CI:-}" == true ]]; then
    log "error: the Ceph RGW tier cannot run here ($why), and with CI=true it is never skipped"
    exit 1
  fi
  log "SKIPPED: the Ceph RGW tier cannot run here: $why"
  exit 0
}

step_started=$SECONDS
times=()
step_done() {
  times+=("$1 $((SECONDS - step_started))s")
  step_started=$SECONDS
}
tier_started=$SECONDS

# Its output is shown after it ends, so that a skip is one line.
install_log="$(mktemp)"
rc=0
scripts/ceph-rgw.sh install 2>"$install_log" || rc=$?
if ((rc == UNSUPPORTED)); then
  why="$(tail -n 1 "$install_log")"
  rm -f "$install_log"
  cannot_run_here "$why"
fi
cat "$install_log" >&2
rm -f "$install_log"
((rc == 0)) || { log "error: installing Ceph failed (exit $rc)"; exit 1; }
step_done install

dir="$(mktemp -d /tmp/shaledb-rgw-tier.XXXXXX)"
rc=0
env_file="$(scripts/ceph-rgw.sh start "$dir")" || rc=$?
if ((rc != 0)); then
  # start stopped what it started and kept its logs in $dir.
  ((rc != UNSUPPORTED)) || { rmdir "$dir" 2>/dev/null || true; cannot_run_here "see above"; }
  log "error: starting Ceph RGW failed (exit $rc); logs in $dir"
  exit 1
fi
stop_ceph() {
  local started=$SECONDS
  scripts/ceph-rgw.sh stop "$dir" || log "error: stopping Ceph in $dir failed"
  times+=("stop $((SECONDS - started))s")
  log "times: ${times[*]}; total $((SECONDS - tier_started))s"
}
trap stop_ceph EXIT
trap 'exit 130' INT TERM
step_done start

set -a
# shellcheck disable=SC1090
. "$env_file"
set +a

for entry in "${REPORTS[@]}"; do
  rm -f "${entry%%:*}/target/surefire-reports/TEST-${entry#*:}.xml"
done
# Every module's tests run even when an earlier module's fail (the summary below judges them);
# shaledb.s3.required turns a missing endpoint into a failure instead of a silent skip.
rc=0
mvn -B -ntp verify -Prgw -pl "$MODULES" -am "-Dtest=$TESTS" -Dsurefire.failIfNoSpecifiedTests=false \
  -Dmaven.test.failure.ignore=true -Dshaledb.s3.required=true || rc=$?
step_done tests
if ((rc != 0)); then
  log "error: the Maven build failed (exit $rc) before it could report the tests"
fi

# The summary: per class tests/failures/errors/skipped, then each failing test and its error. Maven
# may leave its last line unterminated.
echo
python3 - "${REPORTS[@]}" <<'EOF' || rc=1
import sys, xml.etree.ElementTree as ET
bad = False
failing = []
for entry in sys.argv[1:]:
    module, cls = entry.split(":", 1)
    path = f"{module}/target/surefire-reports/TEST-{cls}.xml"
    try:
        suite = ET.parse(path).getroot()
    except (OSError, ET.ParseError):
        print(f"rgw-tier: {cls}: no report ({path})", file=sys.stderr)
        bad = True
        continue
    counts = {k: int(suite.get(k, "0")) for k in ("tests", "failures", "errors", "skipped")}
    run = counts["tests"] - counts["skipped"]
    print(f"rgw-tier: {cls.rsplit('.', 1)[1]}: {counts['tests']} tests, {counts['failures']} failed,"
          f" {counts['errors']} errors, {counts['skipped']} skipped", file=sys.stderr)
    if counts["failures"] or counts["errors"] or run == 0:
        bad = True
    for case in suite.iter("testcase"):
        for kind in ("failure", "error"):
            for e in case.findall(kind):
                lines = [l.strip() for l in (e.get("message") or e.text or "").splitlines()]
                said = " | ".join([l for l in lines if l][:4])
                said = said if len(said) <= 400 else said[:400] + " ..."
                failing.append(f"{cls.rsplit('.', 1)[1]}.{case.get('name')}: {e.get('type', kind)}: {said}")
for f in failing:
    print(f"rgw-tier:   FAILED {f}", file=sys.stderr)
sys.exit(1 if bad else 0)
EOF
if ((rc != 0)); then
  log "the Ceph RGW tier FAILED"
  exit 1
fi
log "the Ceph RGW tier passed"
