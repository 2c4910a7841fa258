// Every layer as a Keras user builds and calls it, with what apply() gives typed from the options.
import {
  Dense, Dropout, Embedding, LSTM, GRU, SimpleRNN, Bidirectional, ConvLSTM1D, ConvLSTM2D, Conv1D, Conv2D, MaxPooling1D,
  GlobalAveragePooling1D, GlobalMaxPooling1D, Flatten, Reshape, Permute, RepeatVector, Activation, BatchNormalization,
  LayerNormalization, Normalization, Rescaling, Add, Concatenate, Multiply, Attention, AdditiveAttention, TimeDistributed, Masking, Input, Sequential, Model,
  layerFromConfig, tensor, initializers, ready, type Tensor, type SymbolicTensor, type Layer,
} from 'wasm-rnn';
import { loadModel } from 'wasm-rnn/keras';

await ready();
const x = tensor(new Float32Array(2 * 6 * 4), [2, 6, 4]);
const inp = Input({ shape: [6, 4] });
const tokens = tensor(new Int32Array([1, 2, 3, 0, 4, 5, 6, 0]), [2, 4]);

const dense: Tensor = new Dense(3).apply(x);
const dropped: Tensor = new Dropout(0.2).apply(x);
const embedded: Tensor = new Embedding(10, 4).apply(tokens);
const lstmSeq: Tensor = new LSTM(3, { returnSequences: true, dropout: 0.1, recurrentDropout: 0.1 }).apply(x);
const [lstmOut, lstmH, lstmC] = new LSTM(3, { returnState: true }).apply(x);
const [gruOut, gruH] = new GRU(3, { returnState: true, resetAfter: false }).apply(x);
const rnn: Tensor = new SimpleRNN(3, { activation: 'relu' }).apply(x);
const withState: Tensor = new LSTM(3).apply(x, { initialState: [lstmH, lstmC] });
const [bFw, bBw] = new Bidirectional(new GRU(3), { mergeMode: null }).apply(x);
const concat: Tensor = new Bidirectional(new LSTM(3, { returnSequences: true }), { mergeMode: 'concat' }).apply(x);
const backwards: Tensor = new LSTM(3, { goBackwards: true, unroll: false }).apply(x);

const video = tensor(new Float32Array(1 * 3 * 5 * 5 * 2), [1, 3, 5, 5, 2]);
const convLstm: Tensor = new ConvLSTM2D({ filters: 2, kernelSize: 3, padding: 'same' }).apply(video);
const convLstmSeq: Tensor = new ConvLSTM2D({ filters: 2, kernelSize: [3, 3], returnSequences: true }).apply(video);
const [cOut, cH, cC] = new ConvLSTM2D({ filters: 2, kernelSize: 3, returnState: true }).apply(video);
const [kOut, kH, kC]: [Tensor, Tensor, Tensor] = new ConvLSTM2D(2, 3, { returnState: true, padding: 'same' }).apply(video);
const positionalConv: Tensor = new ConvLSTM2D(2, [3, 3]).apply(video);
const conv1dLstm: Tensor = new ConvLSTM1D({ filters: 2, kernelSize: 2 }).apply(tensor(new Float32Array(1 * 3 * 5 * 2), [1, 3, 5, 2]));
const [c1Out, c1H, c1C] = new ConvLSTM1D(2, 2, { returnState: true }).apply(tensor(new Float32Array(1 * 3 * 5 * 2), [1, 3, 5, 2]));
// @ts-expect-error a ConvLSTM with returnState gives [output, h, c], not a Tensor
new ConvLSTM2D({ filters: 2, kernelSize: 3, returnState: true }).apply(video).shape;
// @ts-expect-error three tensors, not four
const [, , , convFourth] = new ConvLSTM2D({ filters: 2, kernelSize: 3, returnState: true }).apply(video);
const convFlag = Math.random() > 2; // a boolean the compiler cannot know
// @ts-expect-error returnState not known at compile time: might be a list
new ConvLSTM2D({ filters: 2, kernelSize: 3, returnState: convFlag }).apply(video).shape;
const videoIn = Input({ shape: [3, 5, 5, 2] });
const [vOut, vH, vC] = new ConvLSTM2D(2, 3, { returnState: true }).apply(videoIn);
const vSeq: SymbolicTensor = new ConvLSTM2D(2, 3, { returnSequences: true }).apply(videoIn);
const anyConv: ConvLSTM2D = new ConvLSTM2D(2, 3, { returnState: true });
const convCopy = ConvLSTM2D.fromConfig(anyConv.getConfig());
// @ts-expect-error read back from a config, returnState is known only at run time
convCopy.apply(video).shape;

const conv: Tensor = new Conv1D(4, 3, { padding: 'causal', activation: 'relu' }).apply(x);
const conv2: Tensor = new Conv2D({ filters: 2, kernelSize: 3 }).apply(tensor(new Float32Array(1 * 5 * 5 * 1), [1, 5, 5, 1]));
const pooled: Tensor = new MaxPooling1D(2).apply(x);
const gap: Tensor = new GlobalAveragePooling1D().apply(x);
const gmp: Tensor = new GlobalMaxPooling1D().apply(x);
const flat: Tensor = new Flatten().apply(x);
const reshaped: Tensor = new Reshape([4, 6]).apply(x);
const permuted: Tensor = new Permute([2, 1]).apply(x);
const repeated: Tensor = new RepeatVector(3).apply(new Dense(2).apply(tensor(new Float32Array(8), [2, 4])));
const act: Tensor = new Activation('tanh').apply(x);
const bn: Tensor = new BatchNormalization().apply(x);
const ln: Tensor = new LayerNormalization({ epsilon: 1e-3 }).apply(x);
const added: Tensor = new Add().apply([x, x]);
const multiplied: Tensor = new Multiply().apply([x, x]);
const joined: Tensor = new Concatenate({ axis: -1 }).apply([x, x]);
const attended: Tensor = new Attention().apply([x, x]);
const causal: Tensor = new Attention().apply([x, x], { useCausalMask: true });
const [attOut, scores] = new Attention().apply([x, x], { returnAttentionScores: true });
const additive: Tensor = new AdditiveAttention().apply([x, x, x]);
const wantScores = Math.random() > 2;
// @ts-expect-error returnAttentionScores not known at compile time: might be a list
new Attention().apply([x, x], { returnAttentionScores: wantScores }).shape;
const symbolicAttention: SymbolicTensor = new Attention().apply([inp, inp]);
const [symOut, symScores] = new Attention().apply([inp, inp], { returnAttentionScores: true });

