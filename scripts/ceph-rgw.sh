#!/usr/bin/env bash
# A one-host Ceph RADOS Gateway (RGW) on loopback, for ShaleDB's Ceph test tier (docs/ceph-rgw.md).
#
#   scripts/ceph-rgw.sh install        install the Debian packages if missing (root, Debian)
#   scripts/ceph-rgw.sh start [DIR]    start mon + memstore OSD + radosgw in DIR (default: a new
#                                      /tmp/shaledb-ceph.XXXXXX); prints the path of DIR/env
#   scripts/ceph-rgw.sh status DIR     the daemons' state and whether S3 answers
#   scripts/ceph-rgw.sh stop DIR       stop the daemons started in DIR, then remove DIR
#
# Exit codes: 0 done; 1 failed; 2 usage; 3 the Ceph tier cannot run on this machine (not Debian
# with apt, packages missing and not root to install them, or start without the packages), so that
# a caller can skip the tier. Once installed, start/stop/status need no root.
#
# Only the processes whose PIDs start recorded in DIR/pids are ever signalled, and only while their
# command line still names DIR/ceph.conf. Data lives in RAM (memstore) and is gone after stop.
set -euo pipefail

readonly PACKAGES=(ceph-mon ceph-osd radosgw ceph-common curl)
readonly BINARIES=(ceph-mon ceph-osd radosgw radosgw-admin ceph ceph-authtool monmaptool curl python3)
# The same keys as the embedded S3Proxy's (S3TestServer).
readonly ACCESS_KEY=shaledb-test-key
readonly SECRET_KEY=shaledb-test-secret
readonly REGION=us-east-1
readonly BUCKET=shaledb-test
readonly KMS_KEY_ID=shaledb-test-kms
# The OSD keeps every object in RAM up to this many bytes; its RSS grows to about twice what is
# stored. At about 97 % full the OSD blocks writes and deletes (reads still work): start a new cluster.
readonly MEMSTORE_BYTES="${SHALEDB_CEPH_MEMSTORE_BYTES:-$((1024 * 1024 * 1024))}"
readonly TIMEOUT_S="${SHALEDB_CEPH_TIMEOUT_S:-120}"
readonly STOP_GRACE_S=10
readonly MARKER="# written by scripts/ceph-rgw.sh"
readonly DAEMONS=(mon osd rgw)

EXIT_FAILED=1
EXIT_USAGE=2
EXIT_UNSUPPORTED=3

log() { printf 'ceph-rgw: %s\n' "$*" >&2; }
die() {
  log "error: $*"
  exit "$EXIT_FAILED"
}
unsupported() {
  # The one line a caller shows when it skips the tier.
  printf 'ceph-rgw: the Ceph RGW test tier cannot run here: %s\n' "$*" >&2
  exit "$EXIT_UNSUPPORTED"
}
usage() {
  sed -n '2,8p' "$0" | sed 's/^# \{0,1\}//' >&2
  exit "$EXIT_USAGE"
}

# ---------------------------------------------------------------------------------------- install

missing_packages() {
  local p
  for p in "${PACKAGES[@]}"; do
    if [[ "$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)" != "install ok installed" ]]; then
      printf '%s\n' "$p"
    fi
  done
}

cmd_install() {
  if [[ ! -r /etc/debian_version ]] || ! command -v apt-get >/dev/null || ! command -v dpkg-query >/dev/null; then
    unsupported "not a Debian system with apt-get (the tier uses Debian's ceph packages)"
  fi
  local missing
  missing="$(missing_packages)"
  if [[ -z "$missing" ]]; then
    log "packages already installed: $(dpkg-query -W -f='${Package} ${Version}  ' "${PACKAGES[@]}")"
    return 0
  fi
  if [[ "$(id -u)" -ne 0 ]]; then
    unsupported "packages missing ($(echo "$missing" | tr '\n' ' '| sed 's/ $//')) and installing them needs root"
  fi
  local -a to_install
  mapfile -t to_install <<<"$missing"
  log "installing ${to_install[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >&2 || die "apt-get update failed"
  apt-get install -y -qq --no-install-recommends "${to_install[@]}" >&2 \
    || die "apt-get install ${to_install[*]} failed"
  log "installed: $(dpkg-query -W -f='${Package} ${Version}  ' "${PACKAGES[@]}")"
}

