// Tensor values printed the way numpy prints a float32 array (np.array2string with separator
// ', ', numpy's defaults: 8 digits at most, scientific notation for wide ranges, 75 columns, and
// above 1000 values only the first and last 3 items of each axis around '...').
const LINE_WIDTH = 75;
const THRESHOLD = 1000;
const EDGE_ITEMS = 3;
const SEPARATOR = ', ';
const MAX_DIGITS = 8;

/** `Tensor([[0.1, 0.2],\n        [0.3, 0.4]], shape=(2, 2))`. */
export function formatTensor(data: Float32Array, shape: readonly number[]): string {
  const prefix = 'Tensor(';
  const shapeText = `shape=${shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`})`;
  const body = formatArray(data, shape, prefix, ',');
  const lastLine = body.length - (body.lastIndexOf('\n') + 1);
  // As numpy's repr places dtype=: on the last line if it fits, else on its own line.
  const spacer = lastLine + prefix.length + shapeText.length + 1 > LINE_WIDTH ? `\n${' '.repeat(prefix.length)}` : ' ';
  return `${prefix}${body},${spacer}${shapeText}`;
}

function formatArray(data: Float32Array, shape: readonly number[], prefix: string, suffix: string): string {
  if (data.length === 0) return '[]';
  const summarize = data.length > THRESHOLD;
  const format = floatFormatter(summarize ? edgeValues(data, shape) : data);
  if (shape.length === 0) return format(data[0]);
  const strides = shape.map((_, axis) => shape.slice(axis + 1).reduce((a, b) => a * b, 1));
  const width = LINE_WIDTH - suffix.length;

  const recurse = (axis: number, offset: number, hangingIndent: string, currentWidth: number): string => {
    if (axis === shape.length) return format(data[offset]);
    const nextIndent = `${hangingIndent} `;
    const nextWidth = currentWidth - 1;
    const length = shape[axis];
    const summary = summarize && 2 * EDGE_ITEMS < length;
    const items = summary ? [...range(0, EDGE_ITEMS), -1, ...range(length - EDGE_ITEMS, length)] : range(0, length);
    const child = (i: number) => recurse(axis + 1, offset + i * strides[axis], nextIndent, nextWidth);
    let text = '';
    if (axis === shape.length - 1) {
      const elementWidth = currentWidth - Math.max(SEPARATOR.trimEnd().length, 1);
      let line = hangingIndent;
      items.forEach((i, k) => {
        const last = k === items.length - 1;
        const word = i < 0 ? '...' : child(i);
        const needsWrap = line.length + word.length > (last ? currentWidth - 1 : elementWidth) && line.length > hangingIndent.length;
        if (needsWrap) {
          text += `${line.trimEnd()}\n`;
          line = hangingIndent;
        }
        line += word;
        if (!last) line += SEPARATOR;
      });
      text += line;
    } else {
      const lineSeparator = SEPARATOR.trimEnd() + '\n'.repeat(shape.length - axis - 1);
      text = items.map((i) => hangingIndent + (i < 0 ? '...' : child(i))).join(lineSeparator);
    }
    return `[${text.slice(hangingIndent.length)}]`;
  };
  return recurse(0, 0, ' '.repeat(1 + prefix.length), width);
}

function range(from: number, to: number): number[] {
  return Array.from({ length: Math.max(0, to - from) }, (_, i) => from + i);
}

/** The values a summarized print shows, which alone decide its number format (as in numpy). */
function edgeValues(data: Float32Array, shape: readonly number[]): number[] {
  const out: number[] = [];
  const walk = (axis: number, offset: number, stride: number): void => {
    if (axis === shape.length) {
      out.push(data[offset]);
      return;
    }
    const length = shape[axis];
    const inner = stride / length;
    const indices = 2 * EDGE_ITEMS < length ? [...range(0, EDGE_ITEMS), ...range(length - EDGE_ITEMS, length)] : range(0, length);
    for (const i of indices) walk(axis + 1, offset + i * inner, inner);
  };
  walk(0, 0, data.length);
  return out;
}

/** numpy's FloatingFormat (floatmode 'maxprec', unique digits): one width for all values. */
function floatFormatter(values: ArrayLike<number>): (value: number) => string {
  const finite = Array.from(values).filter(Number.isFinite);
  const nonZero = finite.map(Math.abs).filter((v) => v !== 0);
  const max = nonZero.length > 0 ? Math.max(...nonZero) : 0;
  const min = nonZero.length > 0 ? Math.min(...nonZero) : 0;
  const scientific = nonZero.length > 0 && (max >= 1e8 || min < 1e-4 || max / min > 1000);
  const hasNegativeInfinity = Array.from(values).some((v) => v === -Infinity);
  let padLeft = 0;
  let padRight = 0;
  let exponentDigits = 0;
  let render: (value: number) => string;
  if (scientific) {
    const parts = finite.map(scientificParts);
    padLeft = Math.max(...parts.map((p) => p.integer.length));
    const fractionDigits = Math.max(...parts.map((p) => p.fraction.length));
    exponentDigits = Math.max(2, ...parts.map((p) => String(Math.abs(p.exponent)).length));
    padRight = fractionDigits + exponentDigits + 2;
    // Every value gets the widest value's digits: real digits of the exact float32, as numpy's min_digits prints them.
    render = (value) => {
      const [mantissa, exponent] = value.toExponential(fractionDigits).split('e');
      const [integer, fraction = ''] = mantissa.split('.');
      const power = Number(exponent);
      return `${integer.padStart(padLeft)}.${fraction}e${power < 0 ? '-' : '+'}${String(Math.abs(power)).padStart(exponentDigits, '0')}`;
    };
  } else {
    const parts = finite.map(positionalParts);
    padLeft = Math.max(0, ...parts.map((p) => p.integer.length));
    padRight = Math.max(0, ...parts.map((p) => p.fraction.length));
    render = (value) => {
      const p = positionalParts(value);
      return `${p.integer.padStart(padLeft)}.${p.fraction.padEnd(padRight)}`;
    };
  }
  if (finite.length !== values.length) {
    padLeft = Math.max(padLeft, 3 - (padRight + 1), 3 + (hasNegativeInfinity ? 1 : 0) - (padRight + 1));
  }
  return (value) => {
    if (Number.isFinite(value)) return render(value);
    const text = Number.isNaN(value) ? 'nan' : value < 0 ? '-inf' : 'inf';
    return text.padStart(padLeft + padRight + 1);
  };
}

/** The fewest significant digits that read back as the same float32. */
function shortestDigits(value: number): number {
  for (let digits = 1; digits < 9; digits++) {
    if (Math.fround(Number(value.toPrecision(digits))) === value) return digits;
  }
  return 9;
}

function positionalParts(value: number): { integer: string; fraction: string } {
  let text = String(Number(value.toPrecision(shortestDigits(value))));
  const [, fraction = ''] = text.split('.');
  // At most 8 digits after the point, rounded from the exact value, trailing zeros dropped.
  if (fraction.length > MAX_DIGITS) text = value.toFixed(MAX_DIGITS).replace(/0+$/, '');
  if (text.includes('e')) text = value.toFixed(MAX_DIGITS).replace(/0+$/, '');
  const [integer, rest = ''] = text.split('.');
  return { integer: value === 0 && Object.is(value, -0) ? '-0' : integer, fraction: rest };
}

function scientificParts(value: number): { integer: string; fraction: string; exponent: number } {
  const digits = Math.min(shortestDigits(value), MAX_DIGITS + 1);
  const [mantissa, exponent] = value.toExponential(digits - 1).split('e');
  const [integer, fraction = ''] = mantissa.split('.');
  return { integer, fraction: fraction.replace(/0+$/, ''), exponent: Number(exponent) };
}
