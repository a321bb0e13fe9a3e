#!/usr/bin/env bash
# Buffered-path benchmark (see BufferedPathBenchmark): objects, provider latency (ms), pollers
# (concurrent invocations), records processed at once per invocation.
#   functions/tagger/benchmark.sh 200 50 2 10
set -euo pipefail
cd "$(dirname "$0")"
export JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
../../mvnw -q -B -f ../../pom.xml -pl functions/tagger -am test-compile -Dspotless.check.skip=true
../../mvnw -q -B dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/bench.classpath
exec "$JAVA_HOME/bin/java" -Dorg.slf4j.simpleLogger.defaultLogLevel=warn -Dlogback.configurationFile=bench-logback.xml \
  -cp "target/test-classes:target/classes:$(cat target/bench.classpath)" \
  io.autotag.tagger.BufferedPathBenchmark "$@"
