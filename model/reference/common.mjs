// Shared helpers of make-reference.mjs and check-onnx.mjs: the fixed model
// inputs, the post-processing (per-class max) and the sampled positions.
import fs from 'node:fs';
import crypto from 'node:crypto';
import { PNG } from 'pngjs';

export const SIZE = 512;
export const GRID = 128;
export const CLASSES = 80;
export const INPUT_NAME = 'tower_0/images';
export const OUTPUT_NAME = 'tower_0/keypoints';

export const SYNTHETIC_FORMULA =
  'value[0][y][x][c] = (x*7 + y*13 + c*29) % 256 as float32, for x,y in 0..511 and c in 0..2 (c=0 red, 1 green, 2 blue)';

/** Deterministic synthetic NHWC image, see SYNTHETIC_FORMULA. */
export function syntheticImage() {
  const data = new Float32Array(SIZE * SIZE * 3);
  for (let y = 0; y < SIZE; y++) {
    for (let x = 0; x < SIZE; x++) {
      for (let c = 0; c < 3; c++) data[(y * SIZE + x) * 3 + c] = (x * 7 + y * 13 + c * 29) % 256;
    }
  }
  return data;
}

/** Decode an 8-bit RGB(A) PNG of SIZE x SIZE into NHWC float32 RGB 0..255 (alpha dropped). */
export function pngImage(file) {
  const png = PNG.sync.read(fs.readFileSync(file));
  if (png.width !== SIZE || png.height !== SIZE) throw new Error(`${file}: expected ${SIZE}x${SIZE}, got ${png.width}x${png.height}`);
  const data = new Float32Array(SIZE * SIZE * 3);
  for (let i = 0; i < SIZE * SIZE; i++) {
    for (let c = 0; c < 3; c++) data[i * 3 + c] = png.data[i * 4 + c];
  }
  return data;
}

export function sha256(file) {
  return crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex');
}

/** Per-class score: max of the [128,128,80] heatmap over the 128x128 cells. */
export function classScores(heatmap) {
  const scores = new Array(CLASSES).fill(-Infinity);
  for (let cell = 0; cell < GRID * GRID; cell++) {
    for (let k = 0; k < CLASSES; k++) {
      const v = heatmap[cell * CLASSES + k];
      if (v > scores[k]) scores[k] = v;
    }
  }
  return scores;
}

/** Cell (y, x) holding the maximum of class k (first one in row-major order). */
export function argmaxCell(heatmap, k) {
  let best = 0;
  for (let cell = 1; cell < GRID * GRID; cell++) {
    if (heatmap[cell * CLASSES + k] > heatmap[best * CLASSES + k]) best = cell;
  }
  return { y: Math.floor(best / GRID), x: best % GRID };
}

/** 40 fixed pseudo-random (y, x, class) positions from a 32-bit LCG seeded with 12345. */
export function fixedPositions(count = 40) {
  let state = 12345;
  const next = (n) => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state % n;
  };
  const positions = [];
  for (let i = 0; i < count; i++) positions.push({ y: next(GRID), x: next(GRID), c: next(CLASSES) });
  return positions;
}

export function heatmapValue(heatmap, { y, x, c }) {
  return heatmap[(y * GRID + x) * CLASSES + c];
}

export function topClasses(scores, labels, n) {
  return scores
    .map((score, index) => ({ index, label: labels[index], score }))
    .sort((a, b) => b.score - a.score || a.index - b.index)
    .slice(0, n);
}

export function readLabels(file) {
  const labels = fs.readFileSync(file, 'utf8').split('\n').filter((l) => l.length > 0);
  if (labels.length !== CLASSES) throw new Error(`${file}: expected ${CLASSES} labels, got ${labels.length}`);
  return labels;
}

/** Parse `--key value` command-line options into an object. */
export function parseArgs(argv, required) {
  const args = {};
  for (let i = 0; i < argv.length; i += 2) {
    if (!argv[i].startsWith('--') || i + 1 >= argv.length) throw new Error(`bad argument ${argv[i]}`);
    args[argv[i].slice(2)] = argv[i + 1];
  }
  for (const key of required) if (!(key in args)) throw new Error(`missing --${key}`);
  return args;
}
