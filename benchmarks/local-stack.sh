#!/usr/bin/env bash
# Measures the local stack (docs/local.md#performance): command to ready (java -jar
# cli/target/autotag.jar serve, 3 runs), upload-to-tagged latency over 100 uploads with the real
# model and with a fixed-latency fake provider, and backfill objects/s, each next to a baseline
# from the same run. Takes a few minutes; figures go to docs/local.md by hand.
#   benchmarks/local-stack.sh
set -euo pipefail
cd "$(dirname "$0")/.."
./mvnw -q -B -DskipTests -Dspotless.check.skip=true package -pl cli,benchmarks -am
MAIN=io.autotag.benchmarks.LocalStackMeasurement exec benchmarks/run.sh
