// The table Keras 3's summary draws with the `rich` library: rich.table.Table with fixed column
// widths, width=line_length, show_lines=True and the HEAVY_HEAD box, printed without colour.
// Reproduced here step by step: how rich shrinks the columns to fit the borders, wraps a cell at
// spaces, ends a word too long for its cell with '…', and aligns the header at the bottom.

export type Justify = 'left' | 'center' | 'right';

export interface BoxColumn {
  header: string;
  justify: Justify;
  /** The width Keras asks for, padding included, borders not. */
  width: number;
}

/** Python's round(): halves go to the even neighbour. */
function roundHalfEven(x: number): number {
  const floor = Math.floor(x);
  const fraction = x - floor;
  if (fraction !== 0.5) return Math.round(x);
  return floor % 2 === 0 ? floor : floor + 1;
}

/**
 * rich's Table._calculate_column_widths for fixed-width columns: each takes its width plus one
 * space of padding either side; when that and the borders exceed the table width, rich's
 * ratio_reduce takes the excess evenly from every column, rounding as Python does.
 */
export function boxColumnWidths(requested: readonly number[], tableWidth: number): number[] {
  const borders = requested.length + 1;
  const maxWidth = tableWidth - borders;
  let widths = requested.map((w) => Math.min(w + 2, maxWidth));
  const total = widths.reduce((a, b) => a + b, 0);
  if (total > maxWidth) {
    let remaining = total - maxWidth;
    let ratioLeft = widths.length;
    widths = widths.map((w) => {
      const taken = Math.min(w, roundHalfEven(remaining / ratioLeft));
      remaining -= taken;
      ratioLeft -= 1;
      return w - taken;
    });
  }
  return widths;
}

/** rich's divide_line without folding: where a text wraps, at spaces; a word too long stays whole. */
function breakOffsets(text: string, width: number): number[] {
  const offsets: number[] = [];
  const word = /\s*\S+\s*/y;
  let offset = 0;
  let match: RegExpExecArray | null;
  while ((match = word.exec(text)) !== null) {
    const start = match.index;
    const length = match[0].trimEnd().length;
    if (width - offset >= length) {
      offset += match[0].length;
    } else if (length > width || (offset > 0 && start > 0)) {
      if (start > 0) offsets.push(start);
      offset = match[0].length;
    }
  }
  return offsets;
}

/** rich's Text.truncate with overflow 'ellipsis'. */
const truncate = (line: string, width: number) => (line.length > width ? `${line.slice(0, width - 1)}…` : line);

/** A cell's text as rich renders it in `width` characters: wrapped, cut, justified, padded. */
export function wrapCell(text: string, width: number, justify: Justify): string[] {
  const lines: string[] = [];
  for (const paragraph of text.split('\n')) {
    const offsets = [0, ...breakOffsets(paragraph, width), paragraph.length];
    for (let i = 0; i + 1 < offsets.length; i++) {
      let line = paragraph.slice(offsets[i], offsets[i + 1]);
      // rstrip_end: trailing spaces beyond the width go first.
      if (line.length > width) {
        const spaces = line.length - line.trimEnd().length;
        line = line.slice(0, line.length - Math.min(spaces, line.length - width));
      }
      if (justify === 'left') {
        lines.push(truncate(line, width).padEnd(width));
      } else {
        // rich's Lines.justify: right pads on the left; center pads half the excess (rounded down) on the left.
        const cut = truncate(line.trimEnd(), width);
        const left = justify === 'right' ? width - cut.length : Math.floor((width - cut.length) / 2);
        lines.push((' '.repeat(left) + cut).padEnd(width));
      }
    }
  }
  return lines;
}

const HEAVY_HEAD = {
  top: ['┏', '━', '┳', '┓'],
  head: '┃',
  headRow: ['┡', '━', '╇', '┩'],
  body: '│',
  row: ['├', '─', '┼', '┤'],
  bottom: ['└', '─', '┴', '┘'],
} as const;

const rule = ([left, line, cross, right]: readonly string[], widths: readonly number[]) =>
  left + widths.map((w) => line.repeat(w)).join(cross) + right;

/** One table row, possibly several lines high; the header sits at the bottom of its row, cells at the top. */
function renderRow(cells: readonly string[], columns: readonly BoxColumn[], widths: readonly number[], isHeader: boolean): string[] {
  const wrapped = cells.map((cell, i) => wrapCell(cell, widths[i] - 2, columns[i].justify));
  const height = Math.max(1, ...wrapped.map((lines) => lines.length));
  const padded = wrapped.map((lines, i) => {
    const blank = Array<string>(height - lines.length).fill(' '.repeat(widths[i] - 2));
    return isHeader ? [...blank, ...lines] : [...lines, ...blank];
  });
  const edge = isHeader ? HEAVY_HEAD.head : HEAVY_HEAD.body;
  return Array.from({ length: height }, (_, line) => edge + padded.map((lines) => ` ${lines[line]} `).join(edge) + edge);
}

export function renderBoxTable(columns: readonly BoxColumn[], rows: readonly (readonly string[])[], tableWidth: number): string[] {
  const widths = boxColumnWidths(columns.map((c) => c.width), tableWidth);
  const lines = [rule(HEAVY_HEAD.top, widths), ...renderRow(columns.map((c) => c.header), columns, widths, true), rule(HEAVY_HEAD.headRow, widths)];
  rows.forEach((row, i) => {
    if (i > 0) lines.push(rule(HEAVY_HEAD.row, widths));
    lines.push(...renderRow(row, columns, widths, false));
  });
  lines.push(rule(HEAVY_HEAD.bottom, widths));
  return lines;
}
