// The entry of the Node bundle (scripts/build-node.mjs builds dist/node/core.script.cjs from it):
// every export of the core entry, and wasm-rnn/keras behind a dynamic import, which the bundle
// turns into an init on first use, so that the file readers load only when asked for.
export * from './index.js';

/** wasm-rnn/keras's exports, for dist/node/keras.js. @internal */
export const loadKeras = (): Promise<typeof import('./io/keras.js')> => import('./io/keras.js');
