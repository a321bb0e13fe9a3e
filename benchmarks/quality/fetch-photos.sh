#!/usr/bin/env bash
# Unpacks the Debian packages that hold the quality photos (photos.tsv) into a folder, without
# installing them or their dependencies: `apt-get download` + `dpkg-deb -x`. About 250 MB.
# usage: benchmarks/quality/fetch-photos.sh [ROOT]   (default /tmp/autotag-photos)
set -euo pipefail
root="${1:-/tmp/autotag-photos}"
here="$(cd "$(dirname "$0")" && pwd)"
mkdir -p "$root/debs"
packages=$(grep -v '^#' "$here/photos.tsv" | cut -f1 | sort -u)
(cd "$root/debs" && apt-get download $packages)
for deb in "$root"/debs/*.deb; do
  dpkg-deb -x "$deb" "$root"
done
echo "photos unpacked under $root"
