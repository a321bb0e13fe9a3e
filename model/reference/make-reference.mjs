// Runs the ORIGINAL TF.js CenterNet graph model (pure-JS CPU backend) on the
// fixed reference inputs and writes reference-outputs.json.
//
// node make-reference.mjs --model-json DIR/centernet.json --photo reference-photo.png \
//   --labels labels.txt --photo-source "PACKAGE VERSION:PATH" --out reference-outputs.json
import fs from 'node:fs';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { loadTfjsModel, runTfjs } from './tfjs-model.mjs';
import {
  SIZE, GRID, CLASSES, INPUT_NAME, OUTPUT_NAME, SYNTHETIC_FORMULA,
  syntheticImage, pngImage, sha256, classScores, argmaxCell, fixedPositions,
  heatmapValue, topClasses, readLabels, parseArgs,
} from './common.mjs';

/** Reference record of one input: scores, top-5 and sampled raw heatmap values. */
function describe(heatmap, labels) {
  const scores = classScores(heatmap);
  const top = topClasses(scores, labels, 10);
  const positions = [
    ...fixedPositions(40).map((p) => ({ ...p, kind: 'fixed' })),
    ...top.map((t) => ({ ...argmaxCell(heatmap, t.index), c: t.index, kind: 'argmax' })),
  ];
  return {
    scores,
    top5: top.slice(0, 5),
    samples: positions.map((p) => ({ ...p, value: heatmapValue(heatmap, p) })),
  };
}

/** JSON with one line per number array and per flat object, for readable diffs. */
function compactJson(value) {
  return JSON.stringify(value, null, 1)
    .replace(/\[\s*(-?[\d.e+-]+(?:,\s*-?[\d.e+-]+)*)\s*\]/g, (_, body) => `[${body.split(/,\s*/).join(', ')}]`)
    .replace(/\{\n\s*("[^{}[\]]*?)\n\s*\}/g, (_, body) => `{ ${body.split(/,\n\s*/).join(', ')} }`);
}

async function main() {
  const args = parseArgs(process.argv.slice(2), ['model-json', 'photo', 'labels', 'photo-source', 'out']);
  const labels = readLabels(args.labels);
  const model = await loadTfjsModel(args['model-json']);
  const binFile = path.join(path.dirname(args['model-json']), 'centernet.bin');

  const synthetic = runTfjs(model, syntheticImage());
  const photo = runTfjs(model, pngImage(args.photo));

  const result = {
    description: 'Outputs of the original TF.js graph model (CenterNet MobileNetV3, COCO 80 classes, '
      + 'npm @vladmandic/human 3.3.6 models/centernet.json) used to check the converted model.onnx. '
      + 'scores[k] = max over the 128x128 cells of heatmap[0][y][x][k]; samples are raw heatmap values '
      + 'heatmap[0][y][x][c] (c = class index, 0-based, same order as labels.txt): 40 fixed pseudo-random '
      + 'positions (kind fixed) and the argmax cell of each of the 10 best classes (kind argmax). '
      + 'A faithful conversion matches to about 1e-6; checks use an absolute tolerance of 1e-4.',
    generator: {
      script: 'model/reference/make-reference.mjs',
      tfjsVersion: tf.version.tfjs,
      backend: tf.getBackend(),
    },
    model: {
      modelJsonSha256: sha256(args['model-json']),
      weightsBinSha256: sha256(binFile),
      input: { name: INPUT_NAME, shape: [1, SIZE, SIZE, 3], layout: 'NHWC', dtype: 'float32', range: 'RGB 0..255' },
      output: { name: OUTPUT_NAME, shape: [1, GRID, GRID, CLASSES], layout: 'NHWC', dtype: 'float32', range: '0..1 (sigmoid)' },
    },
    inputs: [
      {
        id: 'synthetic',
        description: 'Deterministic synthetic image computed from a formula',
        formula: SYNTHETIC_FORMULA,
        ...describe(synthetic, labels),
      },
      {
        id: 'photo',
        description: 'Real photograph: 512x512 8-bit RGB PNG, each channel byte used as a float32 0..255, NHWC',
        file: path.basename(args.photo),
        fileSha256: sha256(args.photo),
        source: args['photo-source'],
        ...describe(photo, labels),
      },
    ],
  };
  fs.writeFileSync(args.out, `${compactJson(result)}\n`);
  for (const input of result.inputs) {
    console.log(`${input.id}: top5 ${input.top5.map((t) => `${t.label}=${t.score.toFixed(4)}`).join(' ')}`);
  }
  console.log(`wrote ${args.out}`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
