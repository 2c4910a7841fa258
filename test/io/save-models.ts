// Models built in code for the save tests: together they use every layer class the registry
// knows (the tests fail when a class has no sample here), wrappers, masks, several inputs,
// initial states, stateful layers, Keras 2 semantics and compiled models. Each comes with
// inputs to predict on.
import {
  ActivityRegularization, Activation, Add, AdditiveAttention, AlphaDropout, Attention, Average, AveragePooling1D, AveragePooling2D, AveragePooling3D,
  BatchNormalization, Bidirectional, Concatenate, Conv1D, Conv2D, Conv3D, ConvLSTM1D, ConvLSTM2D, CuDNNGRU, CuDNNLSTM, Dense, Dot, Dropout, Embedding,
  Flatten, GaussianDropout, GaussianNoise, GlobalAveragePooling1D, GlobalAveragePooling2D, GlobalMaxPooling1D, GlobalMaxPooling2D, GRU, Input,
  LayerNormalization, LSTM, Masking, Normalization, Rescaling, Maximum, MaxPooling1D, MaxPooling2D, MaxPooling3D, Minimum, Model, Multiply, Permute, RepeatVector, Reshape,
  RNN, LSTMCell, GRUCell, Sequential, SimpleRNN, SpatialDropout1D, ReLU, LeakyReLU, ELU, Softmax, PReLU, ZeroPadding1D, Cropping1D, UpSampling1D, SpatialDropout2D, SpatialDropout3D, Subtract, TimeDistributed, tensor,
  type Layer, type ModelBase, type SymbolicTensor, type Tensor,
} from '../../dist/index.js';
import { seededRandom } from './helpers.js';

export interface SampleModel {
  name: string;
  make: () => ModelBase;
  inputs: () => Tensor[];
}

function floats(shape: number[], seed: number): Tensor {
  const random = seededRandom(seed);
  const size = shape.reduce((a, b) => a * b, 1);
  return tensor(Float32Array.from({ length: size }, () => random() * 2 - 1), shape);
}

function ids(shape: number[], vocabulary: number, seed: number): Tensor {
  const random = seededRandom(seed);
  const size = shape.reduce((a, b) => a * b, 1);
  return tensor(Int32Array.from({ length: size }, (_, i) => (i % 5 === 4 ? 0 : Math.floor(random() * vocabulary))), shape);
}

/** Random weights, so that a loaded model's zero-initialised layers cannot pass by luck. */
export function randomizeWeights(model: ModelBase, seed: number): void {
  const random = seededRandom(seed);
  model.setWeights(model.getWeights().map((w) => tensor(Float32Array.from(w.data, () => random() - 0.5), [...w.shape])));
}

