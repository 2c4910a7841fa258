// What both summary layouts share: the rows a model hands over, the options, and where the columns end.
import { ConfigError, quoted } from '../errors.js';
import type { Shape } from '../layers/layer.js';

export interface SummaryRow {
  name: string;
  className: string;
  params: number;
  /** The part of params Keras counts as non-trainable. */
  nonTrainableParams: number;
  /** The part of params Keras keeps as int64 (non-trainable, 8 bytes each in Keras 3's sizes). */
  int64Params: number;
  isInputLayer: boolean;
  /** Per call of the layer inside this model, the shapes of its outputs. */
  nodeOutputs: Shape[][];
  /** The tensors the layer's calls read, as Keras writes them: name[node index][tensor index]. */
  connections: string[];
  /** Keras' layer.trainable, for the Trainable column. */
  trainable: boolean;
  /** Whether the layer has weights (Keras 3 shows '-' in the Trainable column for one that has none). */
  hasWeights: boolean;
  /** With expandNested, a nested model's own layers, in its `layers` order; else empty. */
  nested: SummaryRow[];
}

/** What the totals under the table count: every layer's parameters, whichever rows are shown. */
export interface SummaryTotals {
  params: number;
  nonTrainableParams: number;
  int64Params: number;
  /** Keras 3's Optimizer params: the built optimizer's variables and their bytes; null before it is built. */
  optimizer: { count: number; bytes: number } | null;
}

/** The resolved options a layout formats with. */
export interface SummaryLayoutOptions {
  lineLength: number | undefined;
  positions: readonly number[] | undefined;
  showTrainable: boolean;
}

/**
 * Positions as column ends in characters: fractions of the line, or already absolute. Like Keras 3,
 * refuses a column narrower than 4 characters (tf.keras 2 would loop forever on one).
 * @internal
 */
export function columnEnds(positions: readonly number[], lineLength: number, modelName: string): number[] {
  const relative = positions[positions.length - 1] <= 1;
  const ends = positions.map((p) => (relative ? Math.trunc(lineLength * p) : Math.trunc(p)));
  const narrowest = Math.min(...ends.map((end, i) => end - (i === 0 ? 0 : ends[i - 1])));
  if (narrowest < 4) {
    throw new ConfigError(`${modelName}: summary columns must be at least 4 characters wide, received lineLength ${lineLength} and positions ${quoted(positions)} (column ends ${quoted(ends)})`);
  }
  return ends;
}