const perStep: Tensor = new TimeDistributed(new Dense(2)).apply(x);
const masked: Tensor = new Masking({ maskValue: 0 }).apply(x);

// Symbolic: a graph from Input.
const s1: SymbolicTensor = new Dense(3).apply(inp);
const [s2, s3, s4] = new LSTM(3, { returnState: true, returnSequences: true }).apply(inp);
const s5: SymbolicTensor = new Concatenate().apply([s2, inp]);
const s6: SymbolicTensor = new Add().apply([new Dense(4).apply(inp), inp]);

// Config round trip.
const original = new LSTM(3, { returnSequences: true, kernelInitializer: initializers.heNormal({ seed: 3 }) });
// @ts-expect-error layerFromConfig takes Keras' serialisation { class_name, config }; getConfig() is the config alone
const bareConfig = () => layerFromConfig(original.getConfig());
const copy = layerFromConfig({ class_name: original.className, config: original.getConfig() });
const copyOut: Tensor | Tensor[] = copy.apply(x);
const copied = LSTM.fromConfig(original.getConfig());
const units: number = copied.units;

// Keras initializer names as strings, and objects.
new LSTM(3, { kernelInitializer: 'glorot_uniform', recurrentInitializer: 'orthogonal', biasInitializer: 'zeros', unitForgetBias: true });
new Dense(3, { kernelInitializer: initializers.randomNormal({ mean: 0, stddev: 0.05, seed: 1 }), biasInitializer: initializers.constant(0.1) });
new GRU(3, { kernelInitializer: initializers.orthogonal({ gain: 1 }), recurrentInitializer: initializers.identity() });

// Tensors.
const t = tensor([[1, 2], [3, 4]]);
const shape: readonly number[] = t.shape;
const data: Float32Array = t.data;
const nested = t.toArray();
const rank: number = t.rank;
const fromTyped = tensor(new Float32Array([1, 2, 3, 4, 5, 6]), [2, 3]);
const printed: string = String(fromTyped);

// Streams: one frame at a time.
const streamModel = new Sequential([new LSTM(8, { inputShape: [null, 4] }), new Dense(2)]);
const stream = streamModel.stream({ batchSize: 1 });
const frameOut: Float32Array = stream.step(new Float32Array(4));
const states: Tensor[] = stream.states();
stream.reset();
stream.dispose();
const streamedGru = new GRU(4);
streamedGru.build([1, null, 4]);
const layerStream = streamedGru.stream();
const layerOut: Float32Array = layerStream.step(new Float32Array(4));
// Several inputs: a list of frames, or the frames by input name; both give the list of outputs.
const byName: Float32Array[] = streamModel.stream().step({ [streamModel.inputNames[0] ?? 'input']: new Float32Array(4) });
const byList: Float32Array[] = streamModel.stream().step([new Float32Array(4)], [new Float32Array(2)]);

// Loaded models predict.
async function loaded(): Promise<number> {
  const model = await loadModel('model.keras');
  const y = model.predict(x);
  const first = Array.isArray(y) ? y[0] : y;
  const layers: Layer[] = model.layers;
  const lstm = model.getLayer('lstm');
  if (lstm instanceof LSTM) return lstm.units;
  return (first?.size ?? 0) + layers.length;
}

const functional = new Model({ inputs: inp, outputs: [s1, s5] });
const [f1, f2] = functional.predict(x);

// Keras' Normalization: adapt() on data, or constants; apply() gives one tensor.
const normalizer = new Normalization({ axis: -1 });
normalizer.adapt([[0, 7, 4], [2, 9, 6]]);
const normalized: Tensor = normalizer.apply([[1, 2, 3]]);
const fixedNormalizer = new Normalization({ mean: [1, 2], variance: [4, 9], invert: true });
const normalizedSymbolic: SymbolicTensor = fixedNormalizer.apply(Input({ shape: [5, 2] }));
const rescaled: Tensor = new Rescaling(1 / 255).apply([[255, 0]]);
const shifted: SymbolicTensor = new Rescaling({ scale: [0.5, 2], offset: -1 }).apply(Input({ shape: [5, 2] }));

export {
  normalized, normalizedSymbolic, rescaled, shifted,
  dense, dropped, embedded, lstmSeq, lstmOut, lstmH, lstmC, gruOut, gruH, rnn, withState, bFw, bBw, concat, backwards, convLstm, convLstmSeq, cOut, cH, cC, kOut, kH, kC, positionalConv, c1Out, c1H, c1C, convFourth, vOut, vH, vC, vSeq,
  causal, attOut, scores, additive, symbolicAttention, symOut, symScores, conv1dLstm, conv, conv2, pooled, gap, gmp, flat, reshaped, permuted, repeated, act, bn, ln, added, multiplied,
  joined, attended, perStep, masked, s3, s4, s6, copyOut, units, shape, data, nested, rank, printed, states, frameOut, layerOut, byName, byList,
  loaded, f1, f2, bareConfig,
};
