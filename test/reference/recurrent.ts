import { referenceActivation } from './activations.js';
import { gruStep, lstmStep, simpleRnnStep } from './cells.js';
import type { CellWeights } from './cells.js';
import type { CellKind, ReferenceDropout, ReferenceOptions, ReferenceRecurrentSpec, ReferenceTensor } from './types.js';

/**
 * Batch row b's weights with its dropout masks folded in: (x * m_g)·W_g = x·W'_g with row k of
 * W'_g scaled by m_g[k], and likewise for h·U (the reset_before GRU's (r * h * m_h)·U_h too).
 */
export function weightsWithDropout(w: CellWeights, dropout: ReferenceDropout | undefined, b: number, G: number): CellWeights {
  if (!dropout) return w;
  const scale = (matrix: Float64Array, rows: number, masks: ReferenceTensor[] | null) => {
    if (!masks) return matrix;
    const cols = G * w.units;
    return matrix.map((v, i) => {
      const k = Math.floor(i / cols);
      const g = Math.floor((i % cols) / w.units);
      return v * masks[g].data[b * rows + k];
    });
  };
  return { ...w, kernel: scale(w.kernel, w.inputSize, dropout.input), recurrentKernel: scale(w.recurrentKernel, w.units, dropout.recurrent) };
}

/** How many `units`-wide gate blocks the kernels of each cell have. */
export function gateCount(cell: CellKind): number {
  switch (cell) {
    case 'SimpleRNN':
      return 1;
    case 'LSTM':
      return 4;
    case 'GRU':
      return 3;
  }
}

/** `[h]`, or `[h, c]` for LSTM. */
export function stateCount(cell: CellKind): number {
  return cell === 'LSTM' ? 2 : 1;
}

/** kernel, recurrent_kernel, and bias unless `use_bias` is false. */
export function weightCount(spec: ReferenceRecurrentSpec): number {
  return spec.useBias ? 3 : 2;
}

/** Validates the Keras `get_weights()` list against the spec and splits the bias rows. */
export function cellWeightsFromKeras(
  spec: ReferenceRecurrentSpec,
  weights: ReferenceTensor[],
  inputSize: number,
): CellWeights {
  const units = spec.units;
  const gateWidth = gateCount(spec.cell) * units;
  if (weights.length !== weightCount(spec)) {
    throw new Error(`reference: ${spec.cell} with useBias=${spec.useBias} needs ${weightCount(spec)} weights, got ${weights.length}`);
  }
  const [kernel, recurrentKernel, bias] = weights;
  expectShape(kernel, [inputSize, gateWidth], 'kernel');
  expectShape(recurrentKernel, [units, gateWidth], 'recurrent_kernel');

  let inputBias: Float64Array | null = null;
  let recurrentBias: Float64Array | null = null;
  if (spec.useBias) {
    if (spec.cell === 'GRU' && spec.resetAfter) {
      // Row 0 is added to x·W and row 1 to h·U, which matters because r multiplies only the latter.
      expectShape(bias, [2, gateWidth], 'bias');
      inputBias = bias.data.slice(0, gateWidth);
      recurrentBias = bias.data.slice(gateWidth, 2 * gateWidth);
    } else {
      expectShape(bias, [gateWidth], 'bias');
      inputBias = bias.data.slice();
    }
  }
  return { inputSize, units, kernel: kernel.data, recurrentKernel: recurrentKernel.data, inputBias, recurrentBias };
}

/**
 * Runs a whole SimpleRNN/LSTM/GRU layer over `x` `[B, T, D]` and returns Keras' outputs in order:
 * the output (`[B, T, H]` in processing order, or `[B, H]`), then the final states when `returnState`.
 */
