#!/usr/bin/env bash
# Decode cost of the worst-case images: every format at the 100 MP limit, laid out the way that
# costs a decoder most (DecodeBound generates them; nothing large is committed). One fresh JVM
# per image loads the embedded model, classifies events/sample.jpg, then classifies the image
# (one warm-up, RUNS timed). Prints the median time of a classification and the process's peak
# RSS, each as a ratio against a normal photo (a 12 MP camera-sized JPEG) measured in the same run.
#
# usage: benchmarks/decode-bound.sh [RUNS] [DIR]
# Build first: ./mvnw -B -q -pl benchmarks -am package -DskipTests
set -euo pipefail
cd "$(dirname "$0")/.."
runs="${1:-5}"
dir="${2:-$(mktemp -d)}"
. .mvn/jdk.sh
java="$JAVA_HOME/bin/java"
cp="benchmarks/target/classes:benchmarks/target/lib/*"
quiet=-Dlogback.configurationFile=benchmarks/logback-quiet.xml
heap="${JAVA_OPTS:--Xmx1g}"
if [ ! -f "$dir/normal-12mp.jpg" ]; then
  "$java" "$quiet" -Xmx3g -cp "$cp" io.autotag.benchmarks.DecodeBound generate "$dir"
fi
measure() {
  "$java" "$quiet" $heap --enable-native-access=ALL-UNNAMED -cp "$cp" \
    io.autotag.benchmarks.DecodeBound measure "$1" "$runs" 2>/dev/null | tail -1
}
read -r base_ms base_rss base_extra _ < <(measure "$dir/normal-12mp.jpg")
printf '%-32s %8s %9s %7s %9s %7s %s\n' image bytes ms x peakMB x outcome
printf '%-32s %8s %9s %7s %9s %7s %s\n' normal-12mp.jpg "$(stat -c %s "$dir/normal-12mp.jpg")" \
  "$base_ms" 1.00 "$((base_rss / 1024))" 1.00 classified
for f in "$dir"/*; do
  name=$(basename "$f")
  [ "$name" = normal-12mp.jpg ] && continue
  read -r ms rss extra outcome < <(measure "$f")
  printf '%-32s %8s %9s %7.2f %9s %7.2f %s\n' "$name" "$(stat -c %s "$f")" "$ms" \
    "$(echo "$ms / $base_ms" | bc -l)" "$((rss / 1024))" "$(echo "$rss / $base_rss" | bc -l)" \
    "$outcome"
done
