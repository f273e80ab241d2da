#!/usr/bin/env bash
# run-pgbench.sh - one real PostgreSQL + pgbench run, recorded in the form
# walsim's importers read (docs/importers.md), for validating the model.
#
#   run-pgbench.sh --out DIR [--scale 20] [--clients 4] [--jobs 2] [--time 120]
#                  [--set name=value]... [--aggregate-interval S] [--pgbench-arg ARG]...
#                  [--pg-version 15] [--port 55499] [--user walsimpg] [--keep]
#                  [--snapshot DIR] [--samplers] [--db-interval 0.1] [--waldump]
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
# timeline.txt.
# --snapshot DIR: the initialised cluster (after pgbench -i, vacuum and a
#   checkpoint) is kept in DIR/data and every later run with the same DIR
#   starts from a copy of it, as the shared harness does; the prep then
#   truncates pgbench_history and vacuums branches and tellers.  DIR/scale
#   must match --scale.
# --samplers: sys_samples.csv (1 s: dirty and writeback memory, the data
#   device's diskstats, /proc/stat, CPU ticks per kind of server process and
#   pgbench) and db_samples.csv (every --db-interval seconds: LSN,
#   pg_stat_wal, pg_stat_bgwriter, backends waiting on locks / LWLocks / I/O)
#   by tests/validation/sampler.py, for the run and 15 s after.
# --waldump: pg_waldump --stats=record follows the run's WAL
#   (waldump_stats.txt), as in the shared harness.
# The working directory and the server are removed on exit,
# also on failure or ^C (trap), unless --keep.
set -euo pipefail

OUT="" SCALE=20 CLIENTS=4 JOBS=2 DURATION=120 PGVER=15 PORT=55499 RUNUSER=walsimpg
KEEP=0 AGG=0 SNAP="" SAMPLERS=0 DBINT=0.1 WALDUMP=0
HERE=$(cd "$(dirname "$0")" && pwd)
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
        --snapshot) SNAP=$2; shift 2 ;;
        --samplers) SAMPLERS=1; shift ;;
        --db-interval) DBINT=$2; shift 2 ;;
        --waldump) WALDUMP=1; shift ;;
        -h|--help) sed -n '2,30p' "$0"; exit 0 ;;
        *) die "unknown option '$1' (see --help)" ;;
    esac
done
[ -n "$OUT" ] || die "--out DIR is required"
for n in "$SCALE" "$CLIENTS" "$JOBS" "$DURATION" "$PORT" "$AGG"; do
    [[ "$n" =~ ^[0-9]+$ ]] || die "'$n' is not a whole number"
done
[[ "$DBINT" =~ ^[0-9]*\.?[0-9]+$ ]] || die "--db-interval '$DBINT' is not a number of seconds"
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
if [ -n "$SNAP" ] && [ -d "$SNAP/data" ]; then
    [ "$(cat "$SNAP/scale" 2>/dev/null)" = "$SCALE" ] || die "snapshot $SNAP is not of scale $SCALE"
    cp -a "$SNAP/data" "$W/data"
    cp "$SNAP/pgbench_init.txt" "$OUT/pgbench_init.txt"
    sed -i '/^include /d' "$W/data/postgresql.conf"
    FROMSNAP=1
else
    "${AS[@]}" "$BIN/initdb" -D "$W/data" -U postgres --auth=trust -E UTF8 --locale=C >"$W/initdb.txt" ||
        die "initdb failed: $(tail -3 "$W/initdb.txt")"
    FROMSNAP=0
fi
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
[ "$(id -u)" = 0 ] && chown "$RUNUSER" "$W/run.conf"
cp "$W/run.conf" "$OUT/postgresql.auto.txt"
echo "include '$W/run.conf'" >>"$W/data/postgresql.conf"

"${AS[@]}" "$BIN/pg_ctl" -D "$W/data" -l "$W/server.log" -w -t 60 start >/dev/null ||
    die "the server did not start: $(tail -5 "$W/server.log")"
STARTED=1

if [ "$FROMSNAP" = 0 ]; then
    "$BIN/createdb" bench
    "$BIN/pgbench" -i -s "$SCALE" bench >"$OUT/pgbench_init.txt" 2>&1 ||
        die "pgbench -i failed: $(tail -3 "$OUT/pgbench_init.txt")"
    if [ -n "$SNAP" ]; then
        psql -X -q -d bench -c "vacuum analyze" -c "checkpoint" >/dev/null
        "${AS[@]}" "$BIN/pg_ctl" -D "$W/data" -m fast -w -t 120 stop >/dev/null
        STARTED=0
        mkdir -p "$SNAP"
        rm -rf "$SNAP/data"
        cp -a "$W/data" "$SNAP/data"
        sed -i '/^include /d' "$SNAP/data/postgresql.conf"
        cp "$OUT/pgbench_init.txt" "$SNAP/pgbench_init.txt"
        echo "$SCALE" >"$SNAP/scale"
        : >"$W/server.log"
        "${AS[@]}" "$BIN/pg_ctl" -D "$W/data" -l "$W/server.log" -w -t 60 start >/dev/null ||
            die "the server did not restart: $(tail -5 "$W/server.log")"
        STARTED=1
    fi
fi

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
if [ -n "$SNAP" ]; then
    "${PSQL[@]}" -q -c "vacuum pgbench_branches" -c "vacuum pgbench_tellers" \
        -c "truncate pgbench_history" -c "checkpoint" >/dev/null
else
    "${PSQL[@]}" -q -c "vacuum analyze" -c "checkpoint" >/dev/null
fi
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
SPIDS=()
if [ "$SAMPLERS" = 1 ]; then
    DEV=$(basename "$(df --output=source "$W" | tail -1)")
    python3 "$HERE/sampler.py" sys "$OUT/sys_samples.csv" $((DURATION + 15)) "$DEV" \
        "$(id -u "$RUNUSER")" & SPIDS+=($!)
    python3 "$HERE/sampler.py" db "$OUT/db_samples.csv" $((DURATION + 15)) "$DBINT" \
        "${PSQL[@]:1}" & SPIDS+=($!)
    sleep 2
fi
echo "pgbench_start $(ts)" >>"$OUT/timeline.txt"
(cd "$W" && "${CMD[@]}") >"$OUT/pgbench_stdout.txt" 2>"$OUT/pgbench_progress.txt" & PB=$!
WD=""
if [ "$WALDUMP" = 1 ]; then
    sleep 2
    LSN0=$(tail -1 "$OUT/wal_before.csv" | cut -d, -f2)
    "$BIN/pg_waldump" -p "$W/data/pg_wal" -s "$LSN0" -f --stats=record >"$OUT/waldump_stats.txt" 2>&1 & WD=$!
fi
wait $PB || die "pgbench failed: $(tail -3 "$OUT/pgbench_progress.txt")"
echo "pgbench_end $(ts)" >>"$OUT/timeline.txt"
snapshot after
if [ -n "$WD" ]; then sleep 3; kill -INT "$WD"; wait "$WD" || true; fi
"${PSQL[@]}" --csv -c "select relname, n_tup_upd, n_tup_hot_upd, n_dead_tup, autovacuum_count, pg_relation_size(relid) from pg_stat_user_tables order by relname" >"$OUT/tables_after.csv"
for p in "${SPIDS[@]+"${SPIDS[@]}"}"; do wait "$p" || true; done

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
