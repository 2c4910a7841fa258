// model.summary() as Keras 3 prints it (keras/src/utils/summary_utils.py print_summary): the
// `Model: "name"` line, rich's box table, then totals with their size in bytes.
import type { Shape } from '../layers/layer.js';
import { renderBoxTable, type BoxColumn, type Justify } from './box-table.js';
import { columnEnds, type SummaryLayoutOptions, type SummaryRow, type SummaryTotals } from './summary-layout.js';

/** Every weight is float32. */
const BYTES_PER_PARAM = 4;

/** Keras 3's format_shape: (None, 10, 3), and (None) for one axis (no trailing comma). */
function formatShape(shape: Shape): string {
  return `(${shape.map((d) => (d === null ? 'None' : String(d))).join(', ')})`;
}

/** format_layer_shape: the last call's outputs; several as a Python list without quotes. */
function outputShapeText(row: SummaryRow): string {
  const last = row.nodeOutputs[row.nodeOutputs.length - 1];
  if (last === undefined) return '?';
  const shapes = last.map(formatShape);
  return shapes.length === 1 ? shapes[0] : `[${shapes.join(', ')}]`;
}

/**
 * readable_memory_size: bytes in B, KB, MB, ... (powers of 1024) with two decimals, as Python's
 * '{:.2f}' rounds: the exact value to nearest, halves to even. Dividing by 1024 is exact in
 * binary, so `hundredths` below is the exact scaled value.
 */
export function readableMemorySize(bytes: number): string {
  const units = ['B', 'KB', 'MB', 'GB', 'TB', 'PB'];
  let unit = 0;
  let scale = 1;
  while (unit < units.length - 1 && bytes / (scale * 1024) >= 1) {
    scale *= 1024;
    unit += 1;
  }
  const hundredths = (bytes * 100) / scale;
  const floor = Math.floor(hundredths);
  const fraction = hundredths - floor;
  const rounded = fraction > 0.5 || (fraction === 0.5 && floor % 2 === 1) ? floor + 1 : floor;
  return `${Math.floor(rounded / 100)}.${String(rounded % 100).padStart(2, '0')} ${units[unit]}`;
}

/** Python's shutil.get_terminal_size().columns: $COLUMNS, else the terminal's width, else 80. */
function terminalColumns(): number {
  const proc = (globalThis as { process?: { env?: Record<string, string | undefined>; stdout?: { isTTY?: boolean; columns?: number } } }).process;
  const fromEnv = Number.parseInt(proc?.env?.COLUMNS ?? '', 10);
  if (fromEnv > 0) return fromEnv;
  const columns = proc?.stdout?.isTTY ? proc.stdout.columns : undefined;
  return typeof columns === 'number' && columns > 0 ? columns : 80;
}

/** The rows in print order, each nested model's layers after it, with their nesting depth. */
export function rowsInOrder(rows: readonly SummaryRow[], level = 0): { row: SummaryRow; level: number }[] {
  return rows.flatMap((row) => [{ row, level }, ...rowsInOrder(row.nested, level + 1)]);
}

export function formatKeras3Summary(modelName: string, rows: readonly SummaryRow[], totals: SummaryTotals, sequentialLike: boolean, options: SummaryLayoutOptions): string {
  const headers = sequentialLike ? ['Layer (type)', 'Output Shape', 'Param #'] : ['Layer (type)', 'Output Shape', 'Param #', 'Connected to'];
  const justify: Justify[] = sequentialLike ? ['left', 'left', 'right'] : ['left', 'left', 'right', 'left'];
  let defaultLength = sequentialLike ? 88 : 108;
  let positions = options.positions ?? (sequentialLike ? [0.45, 0.8, 1] : [0.3, 0.56, 0.74, 1]);
  if (options.showTrainable) {
    defaultLength += 12;
    positions = [...positions.map((p) => p * 0.9), 1];
    headers.push('Trainable');
    justify.push('center');
  }
  const lineLength = options.lineLength ?? Math.min(defaultLength, terminalColumns() - 4);
  const ends = columnEnds(positions, lineLength, modelName);
  const columns: BoxColumn[] = headers.map((header, i) => ({ header, justify: justify[i], width: ends[i] - (i === 0 ? 0 : ends[i - 1]) }));

  const cells = rowsInOrder(rows).map(({ row, level }) => {
    // print_layer's prefix for a nested layer.
    const prefix = level > 0 ? `${'   '.repeat(level)}└ ` : '';
    const fields = [`${prefix}${row.name} (${row.className})`, outputShapeText(row), row.params.toLocaleString('en-US')];
    if (!sequentialLike) fields.push(row.connections.length > 0 ? row.connections.join(', ') : '-');
    if (options.showTrainable) fields.push(row.hasWeights ? (row.trainable ? 'Y' : 'N') : '-');
    return fields;
  });
  const { params, nonTrainableParams: frozen, int64Params, optimizer } = totals;
  const line = (label: string, count: number, bytes = count * BYTES_PER_PARAM) => ` ${label}: ${count.toLocaleString('en-US')} (${readableMemorySize(bytes)})`;
  // summary_utils sizes each variable by its dtype: the int64 ones (never trainable) take 8 bytes.
  const wide = int64Params * (8 - BYTES_PER_PARAM);
  // A built optimizer's variables count in Total params too, with their own dtypes' sizes.
  return [
    `Model: "${modelName}"`,
    ...renderBoxTable(columns, cells, lineLength),
    line('Total params', params + (optimizer?.count ?? 0), params * BYTES_PER_PARAM + wide + (optimizer?.bytes ?? 0)),
    line('Trainable params', params - frozen),
    line('Non-trainable params', frozen, frozen * BYTES_PER_PARAM + wide),
    ...(optimizer ? [line('Optimizer params', optimizer.count, optimizer.bytes)] : []),
  ].join('\n');
}
