#!/usr/bin/env bash
# Runs a main class of the benchmarks module on its class path (JMH by default).
#   benchmarks/run.sh [JMH options]                    e.g. ClassifyBenchmark -p photo=/x.jpg
#   MAIN=io.autotag.benchmarks.ModelEvaluation benchmarks/run.sh ROOT benchmarks/quality/evalset.tsv
#   MAIN=io.autotag.benchmarks.ApiBenchmark benchmarks/run.sh 50 200 10          (docs/api.md)
#   MAIN=io.autotag.benchmarks.ApiRejectionBenchmark benchmarks/run.sh 3000     (docs/deploy.md)
#   MAIN=io.autotag.benchmarks.BatchOperationsBenchmark benchmarks/run.sh 400 50 1,2,4,8,16
#                                                                      (docs/backfill.md)
#   MAIN=io.autotag.benchmarks.BufferedPathBenchmark benchmarks/run.sh 200 50 2 10   (README)
#   benchmarks/local-stack.sh                     (LocalStackMeasurement, docs/local.md)
# Build first: ./mvnw -B -q -pl benchmarks -am package -DskipTests
set -euo pipefail
cd "$(dirname "$0")/.."
. .mvn/jdk.sh
java="$JAVA_HOME/bin/java"
cp="benchmarks/target/classes:benchmarks/target/lib/*"
quiet=-Dlogback.configurationFile=benchmarks/logback-quiet.xml
main="${MAIN:-org.openjdk.jmh.Main}"
if [ "$main" = org.openjdk.jmh.Main ]; then
  # JMH's forked JVMs do not inherit -D options: hand them the quiet logging explicitly.
  # jmh.separateClasspathJAR: JMH otherwise forks with the whole expanded class path on the
  # command line (over 6 KB with ~200 jars), and ONNX Runtime 1.29 crashes the JVM (SIGSEGV, exit
  # 139) at start-up when the command line is longer than about 4 KB.
  exec "$java" "$quiet" -Djmh.separateClasspathJAR=true ${JAVA_OPTS:-} -cp "$cp" "$main" \
    -jvmArgsAppend "$quiet" "$@"
fi
exec "$java" "$quiet" ${JAVA_OPTS:-} -cp "$cp" "$main" "$@"
