#!/usr/bin/env bash
# Example: run a job on a Spark standalone cluster with the cluster jar.
#   mvn -Pcluster -DskipTests package         # builds jobs/target/jepa-jobs-cluster.jar
#   SPARK_HOME=/opt/spark MASTER=spark://master:7077 submit/standalone.example.sh generate conf/paper.conf
# The data root must be a path every executor can reach (HDFS, an object store, or a shared mount):
#   ... generate conf/paper.conf data-root=hdfs:///user/me/jepa
# Paper-scale Table 1 (one Spark task per run; ~150 executor-hours on 2-core executors, docs/performance.md):
#   ... pipeline conf/sweeps/paper-table1.conf data-root=hdfs:///user/me/jepa
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
: "${SPARK_HOME:?set SPARK_HOME to a Spark 3.5 distribution}"
: "${MASTER:?set MASTER, e.g. spark://master:7077}"
job="$1"; shift
exec "$SPARK_HOME/bin/spark-submit" --master "$MASTER" --deploy-mode client \
  --class jepa.jobs.Main \
  --executor-cores "${EXECUTOR_CORES:-2}" --executor-memory "${EXECUTOR_MEMORY:-8g}" --driver-memory "${DRIVER_MEMORY:-6g}" \
  --conf "spark.executorEnv.OMP_NUM_THREADS=1" \
  --conf "spark.executor.extraJavaOptions=-Dorg.bytedeco.javacpp.maxbytes=8G" \
  "$root/jobs/target/jepa-jobs-cluster.jar" "$job" "$@"
