// README, Models as layers: a sub-model in a Sequential, frozen, and shared by two inputs.
import { ready, Concatenate, Dense, Input, LSTM, Model, Sequential } from 'wasm-rnn';
await ready();

const encoder = new Sequential([new LSTM(32, { inputShape: [20, 8] }), new Dense(16)], { name: 'encoder' });
const classifier = new Sequential([encoder, new Dense(1, { activation: 'sigmoid' })]);
encoder.trainable = false;            // freezes every layer inside it; fit() trains only the head

const left = Input({ shape: [20, 8] });
const right = Input({ shape: [20, 8] });
const merged = new Concatenate().apply([encoder.apply(left), encoder.apply(right)]); // one encoder, shared weights
const siamese = new Model({ inputs: [left, right], outputs: new Dense(1).apply(merged) });

export { classifier, siamese };
