// A CommonJS TypeScript user: `import ... from 'wasm-rnn'` compiles to require('wasm-rnn').
import { ConfigError, Dense, LSTM, Sequential, loadModel, ready, tensor, type Tensor } from 'wasm-rnn';

async function main(): Promise<void> {
  await ready();
  const x = tensor(new Float32Array(2 * 5 * 3), [2, 5, 3]);
  const [sequence, h, c] = new LSTM(4, { returnSequences: true, returnState: true }).apply(x);
  const shapes: (readonly number[])[] = [sequence.shape, h.shape, c.shape];
  const model = new Sequential([new LSTM(4, { inputShape: [5, 3] }), new Dense(1)]);
  const y: Tensor = model.predict(x);
  const data: Float32Array = y.data;
  const loaded = await loadModel('model.keras');
  // @ts-expect-error a misspelt option is a compile error in CommonJS too
  new LSTM({ untis: 3 });
  try {
    loaded.predict(x);
  } catch (error) {
    if (error instanceof ConfigError) console.log(error.message);
  }
  console.log(shapes, data.length);
}

void main();
