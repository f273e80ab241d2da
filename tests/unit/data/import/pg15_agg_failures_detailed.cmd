/usr/lib/postgresql/15/bin/pgbench -n -c 4 -j 2 -T 3 -P 1 --progress-timestamp -l --log-prefix=$WORK/txlog --aggregate-interval=1 --failures-detailed --max-tries=3 bench
