// model.summary() as tf.keras 2 prints it: a fixed-width table, one row per
// layer followed by a blank line, totals with thousands separators.
import { ConfigError } from '../errors.js';
import type { Shape } from '../layers/layer.js';
import { columnEnds, type SummaryLayoutOptions, type SummaryRow, type SummaryTotals } from './summary-layout.js';

/** A shape the way Python prints a tuple: (None, 10, 3), (None,). */
export function formatKerasShape(shape: Shape): string {
  const dims = shape.map((d) => (d === null ? 'None' : String(d)));
  return dims.length === 1 ? `(${dims[0]},)` : `(${dims.join(', ')})`;
}

/**
 * tf.keras 2's layer.output_shape: an InputLayer's shape, and any multi-output layer's shapes, in
 * brackets; a layer whose calls give different shapes is 'multiple' (a shared layer whose calls
 * all give the same shapes shows them).
 */
function outputShapeText(row: SummaryRow): string {
  const texts = new Set(row.nodeOutputs.map((node) => {
    const shapes = node.map(formatKerasShape);
    return shapes.length === 1 && !row.isInputLayer ? shapes[0] : `[${shapes.join(', ')}]`;
  }));
  return texts.size === 1 ? [...texts][0] : 'multiple';
}

/** tf.keras 2 printed no optimizer line, so `totals.optimizer` is left out. */
export function formatTfKerasSummary(modelName: string, rows: readonly SummaryRow[], totals: SummaryTotals, sequentialLike: boolean, options: SummaryLayoutOptions): string {
  const withConnections = !sequentialLike;
  let lineLength = options.lineLength ?? (withConnections ? 98 : 65);
  const positions = columnEnds(options.positions ?? (withConnections ? [0.33, 0.55, 0.67, 1] : [0.45, 0.85, 1]), lineLength, modelName);
  const headers = withConnections ? ['Layer (type)', 'Output Shape', 'Param #', 'Connected to'] : ['Layer (type)', 'Output Shape', 'Param #'];
  if (options.showTrainable) {
    lineLength += 11;
    positions.push(lineLength);
    headers.push('Trainable');
  }
  checkNestingFits(rows, positions[0], modelName);
  const lines = [`Model: "${modelName}"`, '_'.repeat(lineLength), ...formatRow(headers, positions), '='.repeat(lineLength)];
  // print_layer: a nested model's rows sit in a frame of '|' and '¯' one level in; a blank row
  // follows each layer but the last of a nested model (and a model whose last layer was expanded).
  const frame = (level: number, fill: string, width: number) => '|'.repeat(level) + fill.repeat(Math.max(0, width)) + '|'.repeat(level);
  const printLayer = (row: SummaryRow, level: number, isNestedLast: boolean): void => {
    const fields = [`${row.name} (${row.className})`, outputShapeText(row), String(row.params)];
    if (withConnections) fields.push(pythonList(row.connections));
    if (options.showTrainable) fields.push(row.trainable ? 'Y' : 'N');
    lines.push(...formatRow(fields, positions, level));
    let last = isNestedLast;
    if (row.nested.length > 0) {
      lines.push(frame(level + 1, '¯', lineLength - 2 * level - 2));
      row.nested.forEach((inner, i) => {
        last = i === row.nested.length - 1;
        printLayer(inner, level + 1, last);
      });
      lines.push(frame(level, '¯', lineLength - 2 * level));
    }
    if (!last) lines.push(frame(level, ' ', lineLength - 2 * level));
  };
  for (const row of rows) printLayer(row, 0, false);
  const { params: total, nonTrainableParams: frozen } = totals;
  lines.push(
    '='.repeat(lineLength),
    `Total params: ${total.toLocaleString('en-US')}`,
    `Trainable params: ${(total - frozen).toLocaleString('en-US')}`,
    `Non-trainable params: ${frozen.toLocaleString('en-US')}`,
    '_'.repeat(lineLength),
  );
  return lines.join('\n');
}

/** tf.keras 2 takes one character of the first column per nesting level; with none left it would never return. */
function checkNestingFits(rows: readonly SummaryRow[], firstColumnEnd: number, modelName: string): void {
  const depth = (list: readonly SummaryRow[]): number => Math.max(0, ...list.map((row) => (row.nested.length > 0 ? 1 + depth(row.nested) : 0)));
  const room = firstColumnEnd - 3 - depth(rows);
  if (room < 1) {
    throw new ConfigError(`${modelName}: summary with expandNested: the first column (${firstColumnEnd} characters) leaves no room for names ${depth(rows)} levels deep in the tf.keras layout; give a larger lineLength or first position`);
  }
}

function pythonList(items: readonly string[]): string {
  return `[${items.map((item) => `'${item}'`).join(', ')}]`;
}

/**
 * Keras' print_row: fields cut to their columns, long ones wrapped after '),' '],' "'," etc.; a
 * row `level` models deep starts and ends with that many '|' and gives up as many characters of
 * its first column.
 */
function formatRow(fields: readonly string[], positions: readonly number[], level = 0): string[] {
  const left = [...fields];
  const lines: string[] = [];
  while (left.some((field) => field.length > 0)) {
    let line = '';
    left.forEach((field, col) => {
      const start = col > 0 ? positions[col - 1] : 0;
      const last = col === positions.length - 1;
      const space = last ? 0 : 2;
      // Every column but the last gives one character to the next column's start.
      let cutoff = positions[col] - start - space - (last ? 0 : 1) - (col === 0 ? level : 0);
      let fit = field.slice(0, cutoff);
      const breaks = ['),', '},', '],', "',"].filter((mark) => fit.includes(mark)).map((mark) => fit.indexOf(mark) + mark.length);
      if (breaks.length > 0) {
        cutoff = Math.min(...breaks);
        fit = fit.slice(0, cutoff);
      }
      line += `${col === 0 ? `${'|'.repeat(level)} ` : ''}${fit}${' '.repeat(space)}`;
      left[col] = field.slice(cutoff);
      line += ' '.repeat(Math.max(0, positions[col] - line.length - (last ? level : 0)));
    });
    lines.push(line + '|'.repeat(level));
  }
  return lines;
}
