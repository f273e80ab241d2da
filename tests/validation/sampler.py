#!/usr/bin/env python3
"""sampler.py - samplers for run-pgbench.sh --samplers.

  sampler.py sys OUT SECONDS DEVICE SERVER_UID
      once a second: /proc/meminfo Dirty and Writeback, /proc/diskstats of
      DEVICE, the /proc/stat cpu line, and CPU ticks (user+system, USER_HZ)
      per kind of process: the server's processes by their title (client
      backends, checkpointer, background writer, walwriter, autovacuum, the
      rest of the server), pgbench, and everything else.  Same first columns
      as shared/validation/pg15-pgbench's sys_samples.csv.

  sampler.py db OUT SECONDS INTERVAL PSQL_ARGS...
      every INTERVAL seconds, over one persistent psql session: the WAL
      position, pg_stat_wal and pg_stat_bgwriter counters (the columns of the
      shared db_samples.csv), plus how many client backends wait on a lock,
      an LWLock, I/O, or run (pg_stat_activity).  pg_stat_bgwriter's
      buffers_checkpoint is published by the checkpointer each time it naps
      (CheckpointWriteDelay), so at 0.1 s it gives the checkpoint's write
      curve at the nap's resolution.
"""
import os
import subprocess
import sys
import time

KINDS = ('backend', 'checkpointer', 'bgwriter', 'walwriter', 'autovacuum', 'server_other',
         'pgbench', 'other')


def kind_of(uid, server_uid, comm, title):
    if uid == server_uid:
        if 'checkpointer' in title:
            return 'checkpointer'
        if 'background writer' in title:
            return 'bgwriter'
        if 'walwriter' in title:
            return 'walwriter'
        if 'autovacuum' in title:
            return 'autovacuum'
        if title.startswith('postgres: ') and ('[local]' in title or '127.0.0.1' in title):
            return 'backend'
        return 'server_other'
    if comm == 'pgbench':
        return 'pgbench'
    return 'other'


def scan(server_uid, me):
    """pid -> (kind, ticks); a pid's kind is decided from its title each time."""
    out = {}
    for d in os.listdir('/proc'):
        if not d.isdigit() or int(d) == me:
            continue
        try:
            uid = os.stat('/proc/' + d).st_uid
            with open('/proc/%s/stat' % d) as f:
                s = f.read()
            comm = s[s.index('(') + 1:s.rindex(')')]
            r = s.rsplit(')', 1)[1].split()
            ticks = int(r[11]) + int(r[12])
            title = ''
            if uid == server_uid:
                with open('/proc/%s/cmdline' % d, 'rb') as f:
                    title = f.read().replace(b'\0', b' ').decode('utf-8', 'replace').strip()
            out[int(d)] = (kind_of(uid, server_uid, comm, title), ticks)
        except (OSError, ValueError, IndexError):
            continue
    return out


def sys_main(out, dur, dev, server_uid):
    t_end = time.time() + dur
    prev = scan(server_uid, os.getpid())
    with open(out, 'w') as f:
        f.write('epoch,dirty_kb,writeback_kb,rd_ios,rd_sectors,rd_ms,wr_ios,wr_merges,wr_sectors,'
                'wr_ms,inflight,io_ms,weighted_io_ms,flush_ios,flush_ms,cpu_user,cpu_nice,cpu_sys,'
                'cpu_idle,cpu_iowait,cpu_irq,cpu_softirq,cpu_steal,'
                + ','.join('ticks_' + k for k in KINDS) + '\n')
        nxt = time.time()
        while time.time() <= t_end:
            now = time.time()
            mem = {}
            with open('/proc/meminfo') as m:
                for line in m:
                    k, v = line.split(':', 1)
                    if k in ('Dirty', 'Writeback'):
                        mem[k] = v.split()[0]
            ds = None
            with open('/proc/diskstats') as d:
                for line in d:
                    p = line.split()
                    if p[2] == dev:
                        ds = p
                        break
            if ds is None:
                ds = ['0'] * 20
            fl = (ds[18], ds[19]) if len(ds) >= 20 else ('', '')
            with open('/proc/stat') as s:
                cpu = s.readline().split()[1:9]
            cur = scan(server_uid, os.getpid())
            agg = dict.fromkeys(KINDS, 0)
            for pid, (kind, ticks) in cur.items():
                p0 = prev.get(pid)
                agg[kind] += max(ticks - p0[1], 0) if p0 else ticks
            prev = cur
            row = ['%.3f' % now, mem.get('Dirty', ''), mem.get('Writeback', '')] + [ds[3]] + ds[5:14] + \
                list(fl) + cpu + [str(agg[k]) for k in KINDS]
            f.write(','.join(row) + '\n')
            f.flush()
            nxt += 1.0
            if nxt > time.time():
                time.sleep(nxt - time.time())


