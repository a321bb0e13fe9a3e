#!/usr/bin/env bash
# Builds autotag's embedded default model (COCO, 80 classes) from the npm
# package @vladmandic/human: fetches it with `npm pack`, verifies the sha256 of
# the tarball and of the TF.js CenterNet files, extracts the labels, converts
# the graph to ONNX and writes
#   providers/src/main/resources/io/autotag/models/coco80/model.onnx
#   shared/src/main/resources/io/autotag/models/coco80/labels.txt (the vocabulary: every function may offer it)
#
# Options:
#   --reference  also regenerate the TF.js reference outputs
#                (providers/src/test/resources/.../coco80/reference-outputs.json)
#                and check model.onnx against them and the full TF.js heatmaps
#   --check      only check model.onnx against the committed reference outputs
#                and the full TF.js heatmaps (no regeneration)
# Both options run `npm ci` in model/reference (tfjs, pngjs, onnxruntime-node).
#
# Requirements: bash, npm/node, sha256sum, tar, /usr/bin/python3 with
# python3-onnx (>= 1.12) and python3-numpy.
set -euo pipefail

HUMAN_PACKAGE=@vladmandic/human
HUMAN_VERSION=3.3.6
TARBALL_SHA256=425e9c51dbbca0c8934362b170cb0d54c2529c11c654b3c03092b16e9d6ad3f7
CENTERNET_JSON_SHA256=bfb942eaacc5becf738d536663bc4580a0ae9e560722306e6d4dd7fe4a09de05
CENTERNET_BIN_SHA256=1b635a15009071f506f9f2b3519b31c072c534888989f30d269ffd44734ef7ef
PHOTO_SOURCE="Debian bookworm package python3-skimage 0.19.3-8: /usr/lib/python3/dist-packages/skimage/data/astronaut.png (astronaut Eileen Collins, NASA, public domain), 512x512 RGB, pixels unchanged"
PYTHON=${PYTHON:-/usr/bin/python3}

mode=model
case "${1:-}" in
  "") ;;
  --reference) mode=reference ;;
  --check) mode=check ;;
  *) echo "usage: $0 [--reference|--check]" >&2; exit 2 ;;
esac

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/.." && pwd)
out_dir=$repo/providers/src/main/resources/io/autotag/models/coco80
labels_dir=$repo/shared/src/main/resources/io/autotag/models/coco80
test_dir=$repo/providers/src/test/resources/io/autotag/models/coco80

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

verify() {  # verify FILE SHA256
  echo "$2  $1" | sha256sum -c --quiet - || { echo "sha256 mismatch: $1" >&2; exit 1; }
}

fetch_package() {
  local tgz=$work/vladmandic-human-$HUMAN_VERSION.tgz
  (cd "$work" && npm pack --silent "$HUMAN_PACKAGE@$HUMAN_VERSION" >/dev/null)
  verify "$tgz" "$TARBALL_SHA256"
  tar -xzf "$tgz" -C "$work" package/models/centernet.json package/models/centernet.bin \
    package/src/object/labels.ts package/LICENSE
  verify "$work/package/models/centernet.json" "$CENTERNET_JSON_SHA256"
  verify "$work/package/models/centernet.bin" "$CENTERNET_BIN_SHA256"
}

build_model() {
  mkdir -p "$out_dir"
  "$PYTHON" "$here/extract_labels.py" "$work/package/src/object/labels.ts" "$labels_dir/labels.txt"
  "$PYTHON" "$here/tfjs_to_onnx.py" "$work/package/models/centernet.json" "$out_dir/model.onnx" \
    --output tower_0/keypoints \
    --doc "CenterNet (MobileNetV3) COCO 80 classes, converted by autotag model/tfjs_to_onnx.py from npm $HUMAN_PACKAGE@$HUMAN_VERSION models/centernet.json (sha256 $CENTERNET_JSON_SHA256) + centernet.bin (sha256 $CENTERNET_BIN_SHA256). Input tower_0/images [1,512,512,3] NHWC float32 RGB 0..255; output tower_0/keypoints [1,128,128,80] NHWC per-class centre heatmap (sigmoid); class k = line k+1 of labels.txt."
}

npm_reference() {
  (cd "$here/reference" && npm ci --silent --no-audit --no-fund)
}

make_reference() {
  mkdir -p "$test_dir"
  (cd "$here/reference" && node make-reference.mjs \
    --model-json "$work/package/models/centernet.json" \
    --photo "$test_dir/reference-photo.png" \
    --labels "$labels_dir/labels.txt" \
    --photo-source "$PHOTO_SOURCE" \
    --out "$test_dir/reference-outputs.json")
}

check_model() {
  (cd "$here/reference" && node check-onnx.mjs \
    --onnx "$out_dir/model.onnx" \
    --reference "$test_dir/reference-outputs.json" \
    --photo "$test_dir/reference-photo.png" \
    --model-json "$work/package/models/centernet.json")
}

fetch_package
case $mode in
  model) build_model ;;
  reference) build_model; npm_reference; make_reference; check_model ;;
  check) npm_reference; check_model ;;
esac

echo "sha256 of outputs:"
(cd "$repo" && sha256sum providers/src/main/resources/io/autotag/models/coco80/model.onnx \
  shared/src/main/resources/io/autotag/models/coco80/labels.txt)
if [ "$mode" != model ]; then
  (cd "$repo" && sha256sum providers/src/test/resources/io/autotag/models/coco80/reference-outputs.json \
    providers/src/test/resources/io/autotag/models/coco80/reference-photo.png)
fi
