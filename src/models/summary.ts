// model.summary(): the options, checked, and the choice between Keras 3's box table and the
// tf.keras 2 table. The rows come from the model; each layout formats them its own way.
import { ConfigError } from '../errors.js';
import { formatKeras3Summary } from './summary-keras3.js';
import type { SummaryLayoutOptions, SummaryRow } from './summary-layout.js';
import { formatTfKerasSummary } from './summary-tf-keras.js';

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
}

const LAYOUTS: readonly SummaryLayout[] = ['keras3', 'tf.keras'];

/** The summary text of a model, printed unless `print: false`. @internal */
export function summarize(modelName: string, rows: readonly SummaryRow[], sequentialLike: boolean, options: SummaryOptions): string {
  if (options === null || typeof options !== 'object') {
    throw new ConfigError(`${modelName}: summary options must be an object, received ${options === null ? 'null' : typeof options}`);
  }
  const { layout = 'keras3', lineLength, positions, printFn, print = true } = options;
  const where = `${modelName}: summary option`;
  if (!LAYOUTS.includes(layout)) {
    throw new ConfigError(`${where} 'layout' must be ${LAYOUTS.map((l) => `'${l}'`).join(' or ')}, received ${JSON.stringify(layout)}`);
  }
  if (lineLength !== undefined && (!Number.isInteger(lineLength) || lineLength <= 0)) {
    throw new ConfigError(`${where} 'lineLength' must be a positive integer, received ${JSON.stringify(lineLength)}`);
  }
  const columns = sequentialLike ? 3 : 4;
  if (positions !== undefined) {
    const valid = Array.isArray(positions) && positions.length === columns
      && positions.every((p, i) => typeof p === 'number' && Number.isFinite(p) && p > 0 && (i === 0 || p > positions[i - 1]));
    if (!valid) {
      throw new ConfigError(`${where} 'positions' must be ${columns} increasing positive numbers (one per column${sequentialLike ? '' : ', Connected to included'}), received ${JSON.stringify(positions)}`);
    }
  }
  if (printFn !== undefined && typeof printFn !== 'function') {
    throw new ConfigError(`${where} 'printFn' must be a function, received ${typeof printFn}`);
  }
  if (typeof print !== 'boolean') throw new ConfigError(`${where} 'print' must be true or false, received ${JSON.stringify(print)}`);

  const resolved: SummaryLayoutOptions = { lineLength, positions };
  const text = layout === 'keras3'
    ? formatKeras3Summary(modelName, rows, sequentialLike, resolved)
    : formatTfKerasSummary(modelName, rows, sequentialLike, resolved);
  if (print) (printFn ?? console.log)(text);
  return text;
}
