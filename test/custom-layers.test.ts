// Layers written in user code (Keras custom_objects): the README's AttentionLayer, a CustomLayer
// subclass using only the public API, loaded from a Keras 2 file (test/data/custom/make_custom.py,
// expected outputs from a float64 numpy forward pass) through registerLayer and through
// loadModel's customLayers; the subclassing contract's weights, shapes, config and errors.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  ConfigError, CustomLayer, Model, ModelFileError, Sequential, loadModel, ready, registerLayer, tensor,
  type CustomLayerConfig, type Shape, type Tensor,
} from 'wasm-rnn/keras';
import { Input, LSTM, ShapeError, deserializeLayer } from 'wasm-rnn';
import { AttentionLayer } from './types/readme-custom-layer.js';

const DATA = new URL('./data/custom/', import.meta.url);
const FILE = fileURLToPath(new URL('lstm_attention.h5', DATA));
const expected = JSON.parse(readFileSync(new URL('lstm_attention.json', DATA), 'utf8')) as {
  inputs: { shape: number[]; data: number[] }[]; outputs: { shape: number[]; data: number[] }[]; tolerance: { abs: number; rel: number };
};

beforeAll(async () => {
  await ready();
});

function worst(actual: ArrayLike<number>, want: readonly number[]): number {
  let w = 0;
  for (let i = 0; i < want.length; i++) w = Math.max(w, Math.abs(actual[i] - want[i]) / (expected.tolerance.abs + expected.tolerance.rel * Math.abs(want[i])));
  return actual.length === want.length ? w : Infinity;
}

const x = () => tensor(Float32Array.from(expected.inputs[0].data), expected.inputs[0].shape);

describe("a file with a user-code attention layer (the README's AttentionLayer)", () => {
  it('loads with registerLayer (the README registers it) and predicts the float64 reference', async () => {
    const model = await loadModel(FILE);
    expect(model.layers.map((l) => [l.name, l.className, l.countParams()])).toEqual([
      ['lstm_1', 'LSTM', 4 * 4 * (3 + 4 + 1)], ['attention_layer_1', 'AttentionLayer', 4 + 6], ['dense_1', 'Dense', 10],
    ]);
    expect(model.layers[1]).toBeInstanceOf(AttentionLayer);
    const [y] = model.predictAll(x());
    expect([...y.shape]).toEqual(expected.outputs[0].shape);
    expect(worst(y.data, expected.outputs[0].data)).toBeLessThanOrEqual(1);
    // tf.keras wraps the 29-character layer column: 'attention_layer_1 (Attenti' / 'onLayer)'.
    const rows = model.summary({ print: false, layout: 'tf.keras' }).split('\n');
    const at = rows.findIndex((row) => row.startsWith(' attention_layer_1 (Attenti'));
    expect(rows[at]).toContain('(None, 4)');
    expect(rows[at + 1].trim()).toBe('onLayer)');
  });

  it("loadModel's customLayers takes precedence over the registry, for that load only", async () => {
    let built = 0;
    const model = await loadModel(FILE, { customLayers: { AttentionLayer: (config) => { built += 1; return new AttentionLayer(config); } } });
    expect(built).toBe(1);
    expect(worst(model.predictAll(x())[0].data, expected.outputs[0].data)).toBeLessThanOrEqual(1);
    await loadModel(FILE);
    expect(built).toBe(1);
  });

  it('a factory that returns no Layer, or a bad customLayers option, is refused with the class named', async () => {
    const error = await loadModel(FILE, { customLayers: { AttentionLayer: () => ({}) as never } }).then(() => undefined, (e: unknown) => e);
    expect(error).toBeInstanceOf(ModelFileError);
    expect((error as Error).message).toContain('AttentionLayer must return a Layer');
    await expect(loadModel(FILE, { customLayers: { AttentionLayer: 3 as never } })).rejects.toThrow(/customLayers.*AttentionLayer/);
    expect(() => registerLayer('', () => new AttentionLayer())).toThrow(ConfigError);
  });
});

/** A two-input layer with a non-trainable weight: out = a * scale + b. */
class ScaledSum extends CustomLayer {
  private scale = tensor([0], [1]);
  constructor(config: CustomLayerConfig = {}) {
    super(config, 'ScaledSum');
  }
  // Called on two tensors, it gets two shapes; Layer's own signature keeps the parameter a union.
  override build(shapes: Shape | Shape[]): void {
    const first = shapes[0];
    this.scale = this.addWeight('scale', [(Array.isArray(first) ? first[2] : null) ?? 1], { initializer: 'ones', trainable: false });
  }
  call([a, b]: Tensor[]): Tensor {
    if (!a || !b) throw new Error('two inputs');
    const out = a.data.map((v, i) => v * (this.scale.data[i % this.scale.size] ?? 0) + (b.data[i] ?? 0));
    return tensor(out, [...a.shape]);
  }
  computeOutputShape(shapes: Shape | Shape[]): Shape {
    const first = shapes[0];
    return Array.isArray(first) ? first : [];
  }
  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), note: 'kept' };
  }
}

describe('the CustomLayer contract', () => {
  it('builds in a functional graph from symbolic shapes, lists its weights, counts them, runs, and round-trips its config', () => {
    const a = Input({ shape: [4, 3] });
    const b = Input({ shape: [4, 3] });
    const layer = new ScaledSum({ name: 'scaled' });
    const out = layer.apply([new LSTM({ units: 3, returnSequences: true }).apply(a) as never, b]);
    const model = new Model({ inputs: [a, b], outputs: out as never });
    expect(layer.built).toBe(true);
    expect(layer.getWeights().map((w) => [...w.shape])).toEqual([[3]]);
    expect([layer.countParams(), layer.countNonTrainableParams()]).toEqual([3, 3]);
    layer.setWeights([tensor([2, 3, 4], [3])]);
    const ones = tensor(new Float32Array(2 * 4 * 3).fill(1), [2, 4, 3]);
    const direct = layer.apply([ones, ones]) as Tensor;
    expect(Array.from(direct.data.slice(0, 3))).toEqual([3, 4, 5]);
    expect([...model.predictAll([ones, ones])[0].shape]).toEqual([2, 4, 3]);
    registerLayer('ScaledSum', (config) => new ScaledSum(config));
    const copy = deserializeLayer({ class_name: 'ScaledSum', config: layer.getConfig() });
    expect(copy.getConfig()).toEqual({ name: 'scaled', trainable: true, dtype: 'float32', note: 'kept' });
  });

  it('wrong weights are a ShapeError naming the weight; an unbuilt layer says to build it', () => {
    const layer = new ScaledSum();
    expect(() => layer.setWeights([tensor([1], [1])])).toThrow(/build/);
    layer.build([[null, 4, 3], [null, 4, 3]]);
    expect(() => layer.setWeights([tensor([1, 2], [2])])).toThrow(ShapeError);
    expect(() => layer.setWeights([tensor([1, 2], [2])])).toThrow(/scale must have shape \[3\]/);
    const model = new Sequential({ layers: [new AttentionLayer({ inputShape: [5, 2] })] });
    expect(model.layers[0].getWeights().map((w) => [...w.shape])).toEqual([[2, 1], [5, 1]]);
  });
});
