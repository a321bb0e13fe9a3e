#!/usr/bin/env bash
# The tagger in buffered mode under S3 faults (see S3FaultScenario): duplicate review messages and
# where every object ended, for issue 9's two scenarios (the first 3 tag writes of each of 5 objects
# fail; a share of all S3 requests fails at random over N object versions).
#   functions/tagger/faults.sh [objects=180] [share=0.3] [seed=9]
set -euo pipefail
cd "$(dirname "$0")"
. ../../.mvn/jdk.sh
../../mvnw -q -B -f ../../pom.xml install -pl functions/tagger -am -DskipTests -Dspotless.check.skip=true
../../mvnw -q -B dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/bench.classpath
exec "$JAVA_HOME/bin/java" -Dlogback.configurationFile=bench-logback.xml \
  -cp "target/test-classes:target/classes:$(cat target/bench.classpath)" \
  io.autotag.tagger.S3FaultScenario "$@"