export const SAMPLE_MODELS: SampleModel[] = [
  {
    name: 'sequential stack of every recurrent cell and wrapper',
    make: () => new Sequential({
      name: 'stack',
      layers: [
        new Masking({ inputShape: [6, 3], maskValue: 0 }),
        new SimpleRNN({ units: 4, returnSequences: true }),
        new LSTM({ units: 3, returnSequences: true, goBackwards: true }),
        new GRU({ units: 3, returnSequences: true, resetAfter: false }),
        new TimeDistributed(new Dense({ units: 2, activation: 'tanh' })),
        new Dropout({ rate: 0.25 }),
        new Bidirectional(new LSTM({ units: 2 }), { mergeMode: 'sum' }),
        new Dense({ units: 2, useBias: false }),
      ],
    }),
    inputs: () => [floats([3, 6, 3], 1)],
  },
  {
    name: 'embedding with mask_zero into a reset-after GRU',
    make: () => new Sequential({
      layers: [
        new Embedding({ inputDim: 12, outputDim: 4, maskZero: true, inputLength: 7 }),
        new GRU({ units: 5, returnSequences: true }),
        new Bidirectional(new GRU({ units: 2 }), { backwardLayer: new GRU({ units: 2, goBackwards: true, resetAfter: true }) }),
        new Dense({ units: 3, activation: 'softmax' }),
      ],
    }),
    inputs: () => [ids([2, 7], 12, 2)],
  },
  {
    name: 'functional: two inputs, initial states, a shared Dense and Concatenate',
    make: () => {
      const a = Input({ shape: [5, 3], name: 'a' });
      const b = Input({ shape: [4, 2], name: 'b' });
      const [, h, c] = new LSTM({ units: 3, returnState: true, name: 'encoder' }).apply(a) as unknown as [never, typeof a, typeof a];
      const decoded = new LSTM({ units: 3, returnSequences: true, name: 'decoder' }).apply(b, { initialState: [h, c] }) as unknown as typeof a;
      const last = new SimpleRNN({ units: 3, name: 'summary_rnn' }).apply(decoded) as unknown as typeof a;
      const shared = new Dense({ units: 3, activation: 'relu', name: 'shared' });
      const merged = new Concatenate({ name: 'merge' }).apply([shared.apply(h) as unknown as typeof a, shared.apply(last) as unknown as typeof a]) as unknown as typeof a;
      const out = new Dense({ units: 2, name: 'head' }).apply(merged) as unknown as typeof a;
      return new Model({ inputs: [a, b], outputs: [out, h], name: 'two_inputs' });
    },
    inputs: () => [floats([2, 5, 3], 3), floats([2, 4, 2], 4)],
  },
  {
    name: 'stateful LSTM with a fixed batch size',
    make: () => new Sequential({
      layers: [new LSTM({ units: 3, stateful: true, returnSequences: true, batchInputShape: [2, 4, 3] }), new SimpleRNN({ units: 2, stateful: true })],
    }),
    inputs: () => [floats([2, 4, 3], 5)],
  },
  {
    name: 'Keras 2 semantics (hard_sigmoid of Keras 2, reset-before GRU, LeakyReLU alpha)',
    make: () => new Sequential({
      layers: [
        new GRU({ units: 3, inputShape: [5, 2], kerasVersion: 2, resetAfter: false, recurrentActivation: 'hard_sigmoid', returnSequences: true }),
        // tf.keras 2 writes LeakyReLU's slope as alpha.
        new LeakyReLU({ negativeSlope: 0.05 }),
        new Softmax({ kerasVersion: 2 }),
        new LSTM({ units: 2, kerasVersion: 2, recurrentActivation: 'hard_sigmoid' }),
        new Dense({ units: 1, kerasVersion: 2, activation: 'hard_sigmoid' }),
      ],
    }),
    inputs: () => [floats([2, 5, 2], 6)],
  },
  {
    name: "Keras 2's cuDNN layers, plain and in Bidirectional",
    make: () => new Sequential({
      layers: [new CuDNNLSTM({ units: 3, returnSequences: true, inputShape: [5, 2] }), new Bidirectional(new CuDNNGRU({ units: 2 })), new Dense({ units: 1 })],
    }),
    inputs: () => [floats([2, 5, 2], 8)],
  },
  {
    name: 'a 1-D CNN-LSTM with normalisation, the identity-at-inference layers and the shape layers',
    make: () => new Sequential({
      layers: [
        // Constant statistics (config only): an adapted one's int64 count cannot hold a random draw (test/normalization.test.ts saves those).
        new Normalization({ inputShape: [12, 3], mean: [1, 2, 3], variance: [4, 5, 6], invert: true }),
        new Rescaling({ scale: 0.5, offset: [0.1, 0.2, 0.3] }),
        new Conv1D({ filters: 4, kernelSize: 3, activation: 'relu' }),
        new BatchNormalization({}),
        new SpatialDropout1D({ rate: 0.2 }),
        new MaxPooling1D({ poolSize: 2 }),
        new AveragePooling1D({ poolSize: 2, strides: 1, padding: 'same' }),
        new LayerNormalization({}),
        new Activation({ activation: 'gelu' }),
        new GaussianNoise({ stddev: 0.1 }),
        new GaussianDropout({ rate: 0.1 }),
        new AlphaDropout({ rate: 0.1 }),
        new ActivityRegularization({ l2: 0.01 }),
        new Permute({ dims: [2, 1] }),
        new Reshape({ targetShape: [5, 4] }),
        new LSTM({ units: 3 }),
        new RepeatVector({ n: 2 }),
        new Flatten({}),
        new Dense({ units: 1 }),
      ],
    }),
    inputs: () => [floats([2, 12, 3], 9)],
  },
  {
    name: 'a 2-D CNN with global pooling and every merge layer',
    make: () => {
      const x = Input({ shape: [6, 6, 2], name: 'image' });
      const features = new SpatialDropout2D({ rate: 0.1 }).apply(new Conv2D({ filters: 3, kernelSize: 3, padding: 'same', name: 'conv' }).apply(x)) as SymbolicTensor;
      const pooled = new AveragePooling2D({ poolSize: 2 }).apply(new MaxPooling2D({ poolSize: 1 }).apply(features) as SymbolicTensor) as SymbolicTensor;
      const a = new GlobalMaxPooling2D({}).apply(pooled) as SymbolicTensor;
      const b = new GlobalAveragePooling2D({}).apply(pooled) as SymbolicTensor;
      const merged = [new Add({}), new Subtract({}), new Multiply({}), new Average({}), new Maximum({}), new Minimum({})].map((layer) => layer.apply([a, b]) as SymbolicTensor);
      const dot = new Dot({ axes: 1 }).apply([a, b]) as SymbolicTensor;
      const out = new Dense({ units: 2 }).apply(new Concatenate({}).apply([...merged, dot]) as SymbolicTensor) as SymbolicTensor;
      return new Model({ inputs: x, outputs: out, name: 'cnn_2d' });
    },
    inputs: () => [floats([2, 6, 6, 2], 10)],
  },
  {
    name: 'a 3-D CNN',
    make: () => new Sequential({
      layers: [
        new Conv3D({ filters: 2, kernelSize: 2, inputShape: [4, 4, 4, 1] }),
        new SpatialDropout3D({ rate: 0.1 }),
        new MaxPooling3D({ poolSize: 1 }),
        new AveragePooling3D({ poolSize: 3 }),
        new Flatten({}),
        new Dense({ units: 1 }),
      ],
    }),
    inputs: () => [floats([2, 4, 4, 4, 1], 12)],
  },
  {
    name: 'ConvLSTM1D and ConvLSTM2D, and TimeDistributed convolution',
    make: () => {
      const frames = Input({ shape: [3, 5, 2], name: 'frames' });
      const video = Input({ shape: [3, 4, 4, 1], name: 'video' });
      const one = new Flatten({}).apply(new ConvLSTM1D({ filters: 2, kernelSize: 3, padding: 'same' }).apply(frames) as SymbolicTensor) as SymbolicTensor;
      const two = new Flatten({}).apply(new ConvLSTM2D({ filters: 2, kernelSize: 3, padding: 'same' }).apply(video) as SymbolicTensor) as SymbolicTensor;
      const perFrame = new TimeDistributed(new Conv2D({ filters: 2, kernelSize: 2 })).apply(video) as SymbolicTensor;
      const three = new Flatten({}).apply(perFrame) as SymbolicTensor;
      const out = new Dense({ units: 1 }).apply(new Concatenate({}).apply([one, two, three]) as SymbolicTensor) as SymbolicTensor;
      return new Model({ inputs: [frames, video], outputs: out, name: 'conv_lstm' });
    },
    inputs: () => [floats([2, 3, 5, 2], 13), floats([2, 3, 4, 4, 1], 14)],
  },
  {
    name: 'Attention and AdditiveAttention over a sequence, with global 1-D pooling',
    make: () => {
      const query = Input({ shape: [3, 4], name: 'query' });
      const value = Input({ shape: [5, 4], name: 'value' });
      const dotted = new Attention({ useScale: true }).apply([query, value]) as SymbolicTensor;
      const added = new AdditiveAttention({}).apply([query, value]) as SymbolicTensor;
      const pooled = [new GlobalMaxPooling1D({}).apply(dotted) as SymbolicTensor, new GlobalAveragePooling1D({}).apply(added) as SymbolicTensor];
      const out = new Dense({ units: 2 }).apply(new Concatenate({}).apply(pooled) as SymbolicTensor) as SymbolicTensor;
      return new Model({ inputs: [query, value], outputs: out, name: 'attention' });
    },
    inputs: () => [floats([2, 3, 4], 15), floats([2, 5, 4], 16)],
  },
  {
    name: 'the activation layers around an LSTM: ReLU, LeakyReLU, ELU, PReLU, Softmax',
    make: () => new Sequential({
      layers: [
        // tfjs-layers' ReLU has maxValue alone; the slope and threshold are in the time-axis sample.
        new ReLU({ maxValue: 2, inputShape: [5, 3] }),
        new LeakyReLU(0.2),
        new LSTM({ units: 4, returnSequences: true }),
        new PReLU({ sharedAxes: [1] }),
        // alpha 1: tfjs-layers (test/io/save-tfjs.test.ts) runs no other.
        new ELU(),
        new TimeDistributed(new PReLU()),
        new Softmax({ axis: [1, 2] }),
        new Flatten(),
        new Dense({ units: 2 }),
      ],
    }),
    inputs: () => [floats([2, 5, 3], 17)],
  },
  {
    name: 'the time-axis layers: ZeroPadding1D (both data formats), UpSampling1D, Cropping1D',
    make: () => new Sequential({
      layers: [
        new ZeroPadding1D({ padding: [2, 1], inputShape: [4, 3] }),
        new ReLU({ maxValue: 2, negativeSlope: 0.1, threshold: 0.2 }),
        new UpSampling1D(3),
        new Cropping1D([1, 4]),
        new ZeroPadding1D({ padding: 1, dataFormat: 'channels_first' }),
        new GRU({ units: 2 }),
      ],
    }),
    inputs: () => [floats([2, 4, 3], 18)],
  },
  {
    name: 'compiled with Adam, mse and mae',
    make: () => {
      const model = new Sequential({ layers: [new SimpleRNN({ units: 3, inputShape: [4, 2] }), new Dense({ units: 1 })] });
      model.compile({ optimizer: 'adam', loss: 'mse', metrics: ['mae'] });
      return model;
    },
    inputs: () => [floats([2, 4, 2], 7)],
  },
  {
    name: "Keras' generic RNN over cells",
    make: () => new Sequential({
      name: 'rnn_cells',
      layers: [
        new RNN(new LSTMCell(3), { inputShape: [5, 2], returnSequences: true }),
        new RNN(new GRUCell(2, { resetAfter: false })),
      ],
    }),
    inputs: () => [floats([2, 5, 2], 41)],
  },
];

/** Every layer class in `model`, wrapped layers included. */
export function layerClasses(model: ModelBase): string[] {
  const classes = new Set<string>();
  const visit = (layer: Layer) => {
    classes.add(layer.className);
    for (const inner of ['layer', 'forwardLayer', 'backwardLayer']) {
      const value = (layer as unknown as Record<string, unknown>)[inner];
      if (value && typeof value === 'object' && 'className' in value) visit(value as Layer);
    }
  };
  model.layers.forEach(visit);
  if (model instanceof Model) model.inputs.forEach((t) => visit(t.layer));
  if (model instanceof Sequential) classes.add('InputLayer');
  return [...classes];
}
