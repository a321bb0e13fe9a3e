#!/usr/bin/env bash
# Cold start: N fresh JVMs that construct the tagger's Lambda handler (the default onnx provider
# and its session included) and handle one S3 notification for PHOTO, against N fresh JVMs of a
# minimal program that loads the same model with ONNX Runtime and runs it once. Reports median
# wall time and median peak RSS (/usr/bin/time) of each and their ratio. S3 is a stub server in
# its own process (stub_s3.py), started once, so it is not part of either measurement.
#
# usage: benchmarks/coldstart.sh [RUNS] [PHOTO]
# Build first: ./mvnw -B -q -pl benchmarks -am package -DskipTests
set -euo pipefail
cd "$(dirname "$0")/.."
runs="${1:-7}"
photo="${2:-/tmp/autotag-evalset/unpacked/usr/share/wallpapers/EveningGlow/contents/images/1920x1080.jpg}"
. .mvn/jdk.sh
java="$JAVA_HOME/bin/java"
cp="benchmarks/target/classes:benchmarks/target/lib/*"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
python3 benchmarks/stub_s3.py "$photo" "$port" &
stub=$!
trap 'kill $stub 2>/dev/null' EXIT
sleep 0.5
size=$(stat -c %s "$photo")
work=$(mktemp -d)

handler_env=(
  AWS_REGION=us-east-1 AWS_ACCESS_KEY_ID=stub AWS_SECRET_ACCESS_KEY=stub
  AWS_ENDPOINT_URL_S3="http://127.0.0.1:$port" AUTOTAG_S3_PATH_STYLE=true
  AUTOTAG_REVIEW_QUEUE_URL="http://127.0.0.1:$port/000000000000/review"
  AUTOTAG_REVIEW_THRESHOLD=0 AUTOTAG_PRIMING=false
)

measure() { # name, command...
  local name=$1; shift
  local start end
  start=$(date +%s%N)
  /usr/bin/time -f '%M' -o "$work/rss" "$@" >"$work/$name.out" 2>"$work/$name.err" || {
    echo "$name failed:"; tail -20 "$work/$name.err"; exit 1; }
  end=$(date +%s%N)
  echo "$(( (end - start) / 1000000 )) $(cat "$work/rss")" >>"$work/$name.runs"
}

for i in $(seq "$runs"); do
  measure handler env "${handler_env[@]}" "$java" ${JAVA_OPTS:-} -cp "$cp" \
    io.autotag.benchmarks.HandlerColdStart "$size"
  measure minimal "$java" ${JAVA_OPTS:-} -cp "$cp" io.autotag.benchmarks.MinimalOrtColdStart
done

median() { sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }
h_ms=$(cut -d' ' -f1 "$work/handler.runs" | median)
m_ms=$(cut -d' ' -f1 "$work/minimal.runs" | median)
h_rss=$(cut -d' ' -f2 "$work/handler.runs" | median)
m_rss=$(cut -d' ' -f2 "$work/minimal.runs" | median)
echo "handler output (last run): $(tail -n 1 "$work/handler.out")"
echo "handler $(grep '^timing:' "$work/handler.err" | tail -n 1) (last run)"
echo
echo "| program | median wall ms ($runs runs) | median peak RSS MB |"
echo "|---|---|---|"
echo "| handler + one S3 event | $h_ms | $(( h_rss / 1024 )) |"
echo "| minimal ORT load + run | $m_ms | $(( m_rss / 1024 )) |"
awk -v h="$h_ms" -v m="$m_ms" 'BEGIN {printf "ratio handler/minimal: %.2fx\n", h / m}'
rm -rf "$work"
