#!/usr/bin/env bash
# run-pgbench.sh - one real PostgreSQL + pgbench run, recorded in the form
# walsim's importers read (docs/importers.md), for validating the model.
#
#   run-pgbench.sh --out DIR [--scale 20] [--clients 4] [--jobs 2] [--time 120]
#                  [--set name=value]... [--aggregate-interval S] [--pgbench-arg ARG]...
#                  [--pg-version 15] [--port 55499] [--user walsimpg] [--keep]
#
# Installs PostgreSQL and pgbench from Debian (postgresql, postgresql-contrib)
# when they are missing and we are root; otherwise exits 77 (skip) with a
# message.  The server runs as an unprivileged user (created when missing),
# from a fresh initdb under /tmp, listening on 127.0.0.1 only with a private
# port and socket directory, so it never meets another server on the machine.
# The procedure follows shared/validation/pg15-pgbench/tools/run_one.sh:
#   initdb; settings (log_checkpoints=on, log_line_prefix='%m [%p] %b ', the
#   --set values); start; pgbench -i -s SCALE; vacuum; CHECKPOINT; reset the
#   shared statistics; snapshot pg_stat_bgwriter / pg_stat_wal (and
#   pg_stat_checkpointer on 17+) with epoch and LSN (psql --csv); pgbench -T
#   with -l (or --aggregate-interval) and -P 1 --progress-timestamp; snapshot
#   again; stop the server (fast: the shutdown checkpoint ends the log).
# DIR receives: server.log, settings.csv, postgresql.auto.txt (the settings
# applied), pgbench_init.txt, pgbench_cmd.txt, pgbench_stdout.txt,
# pgbench_progress.txt, txlog.txt.gz (every thread's log merged and sorted
# by completion time) or aggregate.txt, bgwriter_before.csv,
# bgwriter_after.csv, wal_before.csv, wal_after.csv, [checkpointer_*.csv],
# timeline.txt.  The working directory and the server are removed on exit,
# also on failure or ^C (trap), unless --keep.
set -euo pipefail

OUT="" SCALE=20 CLIENTS=4 JOBS=2 DURATION=120 PGVER=15 PORT=55499 RUNUSER=walsimpg
KEEP=0 AGG=0
SETS=() PGB_ARGS=()

die() { echo "run-pgbench.sh: $*" >&2; exit 1; }
skip() { echo "run-pgbench.sh: SKIP: $*" >&2; exit 77; }

while [ $# -gt 0 ]; do
    case "$1" in
        --out) OUT=$2; shift 2 ;;
        --scale) SCALE=$2; shift 2 ;;
        --clients) CLIENTS=$2; shift 2 ;;
        --jobs) JOBS=$2; shift 2 ;;
        --time) DURATION=$2; shift 2 ;;
        --set) SETS+=("$2"); shift 2 ;;
        --aggregate-interval) AGG=$2; shift 2 ;;
        --pgbench-arg) PGB_ARGS+=("$2"); shift 2 ;;
        --pg-version) PGVER=$2; shift 2 ;;
        --port) PORT=$2; shift 2 ;;
        --user) RUNUSER=$2; shift 2 ;;
        --keep) KEEP=1; shift ;;
        -h|--help) sed -n '2,30p' "$0"; exit 0 ;;
        *) die "unknown option '$1' (see --help)" ;;
    esac
done
[ -n "$OUT" ] || die "--out DIR is required"
for n in "$SCALE" "$CLIENTS" "$JOBS" "$DURATION" "$PORT" "$AGG"; do
    [[ "$n" =~ ^[0-9]+$ ]] || die "'$n' is not a whole number"
done
for s in "${SETS[@]+"${SETS[@]}"}"; do
    [[ "$s" =~ ^[a-z_][a-z0-9_.]*=.+$ ]] || die "--set '$s': expected name=value"
done

