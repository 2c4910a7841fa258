// model.summary() as tf.keras 2 prints it: a fixed-width table, one row per
// layer followed by a blank line, totals with thousands separators.
import type { Shape } from '../layers/layer.js';
import { columnEnds, type SummaryLayoutOptions, type SummaryRow } from './summary-layout.js';

/** A shape the way Python prints a tuple: (None, 10, 3), (None,). */
export function formatKerasShape(shape: Shape): string {
  const dims = shape.map((d) => (d === null ? 'None' : String(d)));
  return dims.length === 1 ? `(${dims[0]},)` : `(${dims.join(', ')})`;
}

/** tf.keras 2 lists an InputLayer's shape, and any multi-output layer's shapes, in brackets; a shared layer is 'multiple'. */
function outputShapeText(row: SummaryRow): string {
  if (row.nodeOutputs.length !== 1) return 'multiple';
  const shapes = row.nodeOutputs[0].map(formatKerasShape);
  return shapes.length === 1 && !row.isInputLayer ? shapes[0] : `[${shapes.join(', ')}]`;
}

export function formatTfKerasSummary(modelName: string, rows: readonly SummaryRow[], sequentialLike: boolean, options: SummaryLayoutOptions): string {
  const withConnections = !sequentialLike;
  const lineLength = options.lineLength ?? (withConnections ? 98 : 65);
  const positions = columnEnds(options.positions ?? (withConnections ? [0.33, 0.55, 0.67, 1] : [0.45, 0.85, 1]), lineLength, modelName);
  const headers = withConnections ? ['Layer (type)', 'Output Shape', 'Param #', 'Connected to'] : ['Layer (type)', 'Output Shape', 'Param #'];
  const lines = [`Model: "${modelName}"`, '_'.repeat(lineLength), ...formatRow(headers, positions), '='.repeat(lineLength)];
  for (const row of rows) {
    const fields = [`${row.name} (${row.className})`, outputShapeText(row), String(row.params)];
    if (withConnections) fields.push(pythonList(row.connections));
    lines.push(...formatRow(fields, positions), ' '.repeat(lineLength));
  }
  const total = rows.reduce((sum, row) => sum + row.params, 0);
  const frozen = rows.reduce((sum, row) => sum + row.nonTrainableParams, 0);
  lines.push(
    '='.repeat(lineLength),
    `Total params: ${total.toLocaleString('en-US')}`,
    `Trainable params: ${(total - frozen).toLocaleString('en-US')}`,
    `Non-trainable params: ${frozen.toLocaleString('en-US')}`,
    '_'.repeat(lineLength),
  );
  return lines.join('\n');
}

function pythonList(items: readonly string[]): string {
  return `[${items.map((item) => `'${item}'`).join(', ')}]`;
}

/** Keras' print_row: fields cut to their columns, long ones wrapped after '),' '],' "'," etc. */
function formatRow(fields: readonly string[], positions: readonly number[]): string[] {
  const left = [...fields];
  const lines: string[] = [];
  while (left.some((field) => field.length > 0)) {
    let line = '';
    left.forEach((field, col) => {
      const start = col > 0 ? positions[col - 1] : 0;
      const last = col === positions.length - 1;
      const space = last ? 0 : 2;
      // Every column but the last gives one character to the next column's start.
      let cutoff = positions[col] - start - space - (last ? 0 : 1);
      let fit = field.slice(0, cutoff);
      const breaks = ['),', '},', '],', "',"].filter((mark) => fit.includes(mark)).map((mark) => fit.indexOf(mark) + mark.length);
      if (breaks.length > 0) {
        cutoff = Math.min(...breaks);
        fit = fit.slice(0, cutoff);
      }
      line += `${col === 0 ? ' ' : ''}${fit}${' '.repeat(space)}`;
      left[col] = field.slice(cutoff);
      line += ' '.repeat(Math.max(0, positions[col] - line.length));
    });
    lines.push(line);
  }
  return lines;
}