export function referenceRecurrent(
  spec: ReferenceRecurrentSpec,
  weights: ReferenceTensor[],
  x: ReferenceTensor,
  options: ReferenceOptions = {},
): ReferenceTensor[] {
  if (x.shape.length !== 3) throw new Error(`reference: x must be [B, T, D], got [${x.shape.join(', ')}]`);
  const [batch, timeSteps, inputSize] = x.shape;
  const units = spec.units;
  if (!Number.isInteger(units) || units < 1) throw new Error(`reference: units must be a positive integer, got ${units}`);
  const layerWeights = cellWeightsFromKeras(spec, weights, inputSize);
  const activation = referenceActivation(spec.activation, spec.hardSigmoidVariant);
  const recurrentActivation = referenceActivation(spec.recurrentActivation, spec.hardSigmoidVariant);

  const mask = options.mask;
  if (mask !== undefined) expectShape(mask, [batch, timeSteps], 'mask');
  const initialState = options.initialState;
  const statesPerRow = stateCount(spec.cell);
  if (initialState !== undefined) {
    if (initialState.length !== statesPerRow) {
      throw new Error(`reference: ${spec.cell} needs ${statesPerRow} initial states, got ${initialState.length}`);
    }
    initialState.forEach((state, i) => expectShape(state, [batch, units], `initial_state[${i}]`));
  }

  const step = (xRow: Float64Array, states: Float64Array[], b: number): { output: Float64Array; states: Float64Array[] } => {
    const cellWeights = weightsWithDropout(layerWeights, options.dropout, b, gateCount(spec.cell));
    switch (spec.cell) {
      case 'SimpleRNN': {
        const h = simpleRnnStep(xRow, states[0], cellWeights, activation);
        return { output: h, states: [h] };
      }
      case 'LSTM': {
        const { h, c } = lstmStep(xRow, states[0], states[1], cellWeights, activation, recurrentActivation);
        return { output: h, states: [h, c] };
      }
      case 'GRU': {
        const h = gruStep(xRow, states[0], cellWeights, activation, recurrentActivation, spec.resetAfter);
        return { output: h, states: [h] };
      }
    }
  };

  const sequence = new Float64Array(batch * timeSteps * units);
  const lastOutput = new Float64Array(batch * units);
  const finalStates = Array.from({ length: statesPerRow }, () => new Float64Array(batch * units));

  for (let b = 0; b < batch; b++) {
    let states: Float64Array[] = Array.from({ length: statesPerRow }, (_, i) =>
      initialState === undefined ? new Float64Array(units) : initialState[i].data.slice(b * units, (b + 1) * units),
    );
    // Keras tracks the previous *output* separately from the state and starts it at zeros, even
    // with a non-zero initial state: masked steps before the first valid one therefore emit zeros.
    let previousOutput: Float64Array = new Float64Array(units);

    for (let processed = 0; processed < timeSteps; processed++) {
      const t = spec.goBackwards ? timeSteps - 1 - processed : processed;
      const isValid = mask === undefined || mask.data[b * timeSteps + t] !== 0;
      let emitted: Float64Array;
      if (isValid) {
        const xRow = x.data.slice((b * timeSteps + t) * inputSize, (b * timeSteps + t + 1) * inputSize);
        const result = step(xRow, states, b);
        states = result.states;
        emitted = result.output;
      } else {
        emitted = spec.zeroOutputForMask ? new Float64Array(units) : previousOutput;
      }
      previousOutput = emitted;
      // Sequences are stacked in processing order; Keras does not flip a go_backwards sequence back.
      sequence.set(emitted, (b * timeSteps + processed) * units);
    }

    lastOutput.set(previousOutput, b * units);
    states.forEach((state, i) => finalStates[i].set(state, b * units));
  }

  const outputs: ReferenceTensor[] = [
    spec.returnSequences
      ? { shape: [batch, timeSteps, units], data: sequence }
      : { shape: [batch, units], data: lastOutput },
  ];
  if (spec.returnState) {
    for (const state of finalStates) outputs.push({ shape: [batch, units], data: state });
  }
  return outputs;
}

export function expectShape(tensor: ReferenceTensor | undefined, shape: number[], what: string): asserts tensor is ReferenceTensor {
  if (tensor === undefined) throw new Error(`reference: missing ${what}`);
  const matches = tensor.shape.length === shape.length && tensor.shape.every((dim, i) => dim === shape[i]);
  if (!matches) {
    throw new Error(`reference: ${what} must have shape [${shape.join(', ')}], got [${tensor.shape.join(', ')}]`);
  }
  const elementCount = shape.reduce((product, dim) => product * dim, 1);
  if (tensor.data.length !== elementCount) {
    throw new Error(`reference: ${what} has ${tensor.data.length} values for shape [${shape.join(', ')}]`);
  }
}
