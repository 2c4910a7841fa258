// `npm run demo`: the seed notebook examples, printed with their shapes and values.
import { ready, tensor, initializers, SimpleRNN, LSTM, GRU, Bidirectional, type Tensor } from './index.js';

function show(label: string, output: Tensor | Tensor[]): void {
  console.log(`\n${label}`);
  const list = Array.isArray(output) ? output : [output];
  for (const t of list) {
    const values = Array.from(t.data.subarray(0, 24), (v) => v.toFixed(6));
    if (t.size > values.length) values.push('...');
    console.log(`  shape [${t.shape.join(', ')}]: ${values.join(', ')}`);
  }
}

await ready();
const x = tensor([[[0.1, 4.2, 1.5, 1.1, 2.8], [1.0, 3.1, 2.5, 0.7, 1.1], [0.3, 2.1, 1.5, 2.1, 0.1], [2.2, 1.4, 0.5, 0.9, 1.1]]]);
console.log(`wasm-rnn demo: input x of shape [${x.shape.join(', ')}]`);

const constantLstm = (returnSequences: boolean): Bidirectional =>
  new Bidirectional(new LSTM({
    units: 3,
    kernelInitializer: initializers.constant(0.1),
    recurrentInitializer: initializers.constant(0.1),
    biasInitializer: initializers.constant(0),
    returnState: true,
    returnSequences,
  }));
show('Bidirectional(LSTM(3, Constant(0.1) weights, return_state=True)): output, fw h, fw c, bw h, bw c', constantLstm(false).apply(x));
show('... with return_sequences=True', constantLstm(true).apply(x));

show('SimpleRNN(3)', new SimpleRNN({ units: 3, seed: 1 }).apply(x));
show('SimpleRNN(3, return_sequences=True, return_state=True)', new SimpleRNN({ units: 3, returnSequences: true, returnState: true, seed: 1 }).apply(x));
show('LSTM(3, return_sequences=True, return_state=True): seq, h, c', new LSTM({ units: 3, returnSequences: true, returnState: true, seed: 1 }).apply(x));

const x2 = tensor([[[0.1], [0.2], [0.3], [0.4], [0.5]], [[0.5], [0.4], [0.3], [0.2], [0.1]]]);
show('GRU(3, return_state=True) on a [2, 5, 1] input', new GRU({ units: 3, returnState: true, seed: 1 }).apply(x2));
show('Bidirectional(GRU(3, return_state=True)) on a [2, 5, 1] input', new Bidirectional(new GRU({ units: 3, returnState: true, seed: 1 })).apply(x2));