BIN=/usr/lib/postgresql/$PGVER/bin
if [ ! -x "$BIN/postgres" ] || [ ! -x "$BIN/pgbench" ]; then
    [ "$(id -u)" = 0 ] || skip "PostgreSQL $PGVER is not installed and we are not root to install it"
    command -v apt-get >/dev/null || skip "PostgreSQL $PGVER is missing and there is no apt-get"
    echo "Installing PostgreSQL (postgresql postgresql-contrib)" >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq && apt-get install -y -qq postgresql postgresql-contrib >&2 ||
        skip "apt-get install postgresql postgresql-contrib failed"
    [ -x "$BIN/postgres" ] || skip "no $BIN/postgres after installing (is the Debian version $PGVER?)"
fi

# The server must not run as root: use (and if needed create) an unprivileged user.
if [ "$(id -u)" = 0 ]; then
    if ! id -u "$RUNUSER" >/dev/null 2>&1; then
        useradd --system --no-create-home --shell /usr/sbin/nologin "$RUNUSER" ||
            die "cannot create user $RUNUSER"
    fi
    AS=(runuser -u "$RUNUSER" --)
else
    AS=()
    RUNUSER=$(id -un)
fi

if (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null; then
    die "port $PORT on 127.0.0.1 is in use: choose another with --port"
fi

mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)
W=$(mktemp -d /tmp/walsim-pgbench.XXXXXX)
chmod 755 "$W"
[ "$(id -u)" = 0 ] && chown "$RUNUSER" "$W"
STARTED=0
cleanup() {
    local rc=$?
    if [ "$STARTED" = 1 ]; then
        "${AS[@]}" "$BIN/pg_ctl" -D "$W/data" -m fast -w -t 60 stop >/dev/null 2>&1 ||
            "${AS[@]}" "$BIN/pg_ctl" -D "$W/data" -m immediate -w stop >/dev/null 2>&1 || true
    fi
    if [ -f "$W/server.log" ]; then
        cp "$W/server.log" "$OUT/server.log" 2>/dev/null && chmod 644 "$OUT/server.log"
    fi
    if [ "$KEEP" = 1 ]; then echo "kept $W" >&2; else rm -rf "$W"; fi
    exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM

ts() { date +%s.%N; }
export PGHOST=$W PGPORT=$PORT PGUSER=postgres
PSQL=(psql -X -v ON_ERROR_STOP=1 -d bench)

echo "init_start $(ts)" > "$OUT/timeline.txt"
"${AS[@]}" "$BIN/initdb" -D "$W/data" -U postgres --auth=trust -E UTF8 --locale=C >"$W/initdb.txt" ||
    die "initdb failed: $(tail -3 "$W/initdb.txt")"
{
    echo "listen_addresses = '127.0.0.1'"
    echo "port = $PORT"
    echo "unix_socket_directories = '$W'"
    echo "logging_collector = off"
    echo "log_line_prefix = '%m [%p] %b '"
    echo "log_timezone = 'UTC'"
    echo "lc_messages = 'C'"
    echo "log_checkpoints = on"
    echo "log_autovacuum_min_duration = 0"
    echo "track_wal_io_timing = on"
    echo "track_io_timing = on"
    for s in "${SETS[@]+"${SETS[@]}"}"; do
        echo "${s%%=*} = '${s#*=}'"
    done
} >"$W/run.conf"
cp "$W/run.conf" "$OUT/postgresql.auto.txt"
echo "include '$W/run.conf'" >>"$W/data/postgresql.conf"

"${AS[@]}" "$BIN/pg_ctl" -D "$W/data" -l "$W/server.log" -w -t 60 start >/dev/null ||
    die "the server did not start: $(tail -5 "$W/server.log")"
STARTED=1

"$BIN/createdb" bench
"$BIN/pgbench" -i -s "$SCALE" bench >"$OUT/pgbench_init.txt" 2>&1 ||
    die "pgbench -i failed: $(tail -3 "$OUT/pgbench_init.txt")"

VERNUM=$("${PSQL[@]}" -Atc "show server_version_num")
snapshot() { # $1 = before|after
    "${PSQL[@]}" --csv -c "select extract(epoch from clock_timestamp())::numeric(20,3) epoch, pg_current_wal_lsn() lsn, * from pg_stat_bgwriter" >"$OUT/bgwriter_$1.csv"
    if [ "$VERNUM" -ge 140000 ]; then
        "${PSQL[@]}" --csv -c "select extract(epoch from clock_timestamp())::numeric(20,3) epoch, pg_current_wal_lsn() lsn, * from pg_stat_wal" >"$OUT/wal_$1.csv"
    fi
    if [ "$VERNUM" -ge 170000 ]; then
        "${PSQL[@]}" --csv -c "select extract(epoch from clock_timestamp())::numeric(20,3) epoch, pg_current_wal_lsn() lsn, * from pg_stat_checkpointer" >"$OUT/checkpointer_$1.csv"
    fi
}

echo "prep_start $(ts)" >>"$OUT/timeline.txt"
"${PSQL[@]}" -q -c "vacuum analyze" -c "checkpoint" >/dev/null
RESET="select pg_stat_reset_shared('bgwriter')"
[ "$VERNUM" -ge 140000 ] && RESET="$RESET, pg_stat_reset_shared('wal')"
[ "$VERNUM" -ge 170000 ] && RESET="$RESET, pg_stat_reset_shared('checkpointer')"
"${PSQL[@]}" -q -c "$RESET" >/dev/null
sleep 1
"${PSQL[@]}" --csv -c "select name, setting, unit, source from pg_settings where name in ('shared_buffers','checkpoint_timeout','max_wal_size','min_wal_size','checkpoint_completion_target','checkpoint_warning','wal_compression','wal_buffers','full_page_writes','synchronous_commit','wal_sync_method','checkpoint_flush_after','bgwriter_flush_after','backend_flush_after','wal_writer_delay','wal_writer_flush_after','bgwriter_delay','bgwriter_lru_maxpages','bgwriter_lru_multiplier','autovacuum','data_checksums','wal_level','wal_segment_size','block_size','track_wal_io_timing','track_io_timing','log_checkpoints','log_line_prefix','huge_pages','server_version','wal_init_zero','wal_recycle','commit_delay','fsync') order by name" >"$OUT/settings.csv"
snapshot before

LOGARGS=(-l "--log-prefix=$W/txlog")
[ "$AGG" -gt 0 ] && LOGARGS+=("--aggregate-interval=$AGG")
CMD=("$BIN/pgbench" -n -c "$CLIENTS" -j "$JOBS" -T "$DURATION" -P 1 --progress-timestamp
     "${LOGARGS[@]}" "${PGB_ARGS[@]+"${PGB_ARGS[@]}"}" bench)
echo "${CMD[*]}" | sed "s|$W|\$WORK|g" >"$OUT/pgbench_cmd.txt"
echo "pgbench_start $(ts)" >>"$OUT/timeline.txt"
(cd "$W" && "${CMD[@]}") >"$OUT/pgbench_stdout.txt" 2>"$OUT/pgbench_progress.txt" ||
    die "pgbench failed: $(tail -3 "$OUT/pgbench_progress.txt")"
echo "pgbench_end $(ts)" >>"$OUT/timeline.txt"
snapshot after

# One file for all threads, in completion order (epoch, then microseconds),
# as in the shared dataset's txlog_all.
shopt -s nullglob
LOGS=("$W"/txlog.*)
[ ${#LOGS[@]} -gt 0 ] || die "pgbench wrote no log"
if [ "$AGG" -gt 0 ]; then
    sort -s -n -k1,1 "${LOGS[@]}" >"$OUT/aggregate.txt"
else
    sort -s -n -k5,5 -k6,6 "${LOGS[@]}" | gzip -9n >"$OUT/txlog.txt.gz"
fi

"${AS[@]}" "$BIN/pg_ctl" -D "$W/data" -m fast -w -t 120 stop >/dev/null
STARTED=0
echo "stopped $(ts)" >>"$OUT/timeline.txt"
echo "run-pgbench.sh: wrote $OUT" >&2
