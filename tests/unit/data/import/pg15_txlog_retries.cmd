/usr/lib/postgresql/15/bin/pgbench -n -c 4 -j 2 -T 3 -P 1 --progress-timestamp -l --log-prefix=$WORK/txlog --max-tries=2 bench
