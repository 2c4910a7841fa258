// Recurrent layers: what apply() returns follows the constructor's options, without casts.
import { Bidirectional, GRU, Input, LSTM, SimpleRNN, tensor, type LSTMOptions, type SymbolicTensor, type Tensor } from 'wasm-rnn';

const x = tensor(new Float32Array(20), [1, 4, 5]);

// The three lines.
const [seq, h, c] = new LSTM({ units: 3, returnSequences: true, returnState: true }).apply(x);
const shapes: readonly number[][] = [[...seq.shape], [...h.shape], [...c.shape]];
new LSTM({ units: 3 }).apply(x).shape;

// returnState: false or left out gives one Tensor.
const single: Tensor = new LSTM({ units: 3, returnState: false }).apply(x);
const gruOut: Tensor = new GRU({ units: 2, returnSequences: true }).apply(x);
const rnnOut: Tensor = new SimpleRNN({ units: 2 }).apply(x);

// returnState: true gives [output, h] for SimpleRNN/GRU and [output, h, c] for LSTM.
const [gruSeq, gruH] = new GRU({ units: 2, returnState: true }).apply(x);
const [rnnSeq, rnnH]: [Tensor, Tensor] = new SimpleRNN({ units: 2, returnState: true }).apply(x);
// @ts-expect-error a GRU has one state: no third element
const [, , gruThird] = new GRU({ units: 2, returnState: true }).apply(x);
// @ts-expect-error an LSTM with returnState gives a tuple, not a Tensor
new LSTM({ units: 3, returnState: true }).apply(x).shape;

// Units first, as Keras users write them.
const positional: Tensor = new LSTM(3).apply(x);
const [pOut, pH] = new GRU(3, { returnState: true }).apply(x);
const [sOut, sH] = new SimpleRNN(8, { returnSequences: true, returnState: true }).apply(x);
new LSTM(3, { returnSequences: true }).apply(x).data;
// @ts-expect-error units cannot be given twice
new LSTM(3, { units: 3 });
// @ts-expect-error units must be a number
new LSTM('3');

// Options not known at compile time: Tensor | Tensor[].
declare const flag: boolean;
const unknownState = new LSTM({ units: 3, returnState: flag }).apply(x);
// @ts-expect-error might be a list
unknownState.shape;
declare const options: LSTMOptions;
const fromVariable = new LSTM(options).apply(x);
const asList = Array.isArray(fromVariable) ? fromVariable : [fromVariable];
// @ts-expect-error might be a list
fromVariable.shape;
// A bare `LSTM` annotation is any LSTM: its apply() may give either.
const anyLstm: LSTM = new LSTM({ units: 3, returnState: true });
// @ts-expect-error might be a list
anyLstm.apply(x).shape;

// Symbolic calls give SymbolicTensors the same way.
const inp = Input({ shape: [5, 1] });
const [o, sh, sc] = new LSTM({ units: 3, returnState: true }).apply(inp);
const symbolic: SymbolicTensor = new GRU({ units: 3 }).apply(inp);
const symbolicShape: readonly (number | null)[] = o.shape;
// @ts-expect-error a SymbolicTensor has no data
symbolic.data;

// Bidirectional: merged output, [forward, backward] with mergeMode null, then forward and backward states.
const merged: Tensor = new Bidirectional(new LSTM({ units: 3 })).apply(x);
const summed: Tensor = new Bidirectional(new GRU({ units: 3 }), { mergeMode: 'sum' }).apply(x);
const [fw, bw] = new Bidirectional(new LSTM({ units: 3 }), { mergeMode: null }).apply(x);
const [out, fwH, fwC, bwH, bwC] = new Bidirectional(new LSTM({ units: 3, returnState: true })).apply(x);
const [gOut, gFwH, gBwH] = new Bidirectional(new GRU({ units: 3, returnState: true })).apply(x);
const [nFw, nBw, nFwH, nBwH] = new Bidirectional(new SimpleRNN({ units: 3, returnState: true }), { mergeMode: null }).apply(x);
const [bs1, bs2, bs3, bs4, bs5] = new Bidirectional(new LSTM({ units: 3, returnState: true })).apply(inp);
const bsShape: readonly (number | null)[] = bs5.shape;
// @ts-expect-error an LSTM Bidirectional with returnState gives five tensors
const [, , , , , sixth] = new Bidirectional(new LSTM({ units: 3, returnState: true })).apply(x);
declare const mode: 'sum' | null;
// @ts-expect-error merge mode not known at compile time
new Bidirectional(new LSTM({ units: 3 }), { mergeMode: mode }).apply(x).shape;
const anyBidirectional: Bidirectional = new Bidirectional(new LSTM({ units: 3, returnState: true }));

// A layer read back from its config: which options it has is known only at run time.
const copied = LSTM.fromConfig(new LSTM({ units: 3, returnState: true }).getConfig());
const copiedOut = copied.apply(x);
// @ts-expect-error might be a list
copiedOut.shape;

export {
  shapes, single, gruOut, rnnOut, gruSeq, gruH, rnnSeq, rnnH, gruThird, positional, pOut, pH, sOut, sH, asList, sh, sc,
  symbolicShape, merged, summed, fw, bw, out, fwH, fwC, bwH, bwC, gOut, gFwH, gBwH, nFw, nBw, nFwH, nBwH, bs1, bs2, bs3, bs4,
  bsShape, sixth, anyBidirectional, copiedOut,
};
