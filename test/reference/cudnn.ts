// Keras 2's CuDNN -> plain Keras weight conversion (keras/engine/saving.py, _convert_rnn_weights),
// written as numpy states it: per gate block k, `k.T.reshape(k.shape, order='F')` for the input
// kernel and `k.T` for the recurrent one; CuDNNLSTM's bias halves summed, CuDNNGRU's bias as the
// (2, 3H) rows of a reset_after GRU.
import type { ReferenceTensor } from './types.js';

/** Column block g of a (rows, G·H) matrix as its own (rows, H) matrix, row-major. */
function block(m: ReferenceTensor, g: number, H: number): number[][] {
  const [rows, width] = m.shape;
  return Array.from({ length: rows }, (_, r) => Array.from({ length: H }, (_, c) => m.data[r * width + g * H + c]));
}

function transpose(a: number[][]): number[][] {
  return a[0].map((_, c) => a.map((row) => row[c]));
}

/** numpy's `a.reshape((rows, cols), order='F')`: read and write in column-major order. */
function reshapeFortran(a: number[][], rows: number, cols: number): number[][] {
  const columnMajor: number[] = [];
  for (let c = 0; c < a[0].length; c++) for (let r = 0; r < a.length; r++) columnMajor.push(a[r][c]);
  return Array.from({ length: rows }, (_, r) => Array.from({ length: cols }, (_, c) => columnMajor[c * rows + r]));
}

function joinBlocks(blocks: number[][][]): ReferenceTensor {
  const rows = blocks[0].length;
  const width = blocks.reduce((n, b) => n + b[0].length, 0);
  const data = new Float64Array(rows * width);
  for (let r = 0; r < rows; r++) data.set(blocks.flatMap((b) => b[r]), r * width);
  return { shape: [rows, width], data };
}

/** The LSTM / reset_after GRU weights [kernel, recurrent_kernel, bias] a CuDNN layer's stored weights stand for. */
export function cudnnToKeras(cell: 'LSTM' | 'GRU', stored: readonly ReferenceTensor[]): ReferenceTensor[] {
  const [kernel, recurrent, bias] = stored;
  const G = cell === 'LSTM' ? 4 : 3;
  const H = recurrent.shape[0];
  const gates = Array.from({ length: G }, (_, g) => g);
  const kerasKernel = joinBlocks(gates.map((g) => {
    const k = block(kernel, g, H);
    return reshapeFortran(transpose(k), k.length, H);
  }));
  const kerasRecurrent = joinBlocks(gates.map((g) => transpose(block(recurrent, g, H))));
  const width = G * H;
  const kerasBias: ReferenceTensor = cell === 'LSTM'
    ? { shape: [width], data: Float64Array.from({ length: width }, (_, i) => bias.data[i] + bias.data[width + i]) }
    : { shape: [2, width], data: Float64Array.from(bias.data) };
  return [kerasKernel, kerasRecurrent, kerasBias];
}
