// Argument checks for recurrent calls. They run before any WebAssembly memory
// is touched, and every message names the argument, the expectation and what arrived.
import { InputError, ShapeError, formatShape, quoted } from '../errors.js';
import { toTensor, type Tensor } from '../tensor.js';
import { MASK_INPUT_ARG, isSymbolic, type CallArgs, type SymbolicTensor } from '../symbolic.js';
import { checkKnownKeys, checkOptionsObject } from '../option-keys.js';
import type { Shape } from './layer.js';
import { checkTrainingFlag } from './call-options.js';

/** x must be (B, T, D) with B, T, D >= 1, and D must match the layer when known. */
export function checkSequenceInput(value: unknown, layerName: string, expected: Shape | null): Tensor {
  const x = toTensor(value, `${layerName}: input x`);
  if (x.rank !== 3) {
    throw new ShapeError(`${layerName}: input x must have rank 3 (batch, timesteps, features), received shape ${formatShape(x.shape)}`);
  }
  const [batch, timesteps, features] = x.shape;
  if (batch === 0 || timesteps === 0 || features === 0) {
    throw new ShapeError(`${layerName}: input x must have at least one sample, one time step and one feature, received shape ${formatShape(x.shape)}`);
  }
  if (expected) {
    const fits = expected.length === 3 && expected.every((d, i) => d === null || d === x.shape[i]);
    if (!fits) {
      throw new ShapeError(`${layerName}: input x must have shape ${formatShape(expected)}, received ${formatShape(x.shape)}`);
    }
  }
  return x;
}

export function checkMask(value: unknown, layerName: string, batch: number, timesteps: number): Tensor | undefined {
  if (value === undefined || value === null) return undefined;
  const mask = toTensor(value, `${layerName}: mask`);
  if (mask.rank !== 2 || mask.shape[0] !== batch || mask.shape[1] !== timesteps) {
    throw new ShapeError(`${layerName}: mask must have shape ${formatShape([batch, timesteps])} (batch, timesteps), received ${formatShape(mask.shape)}`);
  }
  return mask;
}

/** States in Keras order; `labels` names each one in messages (e.g. ['h', 'c']). */
export function checkInitialState(
  value: unknown, layerName: string, labels: readonly string[], batch: number, units: number,
): Tensor[] | undefined {
  if (value === undefined || value === null) return undefined;
  const list = value instanceof Array ? value : [value];
  if (list.length !== labels.length) {
    throw new ShapeError(`${layerName}: initialState must be a list of ${labels.length} state tensors [${labels.join(', ')}], received ${list.length}`);
  }
  return list.map((item: unknown, i) => {
    if (item === undefined || item === null) {
      throw new InputError(`${layerName}: initialState[${i}] (${labels[i]}) must be a tensor of shape ${formatShape([batch, units])}, received ${String(item)}`);
    }
    const state = toTensor(item, `${layerName}: initialState[${i}] (${labels[i]})`);
    if (state.rank !== 2 || state.shape[0] !== batch || state.shape[1] !== units) {
      throw new ShapeError(`${layerName}: initialState[${i}] (${labels[i]}) must have shape ${formatShape([batch, units])}, received ${formatShape(state.shape)}`);
    }
    return state;
  });
}

/** The options of a recurrent call: an object with only the keys Keras' call takes. */
export function checkCallOptions(options: unknown, layerName: string): void {
  checkOptionsObject(options, `${layerName}: apply`, '{ initialState: [h, c], mask }');
  checkKnownKeys(options, ['initialState', 'mask', 'training'], `${layerName}: apply`);
  checkTrainingFlag(options as object, layerName);
}

/**
 * A recurrent call on a symbolic tensor as the node's inputs: x, the initial states, and Keras'
 * explicit mask (`layer(x, mask=m)`, a (batch, timesteps) tensor of another graph input) last,
 * flagged in the call args.
 */
export function symbolicCallInputs(x: SymbolicTensor, options: unknown, layerName: string): { inputs: SymbolicTensor[]; callArgs: CallArgs } {
  checkOptionsObject(options, `${layerName}: apply`, '{ initialState: [h, c], mask }');
  checkKnownKeys(options, ['initialState', 'mask', 'training'], `${layerName}: apply on a symbolic tensor`);
  checkTrainingFlag(options as object, layerName);
  const { initialState, mask } = options as { initialState?: unknown; mask?: unknown };
  const inputs = [x];
  if (initialState !== undefined) {
    if (!Array.isArray(initialState) || !initialState.every(isSymbolic)) {
      throw new InputError(`${layerName}: initialState of a call on a symbolic tensor must be a list of symbolic tensors (from Input() or a layer call), received ${String(initialState)}`);
    }
    inputs.push(...initialState);
  }
  if (mask === undefined || mask === null) return { inputs, callArgs: {} };
  if (!isSymbolic(mask)) {
    throw new InputError(`${layerName}: mask of a call on a symbolic tensor must be a symbolic tensor of shape (batch, timesteps), such as Input({ shape: [timesteps], dtype: 'bool' }), received ${describeValue(mask)}`);
  }
  const [batch, timesteps] = x.shape;
  const fits = mask.shape.length === 2 && [batch, timesteps].every((d, i) => d === null || mask.shape[i] === null || d === mask.shape[i]);
  if (!fits) {
    throw new ShapeError(`${layerName}: mask must have shape ${formatShape([batch ?? null, timesteps ?? null])} (batch, timesteps), received ${formatShape(mask.shape)}`);
  }
  return { inputs: [...inputs, mask], callArgs: { [MASK_INPUT_ARG]: true } };
}

function describeValue(value: unknown): string {
  if (typeof value === 'object' && value !== null) return (value as object).constructor?.name ?? 'an object';
  return quoted(value) ?? String(value);
}

/** A shape given to build(): an array of non-negative integers or null (unknown); anything else is a ShapeError. */
export function checkBuildShape(value: unknown, layerName: string): Shape {
  if (!Array.isArray(value) || !value.every((d) => d === null || (Number.isSafeInteger(d) && d >= 0))) {
    throw new ShapeError(`${layerName}: build expects an input shape: an array of non-negative integers or null, received ${describeShapeArgument(value)}`);
  }
  return value as Shape;
}

/** A shape argument as messages print it, whatever the caller passed. */
function describeShapeArgument(value: unknown): string {
  return Array.isArray(value) ? formatShape(value as Shape) : quoted(value);
}
