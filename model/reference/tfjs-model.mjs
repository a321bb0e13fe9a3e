// Loads the original TF.js graph model from local files and runs it on the
// pure-JS CPU backend.
import fs from 'node:fs';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { SIZE, GRID, CLASSES, INPUT_NAME, OUTPUT_NAME } from './common.mjs';

/** IOHandler reading model.json and its weight shards from the local disk. */
function fileHandler(modelJson) {
  return {
    async load() {
      const model = JSON.parse(fs.readFileSync(modelJson, 'utf8'));
      const dir = path.dirname(modelJson);
      const specs = [];
      const buffers = [];
      for (const group of model.weightsManifest) {
        specs.push(...group.weights);
        for (const p of group.paths) buffers.push(fs.readFileSync(path.join(dir, p)));
      }
      const all = Buffer.concat(buffers);
      return {
        modelTopology: model.modelTopology,
        format: model.format,
        generatedBy: model.generatedBy,
        convertedBy: model.convertedBy,
        signature: model.signature,
        userDefinedMetadata: model.userDefinedMetadata,
        weightSpecs: specs,
        weightData: all.buffer.slice(all.byteOffset, all.byteOffset + all.byteLength),
      };
    },
  };
}

export function runTfjs(model, pixels) {
  return tf.tidy(() => {
    const input = tf.tensor4d(pixels, [1, SIZE, SIZE, 3], 'float32');
    const out = model.execute({ [INPUT_NAME]: input }, OUTPUT_NAME);
    const shape = out.shape.join(',');
    if (shape !== `1,${GRID},${GRID},${CLASSES}`) throw new Error(`unexpected output shape ${shape}`);
    return out.dataSync().slice();
  });
}

/** Load model.json + weight shards with the CPU backend. */
export async function loadTfjsModel(modelJson) {
  await tf.setBackend('cpu');
  await tf.ready();
  return tf.loadGraphModel(fileHandler(modelJson));
}
