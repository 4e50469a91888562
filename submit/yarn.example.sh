#!/usr/bin/env bash
# Example: run a job on YARN (client mode, so `sql` prints here) with the cluster jar.
#   mvn -Pcluster -DskipTests package
#   SPARK_HOME=/opt/spark HADOOP_CONF_DIR=/etc/hadoop/conf submit/yarn.example.sh generate conf/paper.conf data-root=hdfs:///user/me/jepa
# CONF files are read by the driver, so in client mode a local path works.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
: "${SPARK_HOME:?set SPARK_HOME to a Spark 3.5 distribution}"
job="$1"; shift
exec "$SPARK_HOME/bin/spark-submit" --master yarn --deploy-mode client \
  --class jepa.jobs.Main \
  --num-executors "${NUM_EXECUTORS:-8}" --executor-cores "${EXECUTOR_CORES:-2}" --executor-memory "${EXECUTOR_MEMORY:-8g}" \
  --conf "spark.executor.memoryOverhead=${EXECUTOR_OVERHEAD:-6g}" \
  --conf "spark.executorEnv.OMP_NUM_THREADS=1" \
  "$root/jobs/target/jepa-jobs-cluster.jar" "$job" "$@"
