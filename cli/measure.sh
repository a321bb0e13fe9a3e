#!/usr/bin/env bash
# Measures the local stack: command to ready, upload-to-tagged latency (100 uploads), backfill
# objects/s, each next to a baseline from the same run. Figures go to docs/local.md by hand.
set -euo pipefail
cd "$(dirname "$0")"
. ../.mvn/jdk.sh
(cd .. && ./mvnw -q -B -DskipTests -Dspotless.check.skip=true install -pl cli -am)
../mvnw -q -B dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/test.classpath
# The runtime jars as the tool itself runs them (target/lib), then only the test-scope extras.
# (With every jar taken from ~/.m2 in Maven's order, ONNX Runtime crashed the JVM here; the same
# jars in target/lib's order do not. Not understood yet, see docs/local.md.)
extra=$(tr ':' '\n' < target/test.classpath | grep -E 'junit|opentest|apiguardian|assertj|byte-buddy|tests\.jar' | paste -sd:)
exec "$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED \
  -Dlogback.configurationFile=autotag-cli-logback.xml \
  -cp "target/test-classes:target/classes:target/lib/*:$extra" \
  io.autotag.cli.LocalStackMeasurement
