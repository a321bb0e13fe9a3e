#!/usr/bin/env bash
# Buffered-path benchmark (see BufferedPathBenchmark): objects, provider latency (ms), pollers
# (concurrent invocations), records processed at once per invocation.
#   functions/tagger/benchmark.sh 200 50 2 10
set -euo pipefail
cd "$(dirname "$0")"
. ../../.mvn/jdk.sh
# Install shared (and its test-jar, which holds the emulators and the fake provider) so the
# classpath below points at this checkout's code.
../../mvnw -q -B -f ../../pom.xml install -pl functions/tagger -am -DskipTests -Dspotless.check.skip=true
../../mvnw -q -B dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/bench.classpath
main=io.autotag.tagger.BufferedPathBenchmark
# The classpath goes in an argument file: ONNX Runtime 1.29 crashes (SIGSEGV, no hs_err) while it
# initialises in a JVM whose command line is longer than about 4 KB, which 160 jars on -cp are.
echo "-cp target/test-classes:target/classes:$(cat target/bench.classpath)" >target/bench.args
exec "$JAVA_HOME/bin/java" -Dlogback.configurationFile=bench-logback.xml @target/bench.args \
  "$main" "$@"
