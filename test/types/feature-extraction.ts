// Feature extraction as Keras users write it: model.input with a layer's output makes a sub-model,
// typed without casts where the layer's class says how many outputs it has.
import { Dense, GRU, Input, LSTM, Model, Sequential, tensor, type SymbolicTensor, type Tensor } from 'wasm-rnn';

const x = tensor(new Float32Array(2 * 5 * 3), [2, 5, 3]);
const lstm = new LSTM(4, { returnSequences: true });
const model = new Sequential([Input({ shape: [5, 3] }), lstm, new Dense(1)]);

// A Sequential's input and output are single tensors; so is an LSTM's output without returnState.
const input: SymbolicTensor = model.input;
const features = new Model({ inputs: model.input, outputs: lstm.output });
const featureShape: readonly number[] = features.predict(x).shape;
const last: SymbolicTensor = model.output;

// getLayer() gives a Layer: its output is one tensor or a list, and a Model accepts either.
const byName = new Model({ inputs: model.input, outputs: model.getLayer(0).output });
const either: Tensor | Tensor[] = byName.predict(x);

// returnState: true gives [output, h, c], as apply() does.
const inp = Input({ shape: [5, 3] });
const stateful = new LSTM({ units: 2, returnState: true });
const [, h, c] = stateful.apply(inp);
const [seq, hOut, cOut] = stateful.output;
const states = new Model({ inputs: inp, outputs: [hOut, cOut] }).predict(x);
const [hValue, cValue]: [Tensor, Tensor] = states;
// @ts-expect-error an LSTM with returnState has three outputs, not a single tensor
stateful.output.shape;

// A functional model's input and output follow its inputs and outputs.
const two = new Model({ inputs: inp, outputs: [h, new GRU(3).apply(inp)] });
const [first, second]: [SymbolicTensor, SymbolicTensor] = two.output;
const modelInput: SymbolicTensor = two.input;
const inputs: readonly SymbolicTensor[] = two.inputs;

// Every layer's output at once, lists flattened.
const everything = new Model({ inputs: model.input, outputs: model.layers.map((layer) => layer.output).flat() });
const values: Tensor | Tensor[] = everything.predict(x);

// A layer from getLayer() or model.layers is called as Keras' layer(x): one tensor or a list.
const rerun: Tensor | Tensor[] = model.getLayer(1).apply(x);
const head = model.layers[1];
const rewired = head ? new Model({ inputs: inp, outputs: head.apply(inp) }) : null;
const asModelLayer: Tensor | Tensor[] = new Sequential([features]).layers.map((layer) => layer.apply(x))[0] ?? [];

// Keras' layer(x, mask=m): the mask is another Input, and the result is typed as without it.
const maskInput = Input({ shape: [5], dtype: 'bool' });
const maskedSequence: SymbolicTensor = new GRU(4, { returnSequences: true }).apply(inp, { mask: maskInput });
const [maskedOut, maskedH, maskedC] = new LSTM(2, { returnState: true }).apply(inp, { mask: maskInput, initialState: [hOut, cOut] });
const masked = new Model({ inputs: [inp, maskInput], outputs: [maskedSequence, maskedOut, maskedH, maskedC] });

export { masked, rerun, rewired, asModelLayer, input, featureShape, last, either, c, seq, hValue, cValue, first, second, modelInput, inputs, values };
