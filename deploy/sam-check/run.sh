#!/usr/bin/env bash
# Runs SAM CLI's own build / local invoke / local start-api code against template.yaml without
# Docker (see check.py). Usage, from anywhere, after ./mvnw -B package -DskipTests:
#
#   deploy/sam-check/run.sh /path/to/aws-sam-cli        # a source checkout of aws/aws-sam-cli
#
# Needs: a python3 with aws-sam-translator, flask, boto3, jmespath, click, chevron, dateparser,
# requests, docker (the Python package: imported, never used) and tomlkit and ruamel.yaml (Debian:
# python3-tomlkit python3-ruamel.yaml). rich, watchdog and aws-lambda-builders are stood in for by
# stubs/. moto_server, where installed, lets the tagger's invoke run against real S3 and SQS APIs.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
samcli="${1:-${AUTOTAG_SAMCLI_SRC:-}}"
if [ -z "$samcli" ] || [ ! -f "$samcli/samcli/__init__.py" ]; then
  echo "usage: $0 AWS_SAM_CLI_SOURCE_DIR (a checkout of github.com/aws/aws-sam-cli)" >&2
  exit 2
fi
. "$repo/.mvn/jdk.sh"
jdk="$(autotag_find_jdk)" || { echo "no JDK >= 21 found" >&2; exit 2; }
python="${AUTOTAG_CHECK_PYTHON:-python3}"
extra="$(mktemp -d)"
trap 'rm -rf "$extra"' EXIT
# tomlkit and ruamel.yaml are pure Python: Debian's copies serve any Python 3 when pip has none.
for module in tomlkit ruamel; do
  if ! "$python" -c "import $module" 2>/dev/null && [ -d "/usr/lib/python3/dist-packages/$module" ]; then
    ln -s "/usr/lib/python3/dist-packages/$module" "$extra/$module"
  fi
done
export PYTHONPATH="$here/stubs:$samcli:$extra"
export SAM_CLI_TELEMETRY=0 AUTOTAG_CHECK_JAVA="$jdk/bin/java"
export AWS_ACCESS_KEY_ID="${AWS_ACCESS_KEY_ID:-test}" AWS_SECRET_ACCESS_KEY="${AWS_SECRET_ACCESS_KEY:-test}"
export AWS_DEFAULT_REGION="${AWS_DEFAULT_REGION:-us-east-1}"
"$python" -c "import samcli, samtranslator, flask, tomlkit, ruamel.yaml" || {
  echo "missing Python packages: see the comment at the top of $0" >&2
  exit 2
}
echo "SAM CLI $("$python" -c 'import samcli; print(samcli.__version__)') from $samcli, aws-sam-translator $("$python" -c 'import samtranslator; print(samtranslator.__version__)'), JVM $jdk"
exec "$python" "$here/check.py"
