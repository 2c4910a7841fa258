import type { Activation } from './activations.js';

/**
 * One cell's weights in Keras layout. Matrices are row-major and split column-wise into
 * `units`-wide gate blocks: LSTM i, f, c, o; GRU z, r, h; SimpleRNN a single block.
 */
export interface CellWeights {
  inputSize: number;
  units: number;
  /** `[inputSize, gates * units]` */
  kernel: Float64Array;
  /** `[units, gates * units]` */
  recurrentKernel: Float64Array;
  /** `[gates * units]`, added to `x·W`; null when `use_bias` is false. */
  inputBias: Float64Array | null;
  /** `[gates * units]`, added to `h·U`; only a reset_after GRU has it. */
  recurrentBias: Float64Array | null;
}

/** `vector · matrix` for a row vector and a row-major `[vector.length, columns]` matrix. */
export function rowTimesMatrix(vector: Float64Array, matrix: Float64Array, columns: number): Float64Array {
  const result = new Float64Array(columns);
  for (let row = 0; row < vector.length; row++) {
    for (let column = 0; column < columns; column++) {
      result[column] += vector[row] * matrix[row * columns + column];
    }
  }
  return result;
}

/** Gate block `gate` (0-based) of a vector made of `units`-wide blocks. */
export function gateBlock(vector: Float64Array, gate: number, units: number): Float64Array {
  return vector.slice(gate * units, (gate + 1) * units);
}

/** `h = act(x·W + b + h_prev·U)` */
export function simpleRnnStep(
  x: Float64Array,
  hPrev: Float64Array,
  weights: CellWeights,
  activation: Activation,
): Float64Array {
  const units = weights.units;
  const xw = rowTimesMatrix(x, weights.kernel, units);
  const hu = rowTimesMatrix(hPrev, weights.recurrentKernel, units);
  const h = new Float64Array(units);
  for (let j = 0; j < units; j++) {
    const bias = weights.inputBias === null ? 0 : weights.inputBias[j];
    h[j] = activation(xw[j] + bias + hu[j]);
  }
  return h;
}

/** Keras LSTM with gate blocks i, f, c, o. */
export function lstmStep(
  x: Float64Array,
  hPrev: Float64Array,
  cPrev: Float64Array,
  weights: CellWeights,
  activation: Activation,
  recurrentActivation: Activation,
): { h: Float64Array; c: Float64Array } {
  const units = weights.units;
  const xw = rowTimesMatrix(x, weights.kernel, 4 * units);
  const hu = rowTimesMatrix(hPrev, weights.recurrentKernel, 4 * units);
  const preActivation = new Float64Array(4 * units);
  for (let k = 0; k < 4 * units; k++) {
    const bias = weights.inputBias === null ? 0 : weights.inputBias[k];
    preActivation[k] = xw[k] + hu[k] + bias;
  }
  const zi = gateBlock(preActivation, 0, units);
  const zf = gateBlock(preActivation, 1, units);
  const zc = gateBlock(preActivation, 2, units);
  const zo = gateBlock(preActivation, 3, units);

  const h = new Float64Array(units);
  const c = new Float64Array(units);
  for (let j = 0; j < units; j++) {
    const inputGate = recurrentActivation(zi[j]);
    const forgetGate = recurrentActivation(zf[j]);
    const candidate = activation(zc[j]);
    const outputGate = recurrentActivation(zo[j]);
    c[j] = forgetGate * cPrev[j] + inputGate * candidate;
    h[j] = outputGate * activation(c[j]);
  }
  return { h, c };
}

/**
 * Keras GRU with gate blocks z, r, h.
 * reset_after=true applies the reset gate to `h_prev·U_h + b_recurrent_h` (cuDNN/PyTorch form);
 * reset_after=false applies it to `h_prev` before multiplying by `U_h` (the original GRU).
 */
export function gruStep(
  x: Float64Array,
  hPrev: Float64Array,
  weights: CellWeights,
  activation: Activation,
  recurrentActivation: Activation,
  resetAfter: boolean,
): Float64Array {
  const units = weights.units;
  const xw = rowTimesMatrix(x, weights.kernel, 3 * units);
  if (weights.inputBias !== null) {
    for (let k = 0; k < 3 * units; k++) xw[k] += weights.inputBias[k];
  }
  const xz = gateBlock(xw, 0, units);
  const xr = gateBlock(xw, 1, units);
  const xh = gateBlock(xw, 2, units);

  const h = new Float64Array(units);
  if (resetAfter) {
    const hu = rowTimesMatrix(hPrev, weights.recurrentKernel, 3 * units);
    if (weights.recurrentBias !== null) {
      for (let k = 0; k < 3 * units; k++) hu[k] += weights.recurrentBias[k];
    }
    const hz = gateBlock(hu, 0, units);
    const hr = gateBlock(hu, 1, units);
    const hh = gateBlock(hu, 2, units);
    for (let j = 0; j < units; j++) {
      const update = recurrentActivation(xz[j] + hz[j]);
      const reset = recurrentActivation(xr[j] + hr[j]);
      const candidate = activation(xh[j] + reset * hh[j]);
      h[j] = update * hPrev[j] + (1 - update) * candidate;
    }
    return h;
  }

  const recurrentZ = recurrentKernelBlock(weights, 0);
  const recurrentR = recurrentKernelBlock(weights, 1);
  const recurrentH = recurrentKernelBlock(weights, 2);
  const hz = rowTimesMatrix(hPrev, recurrentZ, units);
  const hr = rowTimesMatrix(hPrev, recurrentR, units);
  const update = new Float64Array(units);
  const resetHidden = new Float64Array(units);
  for (let j = 0; j < units; j++) {
    update[j] = recurrentActivation(xz[j] + hz[j]);
    resetHidden[j] = recurrentActivation(xr[j] + hr[j]) * hPrev[j];
  }
  const resetHiddenTimesU = rowTimesMatrix(resetHidden, recurrentH, units);
  for (let j = 0; j < units; j++) {
    const candidate = activation(xh[j] + resetHiddenTimesU[j]);
    h[j] = update[j] * hPrev[j] + (1 - update[j]) * candidate;
  }
  return h;
}

/** The `[units, units]` column block `gate` of the `[units, 3 * units]` recurrent kernel. */
function recurrentKernelBlock(weights: CellWeights, gate: number): Float64Array {
  const units = weights.units;
  const block = new Float64Array(units * units);
  for (let row = 0; row < units; row++) {
    for (let column = 0; column < units; column++) {
      block[row * units + column] = weights.recurrentKernel[row * 3 * units + gate * units + column];
    }
  }
  return block;
}
