// What the demo page loads, bundled to dist/web-demo/wasm-rnn-demo.min.js (`npm run build:demo`):
// the package's browser surface and, from the same module instances, its Keras file I/O, so that
// the training panel can save the model it trained as a .keras file.
export * from '../index.js';
export { loadModel, saveModelBlob } from '../io/keras.js';