# ------------------------------------------------------------------------------------------ start

require_binaries() {
  local b
  for b in "${BINARIES[@]}"; do
    command -v "$b" >/dev/null \
      || unsupported "$b not found; run 'scripts/ceph-rgw.sh install' (root, Debian)"
  done
}

# Prints three distinct loopback ports that are free now, below Linux's ephemeral range so that
# outgoing connections do not take them before the daemons bind.
free_ports() {
  python3 - <<'EOF'
import random, socket
found = []
while len(found) < 3:
    p = random.randint(20000, 32000)
    if p in found:
        continue
    s = socket.socket()
    try:
        s.bind(("127.0.0.1", p))
        found.append(p)
    except OSError:
        pass
    finally:
        s.close()
print(*found)
EOF
}

now_s() { date +%s; }

# The S3 request helper: SigV4-signed with the tier's keys, path-style. Prints the HTTP status.
s3_status() {
  local method=$1 url=$2
  shift 2
  curl -s -o /dev/null -w '%{http_code}' --max-time 10 -X "$method" \
    --aws-sigv4 "aws:amz:${REGION}:s3" --user "${ACCESS_KEY}:${SECRET_KEY}" \
    -H 'x-amz-content-sha256: UNSIGNED-PAYLOAD' "$@" "$url" || true
}

# Starts one daemon in the background in its own session (so a caller's Ctrl-C or process-group
# kill does not reach it), with no terminal and its output in DIR/log, and records its PID.
spawn() {
  local dir=$1 name=$2
  shift 2
  setsid "$@" -c "$dir/ceph.conf" </dev/null >>"$dir/log/$name.out" 2>&1 &
  local pid=$!
  echo "$pid" >"$dir/pids/$name.pid"
}

# Runs the probe after the first three arguments until it succeeds; fails the start if a daemon
# exits or the deadline passes first. Probes silence their own commands: a redirection around a
# function would also swallow the output of fail_start when the INT/TERM trap runs inside it.
wait_until() {
  local dir=$1 deadline=$2 what=$3
  shift 3
  until "$@"; do
    check_alive "$dir" "$what"
    if (($(now_s) >= deadline)); then
      fail_start "$dir" "timed out after ${TIMEOUT_S}s waiting for $what"
    fi
    sleep 0.5
  done
}

check_alive() {
  local dir=$1 what=$2 name pid
  for name in "${DAEMONS[@]}"; do
    [[ -f "$dir/pids/$name.pid" ]] || continue
    pid="$(<"$dir/pids/$name.pid")"
    kill -0 "$pid" 2>/dev/null || fail_start "$dir" "$name (pid $pid) exited while waiting for $what"
  done
}

fail_start() {
  local dir=$1 why=$2 f
  stop_daemons "$dir"
  for f in "$dir"/log/{setup.log,mon.a.log,osd.0.log,rgw.log,*.out}; do
    [[ -s "$f" ]] || continue
    log "---- last lines of $f"
    tail -n 12 "$f" >&2
  done
  log "error: Ceph did not come up: $why; daemons stopped, logs kept in $dir"
  exit "$EXIT_FAILED"
}

