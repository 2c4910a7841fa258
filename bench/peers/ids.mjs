// Peer ids and labels in table order, without loading any peer's runtime (the report
// and the chart only need names).
export const OURS = 'wasm-rnn';

export const PEER_LABELS = {
  [OURS]: 'wasm-rnn (this package)',
  'tfjs-cpu': 'tfjs cpu backend',
  'tfjs-wasm': 'tfjs wasm backend (SIMD, 1 thread)',
  'ort-web': 'onnxruntime-web (wasm SIMD, 1 thread)',
  'ort-node': 'onnxruntime-node (native CPU, 1 thread)',
};

export const PEER_IDS = Object.keys(PEER_LABELS);
