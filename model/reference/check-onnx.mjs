// Checks the converted model.onnx (run with onnxruntime-node) against
// reference-outputs.json, and, when --model-json is given, against the full
// heatmaps of the original TF.js model.  Exits non-zero above --tolerance.
//
// node check-onnx.mjs --onnx model.onnx --reference reference-outputs.json \
//   --photo reference-photo.png [--model-json DIR/centernet.json] [--tolerance 1e-4]
import fs from 'node:fs';
import ort from 'onnxruntime-node';
import {
  SIZE, INPUT_NAME, OUTPUT_NAME, syntheticImage, pngImage, sha256, classScores,
  heatmapValue, parseArgs,
} from './common.mjs';

async function runOnnx(session, pixels) {
  const input = new ort.Tensor('float32', pixels, [1, SIZE, SIZE, 3]);
  const out = await session.run({ [INPUT_NAME]: input });
  return out[OUTPUT_NAME].data;
}

function maxAbsDiff(a, b) {
  if (a.length !== b.length) throw new Error(`length ${a.length} != ${b.length}`);
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i] - b[i]));
  return max;
}

/** Differences of one input against its reference record. */
function compareToReference(heatmap, record) {
  const scores = maxAbsDiff(classScores(heatmap), record.scores);
  const samples = maxAbsDiff(record.samples.map((p) => heatmapValue(heatmap, p)), record.samples.map((p) => p.value));
  return { scores, samples };
}

async function main() {
  const args = parseArgs(process.argv.slice(2), ['onnx', 'reference', 'photo']);
  const tolerance = Number(args.tolerance ?? '1e-4');
  const reference = JSON.parse(fs.readFileSync(args.reference, 'utf8'));
  const photoRecord = reference.inputs.find((i) => i.id === 'photo');
  if (sha256(args.photo) !== photoRecord.fileSha256) throw new Error(`${args.photo} is not the photo of the reference`);

  const session = await ort.InferenceSession.create(args.onnx);
  const pixels = { synthetic: syntheticImage(), photo: pngImage(args.photo) };
  let tfjs = null;
  if (args['model-json']) {
    const { loadTfjsModel } = await import('./tfjs-model.mjs');
    tfjs = await loadTfjsModel(args['model-json']);
  }

  let worst = 0;
  for (const record of reference.inputs) {
    const heatmap = await runOnnx(session, pixels[record.id]);
    const diff = compareToReference(heatmap, record);
    worst = Math.max(worst, diff.scores, diff.samples);
    let line = `${record.id}: max |onnx - reference| scores ${diff.scores.toExponential(3)}, samples ${diff.samples.toExponential(3)}`;
    if (tfjs) {
      const { runTfjs } = await import('./tfjs-model.mjs');
      const full = maxAbsDiff(heatmap, runTfjs(tfjs, pixels[record.id]));
      worst = Math.max(worst, full);
      line += `, full heatmap vs tfjs ${full.toExponential(3)} (${heatmap.length} values)`;
    }
    console.log(line);
  }
  console.log(`onnxruntime-node ${ort.env.versions?.node ?? '?'}: worst ${worst.toExponential(3)}, tolerance ${tolerance}`);
  if (!(worst <= tolerance)) {
    console.error('FAILED: model.onnx does not match the TF.js reference');
    process.exit(1);
  }
  console.log('OK: model.onnx matches the TF.js reference');
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