write_conf() {
  local dir=$1 fsid=$2 mon_v2=$3 mon_v1=$4 rgw_port=$5
  cat >"$dir/ceph.conf" <<EOF
$MARKER for a throw-away test cluster; see docs/ceph-rgw.md
[global]
fsid = $fsid
mon_host = [v2:127.0.0.1:$mon_v2,v1:127.0.0.1:$mon_v1]
public_addr = 127.0.0.1
cluster_addr = 127.0.0.1
ms_bind_ipv4 = true
ms_bind_ipv6 = false
auth_cluster_required = cephx
auth_service_required = cephx
auth_client_required = cephx
keyring = $dir/keyring
run_dir = $dir/run
admin_socket = $dir/run/\$cluster-\$name.\$pid.asok
log_file = $dir/log/\$name.log
log_to_stderr = false
err_to_stderr = true
crash_dir = $dir/crash
osd_pool_default_size = 1
osd_pool_default_min_size = 1
osd_pool_default_pg_num = 8
osd_pool_default_pgp_num = 8
osd_pool_default_pg_autoscale_mode = off
osd_crush_chooseleaf_type = 0
mon_allow_pool_size_one = true
mon_warn_on_pool_no_redundancy = false

[mon]
mon_data = $dir/mon/\$cluster-\$id
mon_cluster_log_file = $dir/log/cluster.log

[osd]
osd_data = $dir/osd/\$cluster-\$id
osd_objectstore = memstore
memstore_device_bytes = $MEMSTORE_BYTES

[client]
log_file = $dir/log/client.log

[client.rgw.a]
log_file = $dir/log/rgw.log
rgw_data = $dir/rgw
# tcp_nodelay: without it a GET's last small write waits for the client's delayed ACK, about 40 ms
# on a connection the client keeps open (the AWS SDK's GET median was 48 ms on loopback, 7 ms with it).
rgw_frontends = beast endpoint=127.0.0.1:$rgw_port tcp_nodelay=1
# Deleted objects' data is freed by RGW's garbage collector, by default after two hours and
# hourly; a RAM-backed test store wants it back within a minute.
rgw_gc_obj_min_wait = 30
rgw_gc_processor_period = 30
# Server-side encryption for the tier's SSE tests: over plain http on loopback (production RGW
# requires https for it), and SSE-KMS from RGW's built-in "testing" backend with one fixed key,
# never for real data.
rgw_crypt_require_ssl = false
rgw_crypt_s3_kms_backend = testing
rgw_crypt_s3_kms_encryption_keys = $KMS_KEY_ID=JCVbpQ0ATD2GhsN9kkwH7duXvyXUqs+S7sn5WL1Btt4=
EOF
}

write_keyring() {
  local dir=$1 kr=$1/keyring
  ceph-authtool --create-keyring "$kr" --gen-key -n mon. --cap mon 'allow *' >/dev/null
  ceph-authtool "$kr" --gen-key -n client.admin \
    --cap mon 'allow *' --cap osd 'allow *' --cap mds 'allow *' --cap mgr 'allow *' >/dev/null
  ceph-authtool "$kr" --gen-key -n osd.0 \
    --cap mon 'allow profile osd' --cap osd 'allow *' --cap mgr 'allow profile osd' >/dev/null
  ceph-authtool "$kr" --gen-key -n client.rgw.a \
    --cap mon 'allow rw' --cap osd 'allow rwx' --cap mgr 'allow rw' >/dev/null
  chmod 600 "$kr"
}

mon_up() { ceph --connect-timeout 5 mon stat >/dev/null 2>&1; }
osd_up() {
  [[ "$(ceph --connect-timeout 5 osd stat -f json 2>/dev/null \
    | python3 -c 'import json,sys; print(json.load(sys.stdin)["num_up_osds"])' 2>/dev/null)" == 1 ]]
}
s3_ok() { [[ "$(s3_status GET "$1/")" == 200 ]]; }
rgw_listening() { curl -s -o /dev/null --max-time 2 "$1/"; }

