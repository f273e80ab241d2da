/*
 * bench_model.c - speed of the whole model on the reference case:
 * a pgbench-like load at 5,000 transactions per second (open loop) with
 * 16 GB of shared_buffers, one simulated hour.  Prints simulated seconds
 * per wall second, events per second and peak RSS.
 * Usage: bench_model [simulated-seconds [scale [sampling]]]
 *        (defaults 3600, 1000, 1: every page; docs/engine.md)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "walsim/run.h"
#include "walsim/scenario.h"

int main(int argc, char **argv)
{
    int seconds = argc > 1 ? atoi(argv[1]) : 3600;
    int scale = argc > 2 ? atoi(argv[2]) : 1000;
    const char *sampling = argc > 3 ? argv[3] : "1";
    char text[1024];
    snprintf(text, sizeof text,
             "[scenario]\nduration = %ds\npg_version = 15\nsampling = %s\n"
             "[workload]\nprofile = pgbench\nscale = %d\nrate = 5000/s\n"
             "[postgres]\nshared_buffers = 16GB\nmax_wal_size = 16GB\ncheckpoint_timeout = 15min\n"
             "[os]\nram = 64GB\ncpus = 16\n[disk]\npreset = nvme-enterprise\n",
             seconds, sampling, scale);
    ws_scenario *s;
    ws_diag err;
    if (ws_scenario_load_string(text, strlen(text), "bench", &s, &err) != WS_OK) {
        fprintf(stderr, "%s\n", err.msg);
        return 1;
    }
    ws_config *c;
    if (ws_config_resolve(s, 0, &c, &err) != WS_OK) {
        fprintf(stderr, "%s\n", err.msg);
        return 1;
    }
    ws_run_stats st;
    if (ws_run(c, NULL, NULL, NULL, &st, &err) != WS_OK) {
        fprintf(stderr, "%s\n", err.msg);
        return 1;
    }
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    double cpu = (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6 +
                 (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec / 1e6;
    printf("pgbench-like, 5000 tx/s, shared_buffers 16GB, scale %d, %d simulated s, sampling %s (1 in %u)\n",
           scale, seconds, sampling, st.sample_k);
    printf("  transactions      %llu (%.0f tps)\n", (unsigned long long)st.transactions, st.tps);
    printf("  wall time         %.2f s (CPU %.2f s: on a busy machine, read the CPU figure)\n",
           st.wall_s, cpu);
    printf("  simulated s/wall s %.0f  (one simulated hour in %.1f s)\n", seconds / st.wall_s,
           3600 / (seconds / st.wall_s));
    printf("  events            %llu (%.2f M events/s)\n", (unsigned long long)st.events,
           (double)st.events / st.wall_s / 1e6);
    printf("  checkpoints       %llu timed, %llu requested\n", (unsigned long long)st.ckpt_timed,
           (unsigned long long)st.ckpt_req);
    printf("  peak RSS          %.0f MB\n", (double)ru.ru_maxrss / 1024);
    printf("  goal: one simulated hour in under 10 s: %s\n",
           3600 / (seconds / st.wall_s) < 10 ? "met" : "NOT met");
    ws_config_free(c);
    ws_scenario_free(s);
    return 0;
}
