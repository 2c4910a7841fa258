// model.summary(): the options, checked, and the choice between Keras 3's box table and the
// tf.keras 2 table. The rows come from the model; each layout formats them its own way.
import { ConfigError, quoted } from '../errors.js';
import { formatKeras3Summary } from './summary-keras3.js';
import type { SummaryLayoutOptions, SummaryRow, SummaryTotals } from './summary-layout.js';
import { formatTfKerasSummary } from './summary-tf-keras.js';

const MAX_LINE_LENGTH = 1_000_000;

export type SummaryLayout = 'keras3' | 'tf.keras';

export interface SummaryOptions {
  /**
   * 'keras3' (default): Keras 3's box-drawn table with parameter sizes in bytes.
   * 'tf.keras': the tf.keras 2 table of underscores and equals signs, with tf.keras 2's names
   * where Keras 3 chose them (a functional model 'model', inputs input_1, input_2, ...; names
   * given are kept).
   */
  layout?: SummaryLayout;
  /**
   * Width of the table in characters. Keras 3: min(88, terminal columns - 4), or min(108, …) with
   * the 'Connected to' column, the terminal's columns read as Python's shutil does (COLUMNS, then
   * the terminal, else 80). tf.keras: 65, or 98 with 'Connected to'.
   */
  lineLength?: number;
  /** Where each column ends: fractions of lineLength (last one at most 1) or absolute columns. */
  positions?: readonly number[];
  /** Called with the text instead of console.log. */
  printFn?: (text: string) => void;
  /** Print the table (default true); it is returned either way. */
  print?: boolean;
  /**
   * Keras' expand_nested: a nested model's layers follow its row, indented ('└ ' in Keras 3's
   * layout; tf.keras 2 frames them in '|' and '¯'). Default false.
   */
  expandNested?: boolean;
  /**
   * Keras' show_trainable: a Trainable column (Y or N; Keras 3 writes '-' for a layer without
   * weights). Keras 3's layout widens the line by 12 and scales `positions` by 0.9; tf.keras 2's
   * widens it by 11. Default false.
   */
  showTrainable?: boolean;
  /**
   * Keras' layer_range: the names of the first and the last layer to show, both included (each a
   * regular expression matched at the start of a layer's name, as Python's re.match: the first
   * layer matching the first, the last matching the second). The totals still count every layer.
   * Default: all layers.
   */
  layerRange?: readonly [string, string];
}

const LAYOUTS: readonly SummaryLayout[] = ['keras3', 'tf.keras'];

/** The summary text of a model, printed unless `print: false`. @internal */
export function summarize(modelName: string, rows: readonly SummaryRow[], sequentialLike: boolean, options: SummaryOptions, optimizer: SummaryTotals['optimizer'] = null): string {
  if (options === null || typeof options !== 'object') {
    throw new ConfigError(`${modelName}: summary options must be an object, received ${options === null ? 'null' : typeof options}`);
  }
  const { layout = 'keras3', lineLength, positions, printFn, print = true } = options;
  const where = `${modelName}: summary option`;
  if (!LAYOUTS.includes(layout)) {
    throw new ConfigError(`${where} 'layout' must be ${LAYOUTS.map((l) => `'${l}'`).join(' or ')}, received ${quoted(layout)}`);
  }
  // Each line is a string of lineLength characters; a million is far past any terminal or log.
  if (lineLength !== undefined && (!Number.isInteger(lineLength) || lineLength <= 0 || lineLength > MAX_LINE_LENGTH)) {
    throw new ConfigError(`${where} 'lineLength' must be a positive integer up to ${MAX_LINE_LENGTH}, received ${quoted(lineLength)}`);
  }
  const columns = sequentialLike ? 3 : 4;
  if (positions !== undefined) {
    const valid = Array.isArray(positions) && positions.length === columns
      && positions.every((p, i) => typeof p === 'number' && Number.isFinite(p) && p > 0 && (i === 0 || p > positions[i - 1]));
    if (!valid) {
      throw new ConfigError(`${where} 'positions' must be ${columns} increasing positive numbers (one per column${sequentialLike ? '' : ', Connected to included'}), received ${quoted(positions)}`);
    }
  }
  if (printFn !== undefined && typeof printFn !== 'function') {
    throw new ConfigError(`${where} 'printFn' must be a function, received ${typeof printFn}`);
  }
  if (typeof print !== 'boolean') throw new ConfigError(`${where} 'print' must be true or false, received ${quoted(print)}`);
  for (const key of ['expandNested', 'showTrainable'] as const) {
    const value = options[key];
    if (value !== undefined && typeof value !== 'boolean') throw new ConfigError(`${where} '${key}' must be true or false, received ${quoted(value)}`);
  }
  const showTrainable = options.showTrainable === true;
  if (showTrainable && layout === 'keras3' && positions !== undefined && positions[positions.length - 1] > 1) {
    throw new ConfigError(`${where} 'positions' must be fractions of the line with showTrainable in Keras 3's layout (Keras 3 scales them by 0.9 to make room for the Trainable column), received ${quoted(positions)}`);
  }

  const [first, end] = layerRangeBounds(rows, options.layerRange, where);
  const totals: SummaryTotals = {
    params: rows.reduce((sum, row) => sum + row.params, 0),
    nonTrainableParams: rows.reduce((sum, row) => sum + row.nonTrainableParams, 0),
    int64Params: rows.reduce((sum, row) => sum + row.int64Params, 0),
    optimizer,
  };
  const shown = rows.slice(first, end);
  const resolved: SummaryLayoutOptions = { lineLength, positions, showTrainable };
  const text = layout === 'keras3'
    ? formatKeras3Summary(modelName, shown, totals, sequentialLike, resolved)
    : formatTfKerasSummary(modelName, shown, totals, sequentialLike, resolved);
  if (print) (printFn ?? console.log)(text);
  return text;
}

/**
 * Keras' get_layer_index_bound_by_layer_name: [first, last + 1] of the rows whose names re.match the
 * two patterns (the lowest index of either and the highest of the other when they come reversed).
 */
function layerRangeBounds(rows: readonly SummaryRow[], range: unknown, where: string): [number, number] {
  if (range === undefined) return [0, rows.length];
  if (!Array.isArray(range) || range.length !== 2 || !range.every((item) => typeof item === 'string')) {
    throw new ConfigError(`${where} 'layerRange' must be a list of 2 strings, the names (or patterns) of the first and the last layer to show, received ${quoted(range)}`);
  }
  const matching = (pattern: string): number[] => {
    let regex: RegExp;
    try {
      // Python's re.match: anchored at the start of the name only.
      regex = new RegExp(`^(?:${pattern})`);
    } catch (error) {
      throw new ConfigError(`${where} 'layerRange': ${quoted(pattern)} is not a valid regular expression (${(error as Error).message})`, { cause: error });
    }
    return rows.flatMap((row, i) => (regex.test(row.name) ? [i] : []));
  };
  const lower = matching(range[0] as string);
  const upper = matching(range[1] as string);
  if (lower.length === 0 || upper.length === 0) {
    const unmatched = lower.length === 0 ? range[0] : range[1];
    throw new ConfigError(`${where} 'layerRange' must match layer names of the model (${rows.map((row) => row.name).join(', ')}), received ${quoted(range)}: ${quoted(unmatched)} matches none`);
  }
  return Math.min(...lower) > Math.max(...upper) ? [Math.min(...upper), Math.max(...lower) + 1] : [Math.min(...lower), Math.max(...upper) + 1];
}
