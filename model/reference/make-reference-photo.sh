#!/usr/bin/env bash
# Recreates providers/src/test/resources/io/autotag/models/coco80/reference-photo.png
# from a photograph shipped in a Debian package: scikit-image's astronaut.png
# (Eileen Collins, NASA; "no known copyright restrictions, released into the
# public domain" per skimage.data.astronaut's docstring).  The image already is
# 512x512 RGB, so it is only re-encoded as a plain PNG without metadata.
#
# Needs: apt-get (the .deb is downloaded and unpacked, not installed),
# /usr/bin/python3 with python3-pil.
# The committed PNG is the source of truth for the reference outputs; this
# script documents and reproduces its pixels (its sha256 is checked below).
set -euo pipefail

PACKAGE=python3-skimage
SOURCE_PATH=usr/lib/python3/dist-packages/skimage/data/astronaut.png
SOURCE_SHA256=88431cd9653ccd539741b555fb0a46b61558b301d4110412b5bc28b5e3ea6cb5  # from python3-skimage 0.19.3-8 (bookworm)
PYTHON=${PYTHON:-/usr/bin/python3}

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
out=$repo/providers/src/test/resources/io/autotag/models/coco80/reference-photo.png

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
chmod 777 "$work"  # lets apt's _apt user write the .deb
(cd "$work" && apt-get download -q "$PACKAGE" >/dev/null)
dpkg-deb -x "$work"/${PACKAGE}_*.deb "$work/x"
src=$work/x/$SOURCE_PATH
echo "$SOURCE_SHA256  $src" | sha256sum -c --quiet - || { echo "unexpected $SOURCE_PATH in $PACKAGE" >&2; exit 1; }

mkdir -p "$(dirname "$out")"
"$PYTHON" - "$src" "$out" <<'EOF'
import sys
from PIL import Image
src, out = sys.argv[1:3]
image = Image.open(src).convert("RGB")
if image.size != (512, 512):
    image = image.resize((512, 512), Image.LANCZOS)
image.save(out, format="PNG", optimize=False, compress_level=9)
EOF
sha256sum "$out"
