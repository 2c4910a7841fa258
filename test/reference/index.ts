/**
 * A plain float64 reference for Keras SimpleRNN, LSTM, GRU and Bidirectional inference.
 * It is the oracle the WebAssembly kernels are tested against, so it favours being obviously
 * correct over being fast. Semantics follow ../../../shared/fixtures/README.md.
 */
import type { Fixture, TensorJson } from '../fixtures.js';
import { referenceBidirectional } from './bidirectional.js';
import { referenceRecurrent } from './recurrent.js';
import type {
  CellKind,
  HardSigmoidVariant,
  MergeMode,
  ReferenceOptions,
  ReferenceRecurrentSpec,
  ReferenceTensor,
} from './types.js';

export type {
  CellKind,
  HardSigmoidVariant,
  MergeMode,
  ReferenceOptions,
  ReferenceRecurrentSpec,
  ReferenceTensor,
} from './types.js';
export { referenceRecurrent, gateCount } from './recurrent.js';
export { referenceBidirectional } from './bidirectional.js';
export { cudnnToKeras } from './cudnn.js';
export { referenceActivation } from './activations.js';
export { simpleRnnStep, lstmStep, gruStep } from './cells.js';
export type { CellWeights } from './cells.js';
export {
  ACTIVATIONS,
  concatLastAxis,
  concatRef,
  denseRef,
  embeddingRef,
  maskingRef,
  recurrentSpec,
  size,
} from './layers.js';

/** Fixtures written before Keras 3 was the norm state their variant; a missing field means Keras 3. */
export const DEFAULT_HARD_SIGMOID_VARIANT: HardSigmoidVariant = 'keras3';

/**
 * Resolves a Keras snake_case layer config into a spec, filling in Keras' defaults for missing keys:
 * activation tanh, recurrent_activation sigmoid, use_bias true, reset_after true, everything else false.
 */
export function specFromKerasConfig(
  config: Record<string, unknown>,
  className: string,
  hardSigmoidVariant: HardSigmoidVariant,
): ReferenceRecurrentSpec {
  const cell = cellKindFromClassName(className);
  const units = config.units;
  if (typeof units !== 'number' || !Number.isInteger(units) || units < 1) {
    throw new Error(`reference: ${className} config needs a positive integer "units"`);
  }
  return {
    cell,
    units,
    activation: readActivationName(config, 'activation', 'tanh'),
    recurrentActivation: readActivationName(config, 'recurrent_activation', 'sigmoid'),
    useBias: readBoolean(config, 'use_bias', true),
    resetAfter: cell === 'GRU' ? readBoolean(config, 'reset_after', true) : false,
    returnSequences: readBoolean(config, 'return_sequences', false),
    returnState: readBoolean(config, 'return_state', false),
    goBackwards: readBoolean(config, 'go_backwards', false),
    zeroOutputForMask: readBoolean(config, 'zero_output_for_mask', false),
    hardSigmoidVariant,
  };
}

/** Runs a fixture's layer on its float32 weights and inputs and returns the outputs in Keras order. */
export function referenceFromFixture(f: Fixture): ReferenceTensor[] {
  const hardSigmoidVariant = f.hard_sigmoid_variant ?? DEFAULT_HARD_SIGMOID_VARIANT;
  const weights = f.weights.map(tensorFromJson);
  const x = tensorFromJson(f.inputs.x);
  const options: ReferenceOptions = {};
  if (f.inputs.mask !== undefined) options.mask = tensorFromJson(f.inputs.mask);
  if (f.inputs.initial_state !== undefined) options.initialState = f.inputs.initial_state.map(tensorFromJson);

  if (f.layer.class_name === 'Bidirectional') {
    const mergeMode = readMergeMode(f.layer.config);
    const inner = f.layer.config.layer;
    if (inner === null || typeof inner !== 'object' || Array.isArray(inner)) {
      throw new Error('reference: Bidirectional config needs an inner "layer" object');
    }
    const innerRecord = inner as Record<string, unknown>;
    const innerConfig = innerRecord.config;
    if (typeof innerRecord.class_name !== 'string' || innerConfig === null || typeof innerConfig !== 'object') {
      throw new Error('reference: Bidirectional inner layer needs class_name and config');
    }
    const spec = specFromKerasConfig(innerConfig as Record<string, unknown>, innerRecord.class_name, hardSigmoidVariant);
    return referenceBidirectional(spec, mergeMode, weights, x, options);
  }

  const spec = specFromKerasConfig(f.layer.config, f.layer.class_name, hardSigmoidVariant);
  return referenceRecurrent(spec, weights, x, options);
}

/** Fixture numbers are float32 values printed as shortest decimals; fround recovers them exactly. */
export function tensorFromJson(tensor: TensorJson): ReferenceTensor {
  return { shape: tensor.shape.slice(), data: Float64Array.from(tensor.data, (value) => Math.fround(value)) };
}

function cellKindFromClassName(className: string): CellKind {
  if (className === 'SimpleRNN' || className === 'LSTM' || className === 'GRU') return className;
  throw new Error(`reference: unsupported recurrent layer "${className}"`);
}

function readBoolean(config: Record<string, unknown>, key: string, fallback: boolean): boolean {
  const value = config[key];
  if (value === undefined) return fallback;
  if (typeof value !== 'boolean') throw new Error(`reference: config "${key}" must be a boolean`);
  return value;
}

/** Keras resolves an activation of None to linear. */
function readActivationName(config: Record<string, unknown>, key: string, fallback: string): string {
  const value = config[key];
  if (value === undefined) return fallback;
  if (value === null) return 'linear';
  if (typeof value !== 'string') throw new Error(`reference: config "${key}" must be an activation name`);
  return value;
}

/** Keras' Bidirectional defaults to concat; an explicit null means "return both directions". */
function readMergeMode(config: Record<string, unknown>): MergeMode {
  const value = config.merge_mode;
  if (value === undefined) return 'concat';
  if (value === null || value === 'concat' || value === 'sum' || value === 'mul' || value === 'ave') return value;
  throw new Error(`reference: unsupported merge_mode ${JSON.stringify(value)}`);
}
