#!/usr/bin/env bash
# What the functions' metrics (EMF) and JSON logs cost the tagger, against the same with both off,
# measured in the same run (issue 11; aim: under 5% cold, under 3% warm):
#  - cold: RUNS pairs of fresh JVMs, alternating, each constructing the tagger's Lambda handler
#    (the embedded model's session included) and handling one S3 notification for PHOTO
#    (HandlerColdStart). "on": AUTOTAG_METRICS=emf and the function's own logback.xml at INFO;
#    "off": AUTOTAG_METRICS=off and logging off (benchmarks/logback-off.xml). Median wall times
#    and their ratio.
#  - warm: ROUNDS pairs of invocations in one JVM, one handler with both on and one with both off
#    (TelemetryOverhead); ratio of the medians.
# S3 is the stub server of coldstart.sh in its own process; stdout (logs, metrics) goes to a file
# or /dev/null, as Lambda sends it to its log pipe.
#
# usage: benchmarks/telemetry-overhead.sh [RUNS] [ROUNDS] [PHOTO]
# Build first: ./mvnw -B -q -pl benchmarks -am package -DskipTests
set -euo pipefail
cd "$(dirname "$0")/.."
runs="${1:-9}"
rounds="${2:-300}"
photo="${3:-events/sample.jpg}"
. .mvn/jdk.sh
java="$JAVA_HOME/bin/java"
cp="benchmarks/target/classes:benchmarks/target/lib/*"
# The tagger's configuration, named: the benchmark class path holds every function's logback.xml.
on_logs=-Dlogback.configurationFile=functions/tagger/src/main/resources/logback.xml
off_logs=-Dlogback.configurationFile=benchmarks/logback-off.xml
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
python3 benchmarks/stub_s3.py "$photo" "$port" &
stub=$!
work=$(mktemp -d)
trap 'kill $stub 2>/dev/null; rm -rf "$work"' EXIT
sleep 0.5
size=$(stat -c %s "$photo")

base_env=(
  AWS_REGION=us-east-1 AWS_ACCESS_KEY_ID=stub AWS_SECRET_ACCESS_KEY=stub
  AWS_ENDPOINT_URL_S3="http://127.0.0.1:$port" AUTOTAG_S3_PATH_STYLE=true
  AUTOTAG_REVIEW_QUEUE_URL="http://127.0.0.1:$port/000000000000/review"
  AUTOTAG_REVIEW_THRESHOLD=0 AUTOTAG_PRIMING=false
)

cold() { # name, metrics mode, logback option
  local name=$1 mode=$2 logs=$3
  /usr/bin/time -f '%e %U %S' -o "$work/time" env "${base_env[@]}" AUTOTAG_METRICS="$mode" \
    "$java" "$logs" ${JAVA_OPTS:-} -cp "$cp" io.autotag.benchmarks.HandlerColdStart "$size" \
    >>"$work/$name.out" 2>"$work/$name.err" || {
    echo "$name failed:"; tail -20 "$work/$name.err"; exit 1; }
  awk '{printf "%d %d\n", $1 * 1000, ($2 + $3) * 1000}' "$work/time" >>"$work/$name.runs"
}

for i in $(seq "$runs"); do
  if (( i % 2 )); then
    cold on emf "$on_logs"; cold off off "$off_logs"
  else
    cold off off "$off_logs"; cold on emf "$on_logs"
  fi
done
grep -q '"_aws"' "$work/on.out" || { echo "the 'on' runs wrote no EMF line"; exit 1; }
grep -q '"message":"object processed"' "$work/on.out" || { echo "the 'on' runs wrote no log line"; exit 1; }
if grep -q '"_aws"\|"level"' "$work/off.out"; then echo "the 'off' runs wrote telemetry"; exit 1; fi

median() { sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }
echo "cold start, $runs pairs of fresh JVMs (handler + one S3 event, embedded model):"
for column in 1 2; do
  on_ms=$(cut -d' ' -f"$column" "$work/on.runs" | median)
  off_ms=$(cut -d' ' -f"$column" "$work/off.runs" | median)
  what=$([ "$column" = 1 ] && echo "wall" || echo "CPU ")
  awk -v w="$what" -v a="$on_ms" -v b="$off_ms" 'BEGIN {
    printf "  %s: metrics+logs on median %d ms, off %d ms, ratio %.4fx (%+d ms)\n", w, a, b, a / b, a - b}'
done
echo "  stdout of the 'on' runs: $(grep -c '"_aws"' "$work/on.out") EMF lines," \
  "$(grep -c '"level"' "$work/on.out") log lines; 'off' runs: 0 of either"

env "${base_env[@]}" "$java" "$on_logs" ${JAVA_OPTS:-} -cp "$cp" io.autotag.benchmarks.TelemetryOverhead \
  "$size" "$rounds" >/dev/null 2>"$work/warm.err" || { tail -20 "$work/warm.err"; exit 1; }
grep '^warm invoke\|^telemetry' "$work/warm.err"