DB_QUERY = (
    "select extract(epoch from clock_timestamp())::numeric(20,3), pg_current_wal_lsn(), "
    "pg_wal_lsn_diff(pg_current_wal_lsn(),'0/0')::bigint, "
    "w.wal_records, w.wal_fpi, w.wal_bytes, w.wal_buffers_full, w.wal_write, w.wal_sync, "
    "w.wal_write_time, w.wal_sync_time, b.checkpoints_timed, b.checkpoints_req, "
    "b.checkpoint_write_time, b.checkpoint_sync_time, b.buffers_checkpoint, b.buffers_clean, "
    "b.maxwritten_clean, b.buffers_backend, b.buffers_backend_fsync, b.buffers_alloc, "
    "a.lock, a.lwlock, a.io, a.running "
    "from pg_stat_wal w, pg_stat_bgwriter b, (select "
    "count(*) filter (where wait_event_type = 'Lock') lock, "
    "count(*) filter (where wait_event_type = 'LWLock') lwlock, "
    "count(*) filter (where wait_event_type = 'IO') io, "
    "count(*) filter (where state = 'active' and wait_event_type is null) running "
    "from pg_stat_activity where backend_type = 'client backend' and pid <> pg_backend_pid()) a;\n"
    "\\echo __END__\n")


def db_main(out, dur, interval, psql_args):
    p = subprocess.Popen(['psql', '-X', '-q', '-At', '-F', ','] + psql_args,
                         stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, bufsize=1)
    t_end = time.time() + dur
    with open(out, 'w') as f:
        f.write('epoch,lsn,lsn_bytes,wal_records,wal_fpi,wal_bytes,wal_buffers_full,wal_write,'
                'wal_sync,wal_write_time_ms,wal_sync_time_ms,checkpoints_timed,checkpoints_req,'
                'checkpoint_write_time_ms,checkpoint_sync_time_ms,buffers_checkpoint,buffers_clean,'
                'maxwritten_clean,buffers_backend,buffers_backend_fsync,buffers_alloc,'
                'wait_lock,wait_lwlock,wait_io,running\n')
        nxt = time.time()
        while time.time() <= t_end:
            p.stdin.write(DB_QUERY)
            p.stdin.flush()
            while True:
                line = p.stdout.readline()
                if not line or line.strip() == '__END__':
                    break
                f.write(line)
            if not line:
                break
            nxt += interval
            if nxt > time.time():
                time.sleep(nxt - time.time())
    p.stdin.close()
    p.wait()


def main():
    if len(sys.argv) >= 6 and sys.argv[1] == 'sys':
        sys_main(sys.argv[2], float(sys.argv[3]), sys.argv[4], int(sys.argv[5]))
    elif len(sys.argv) >= 5 and sys.argv[1] == 'db':
        db_main(sys.argv[2], float(sys.argv[3]), float(sys.argv[4]), sys.argv[5:])
    else:
        sys.stderr.write(__doc__)
        sys.exit(2)


if __name__ == '__main__':
    main()
