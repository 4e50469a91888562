#!/usr/bin/env bash
# Example: run a job on Kubernetes. The image must hold Spark 3.5.7 (Java 17) and the cluster jar at /opt/jepa/
# (e.g. FROM apache/spark:3.5.7-java17, COPY jobs/target/jepa-jobs-cluster.jar and conf/ to /opt/jepa/).
#   K8S_API=https://k8s-api:6443 IMAGE=registry/jepa-spark:0.1 submit/kubernetes.example.sh generate /opt/jepa/conf/paper.conf data-root=s3a://bucket/jepa
# ND4J needs off-heap memory beyond the heap: keep memoryOverhead generous.
set -euo pipefail
: "${SPARK_HOME:?set SPARK_HOME to a Spark 3.5 distribution}"
: "${K8S_API:?set K8S_API}"; : "${IMAGE:?set IMAGE}"
job="$1"; shift
exec "$SPARK_HOME/bin/spark-submit" --master "k8s://$K8S_API" --deploy-mode cluster \
  --name "jepa-$job" --class jepa.jobs.Main \
  --conf "spark.kubernetes.container.image=$IMAGE" \
  --conf "spark.executor.instances=${NUM_EXECUTORS:-8}" --conf "spark.executor.cores=${EXECUTOR_CORES:-2}" \
  --conf "spark.executor.memory=${EXECUTOR_MEMORY:-8g}" --conf "spark.executor.memoryOverhead=${EXECUTOR_OVERHEAD:-6g}" \
  --conf "spark.executorEnv.OMP_NUM_THREADS=1" \
  "local:///opt/jepa/jepa-jobs-cluster.jar" "$job" "$@"
