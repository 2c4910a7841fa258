// README, Feature extraction: a sub-model from model.input and a layer's output, and every layer's output.
import { ready, Dense, GRU, Input, LSTM, Model, Sequential, tensor } from 'wasm-rnn';
await ready();

const lstm = new LSTM(16, { returnSequences: true, name: 'lstm' });
const model = new Sequential([Input({ shape: [20, 8] }), lstm, new GRU(8), new Dense(1)]);

const features = new Model({ inputs: model.input, outputs: lstm.output });
const perStep = features.predict(tensor(new Float32Array(20 * 8), [1, 20, 8])); // [1, 20, 16]
const everyLayer = new Model({ inputs: model.input, outputs: model.layers.map((layer) => layer.output).flat() });

export { perStep, everyLayer };