cmd_start() {
  require_binaries
  local dir
  if (($# == 0)); then
    dir="$(mktemp -d /tmp/shaledb-ceph.XXXXXX)"
  else
    dir=$1
    if [[ -e "$dir" && -n "$(ls -A "$dir" 2>/dev/null)" ]]; then
      die "$dir exists and is not empty; give a new directory"
    fi
    mkdir -p "$dir"
  fi
  dir="$(cd "$dir" && pwd -P)"
  mkdir -p "$dir"/{log,run,pids,crash,rgw,mon/ceph-a,osd/ceph-0}

  local started deadline fsid mon_v2 mon_v1 rgw_port endpoint osd_uuid
  started=$(now_s)
  deadline=$((started + TIMEOUT_S))
  fsid="$(</proc/sys/kernel/random/uuid)"
  osd_uuid="$(</proc/sys/kernel/random/uuid)"
  read -r mon_v2 mon_v1 rgw_port <<<"$(free_ports)"
  endpoint="http://127.0.0.1:$rgw_port"

  write_conf "$dir" "$fsid" "$mon_v2" "$mon_v1" "$rgw_port"
  export CEPH_CONF="$dir/ceph.conf"
  write_keyring "$dir"
  log "starting in $dir (mon 127.0.0.1:$mon_v2/$mon_v1, S3 $endpoint)"
  # An interrupted start stops what it started; the daemons' own sessions keep Ctrl-C off them.
  trap 'fail_start "$dir" "interrupted"' INT TERM

  monmaptool --create --fsid "$fsid" --addv a "[v2:127.0.0.1:$mon_v2,v1:127.0.0.1:$mon_v1]" \
    "$dir/monmap" >>"$dir/log/setup.log" 2>&1 || fail_start "$dir" "monmaptool failed"
  ceph-mon --mkfs -i a --monmap "$dir/monmap" --keyring "$dir/keyring" >>"$dir/log/setup.log" 2>&1 \
    || fail_start "$dir" "ceph-mon --mkfs failed"
  spawn "$dir" mon ceph-mon -i a -f
  wait_until "$dir" "$deadline" "the monitor to answer" mon_up
  log "monitor up after $(($(now_s) - started))s"

  local osd_id
  osd_id="$(ceph --connect-timeout 10 osd new "$osd_uuid" 2>>"$dir/log/setup.log")" || fail_start "$dir" "ceph osd new failed"
  [[ "$osd_id" == 0 ]] || fail_start "$dir" "expected osd id 0, got '$osd_id'"
  ceph-osd -i 0 --mkfs --osd-uuid "$osd_uuid" >>"$dir/log/setup.log" 2>&1 \
    || fail_start "$dir" "ceph-osd --mkfs failed"
  spawn "$dir" osd ceph-osd -i 0 -f
  wait_until "$dir" "$deadline" "the OSD to be up" osd_up
  log "OSD up after $(($(now_s) - started))s"

  spawn "$dir" rgw radosgw -n client.rgw.a -f
  wait_until "$dir" "$deadline" "radosgw to listen on $endpoint" rgw_listening "$endpoint"
  log "radosgw listening after $(($(now_s) - started))s"
  timeout 60 radosgw-admin -n client.admin user create --uid=shaledb-test --display-name="ShaleDB tests" \
    --access-key="$ACCESS_KEY" --secret="$SECRET_KEY" --max-buckets=100000 >>"$dir/log/setup.log" 2>&1 \
    || fail_start "$dir" "radosgw-admin user create failed"
  wait_until "$dir" "$deadline" "a signed ListBuckets to answer 200" s3_ok "$endpoint"
  local code
  code="$(s3_status PUT "$endpoint/$BUCKET")"
  [[ "$code" == 200 ]] || fail_start "$dir" "creating bucket $BUCKET answered HTTP $code"

  cat >"$dir/env" <<EOF
SHALEDB_S3_ENDPOINT=$endpoint
SHALEDB_S3_REGION=$REGION
SHALEDB_S3_ACCESS_KEY=$ACCESS_KEY
SHALEDB_S3_SECRET_KEY=$SECRET_KEY
SHALEDB_S3_BUCKET=$BUCKET
SHALEDB_S3_PATH_STYLE=true
SHALEDB_S3_KMS_KEY_ID=$KMS_KEY_ID
EOF
  trap - INT TERM
  log "S3 ready at $endpoint after $(($(now_s) - started))s; stop with: $0 stop $dir"
  printf '%s\n' "$dir/env"
}

# ------------------------------------------------------------------------------------ stop/status

# The directory of a cluster this script started, or a failure that touches nothing.
cluster_dir() {
  (($# == 1)) || usage
  local dir=$1
  [[ -d "$dir" ]] || die "$dir is not a directory"
  dir="$(cd "$dir" && pwd -P)"
  [[ -f "$dir/ceph.conf" && "$(head -n 1 "$dir/ceph.conf")" == "$MARKER"* ]] \
    || die "$dir was not made by scripts/ceph-rgw.sh start (no marked ceph.conf); not touching it"
  printf '%s\n' "$dir"
}

# The PID recorded for daemon $2 if that process is alive and still runs on this cluster's config.
live_pid() {
  local dir=$1 name=$2 pid
  [[ -f "$dir/pids/$name.pid" ]] || return 1
  pid="$(<"$dir/pids/$name.pid")"
  [[ "$pid" =~ ^[0-9]+$ ]] || return 1
  kill -0 "$pid" 2>/dev/null || return 1
  # Guards against a recycled PID: spawn passes the config path on every daemon's command line.
  tr '\0' '\n' <"/proc/$pid/cmdline" 2>/dev/null | grep -qxF "$dir/ceph.conf" || return 1
  printf '%s\n' "$pid"
}

# Stops the gateway first, while RADOS can still answer its shutdown, then the OSD and the monitor.
# Each step waits up to STOP_GRACE_S for SIGTERM, then sends SIGKILL: the data is thrown away anyway.
stop_daemons() {
  local dir=$1
  terminate "$dir" rgw
  terminate "$dir" osd mon
}

terminate() {
  local dir=$1 name pid deadline
  shift
  local -a pids=()
  for name in "$@"; do
    if pid="$(live_pid "$dir" "$name")"; then
      kill -TERM "$pid" 2>/dev/null || true
      pids+=("$pid")
    fi
  done
  deadline=$((SECONDS + STOP_GRACE_S))
  for pid in "${pids[@]}"; do
    while kill -0 "$pid" 2>/dev/null && ((SECONDS < deadline)); do sleep 0.1; done
    if kill -0 "$pid" 2>/dev/null; then
      log "pid $pid still running ${STOP_GRACE_S}s after SIGTERM; sending SIGKILL"
      kill -KILL "$pid" 2>/dev/null || true
      while kill -0 "$pid" 2>/dev/null; do sleep 0.1; done
    fi
  done
}

cmd_stop() {
  local dir
  dir="$(cluster_dir "$@")"
  stop_daemons "$dir"
  rm -rf -- "$dir"
  log "stopped and removed $dir"
}

cmd_status() {
  local dir name pid rss endpoint code healthy=0
  dir="$(cluster_dir "$@")"
  for name in "${DAEMONS[@]}"; do
    if pid="$(live_pid "$dir" "$name")"; then
      rss="$(awk '/^VmRSS/ {print $2, $3}' "/proc/$pid/status" 2>/dev/null || echo '?')"
      printf '%-4s running  pid %-8s rss %s\n' "$name" "$pid" "$rss"
    else
      printf '%-4s stopped\n' "$name"
      healthy=1
    fi
  done
  if [[ -f "$dir/env" ]]; then
    endpoint="$(sed -n 's/^SHALEDB_S3_ENDPOINT=//p' "$dir/env")"
    code="$(s3_status GET "$endpoint/")"
    printf 's3   %s  ListBuckets -> HTTP %s\n' "$endpoint" "$code"
    [[ "$code" == 200 ]] || healthy=1
  else
    printf 's3   not ready (no %s)\n' "$dir/env"
    healthy=1
  fi
  return "$healthy"
}

main() {
  (($# >= 1)) || usage
  local cmd=$1
  shift
  case "$cmd" in
    install) (($# == 0)) || usage; cmd_install ;;
    start) (($# <= 1)) || usage; cmd_start "$@" ;;
    stop) cmd_stop "$@" ;;
    status) cmd_status "$@" ;;
    -h | --help | help) usage ;;
    *) usage ;;
  esac
}

main "$@"
