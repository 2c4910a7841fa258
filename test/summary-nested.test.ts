// summary({ expandNested, showTrainable }) in both layouts. The cells are built here from the
// models' structure by Keras' rules, not from our text, and the tables rendered by Python:
// - Keras 3 (keras/src/utils/summary_utils.py print_summary): a nested model's layers follow its
//   row, each prefixed '   ' per level and '└ '; their calls are not nodes of the summarized
//   model, so 'Connected to' is '-'; show_trainable adds 12 to the default width, scales the
//   positions by 0.90 and appends 1.0, and writes Y / N for a layer with weights, '-' without.
//   Rendered with the real rich (test/python/keras3_summary_table.py).
// - tf.keras 2 (keras v2.13.1 keras/utils/layer_utils.py print_row / print_layer): rendered by
//   test/python/tfkeras_summary_table.py, which runs those two functions on the cells; the
//   Trainable field is Y / N from layer.trainable, the line 11 wider.
// One table of each layout is also written out by hand below.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, Concatenate, Dense, Dropout, GRU, Input, LSTM, Model, ModelBase, Sequential, ready, type Layer, type SymbolicTensor } from '../dist/index.js';
import { expectError, untyped } from './expect-error.js';

const PYTHON = process.env.PYTHON ?? '/usr/bin/python3';
const KERAS3 = fileURLToPath(new URL('./python/keras3_summary_table.py', import.meta.url));
const TF_KERAS = fileURLToPath(new URL('./python/tfkeras_summary_table.py', import.meta.url));

function pythonMissing(): string | null {
  try {
    execFileSync(PYTHON, ['-c', 'import rich'], { stdio: 'ignore' });
    return null;
  } catch {
    return `${PYTHON} cannot import rich (apt-get install -y python3-rich)`;
  }
}
const missing = pythonMissing();
if (missing !== null) console.warn(`[summary-nested] skipped: ${missing}`);

beforeAll(async () => {
  await ready();
});

/** A Sequential encoder (LSTM, Dropout, frozen Dense) inside a Sequential with a Dense head. */
function sequentialInSequential(): Sequential {
  const frozen = new Dense(3, { name: 'enc_dense' });
  frozen.trainable = false;
  const encoder = new Sequential([new LSTM(4, { inputShape: [6, 2], name: 'enc_lstm' }), new Dropout(0.1, { name: 'enc_drop' }), frozen], { name: 'encoder' });
  return new Sequential([encoder, new Dense(1, { name: 'head' })], { name: 'outer' });
}

/** A functional core (with its InputLayer) shared on two inputs, a Sequential inside it: not sequential-like. */
function sharedFunctional(): Model {
  const inner = new Sequential([new Dense(2, { inputShape: [3], name: 'deep_dense' })], { name: 'deep' });
  const coreIn = Input({ shape: [5, 3], name: 'core_in' });
  const core = new Model({ inputs: coreIn, outputs: inner.apply(new GRU(3, { name: 'core_gru' }).apply(coreIn)), name: 'core' });
  const a = Input({ shape: [5, 3], name: 'left' });
  const b = Input({ shape: [5, 3], name: 'right' });
  const joined = new Dense(1, { name: 'score' }).apply(new Concatenate({ name: 'joined' }).apply([core.apply(a), core.apply(b)]));
  return new Model({ inputs: [a, b], outputs: joined, name: 'pair' });
}

type Layout = 'keras3' | 'tf.keras';

interface Cells {
  fields: string[];
  nested: Cells[];
}

const shapeOf = (t: SymbolicTensor, layout: Layout) => {
  const dims = t.shape.map((d) => (d === null ? 'None' : String(d)));
  return layout === 'tf.keras' && dims.length === 1 ? `(${dims[0]},)` : `(${dims.join(', ')})`;
};

/**
 * One layer's cells by the rules of `layout`: its calls among `nodes` (the summarized model's own
 * nodes at the top, the nested model's below), its connections only at the top.
 */
function cellsOf(layer: Layer, model: ModelBase, layout: Layout, sequential: boolean, showTrainable: boolean, level: number): Cells {
  const calls = layer.inboundNodes.filter((node) => node.inputs.length === 0 || reaches(model, node));
  const shapes = calls.map((node) => {
    const each = node.outputs.map((t) => shapeOf(t, layout));
    const bracket = layout === 'tf.keras' ? each.length > 1 || layer.className === 'InputLayer' : each.length > 1;
    return bracket ? `[${each.join(', ')}]` : (each[0] as string);
  });
  const distinct = [...new Set(shapes)];
  const shape = layout === 'keras3' ? (shapes[shapes.length - 1] as string) : distinct.length === 1 ? (distinct[0] as string) : 'multiple';
  const prefix = layout === 'keras3' && level > 0 ? `${'   '.repeat(level)}└ ` : '';
  const params = layout === 'keras3' ? layer.countParams().toLocaleString('en-US') : String(layer.countParams());
  const fields = [`${prefix}${layer.name} (${layer.className})`, shape, params];
  if (!sequential) {
    const connections = level > 0 ? [] : calls.flatMap((node) => node.inputs.map((t) => `${t.layer.name}[${t.layer.inboundNodes.indexOf(t.node)}][${t.outputIndex}]`));
    fields.push(layout === 'keras3' ? connections.join(', ') || '-' : `[${connections.map((c) => `'${c}'`).join(', ')}]`);
  }
  if (showTrainable) fields.push(layout === 'keras3' && !layer.hasWeights ? '-' : layer.trainable ? 'Y' : 'N');
  const nested = layer instanceof ModelBase ? layer.layers.map((inner) => cellsOf(inner, layer, layout, sequential, showTrainable, level + 1)) : [];
  return { fields, nested };
}

/** Whether `node` is one of `model`'s own calls: its inputs trace back to the model's inputs. */
function reaches(model: ModelBase, node: { inputs: readonly SymbolicTensor[] }): boolean {
  const own = new Set(model.inputs);
  const seen = new Set<unknown>();
  const walk = (t: SymbolicTensor): boolean => {
    if (own.has(t)) return true;
    if (seen.has(t)) return false;
    seen.add(t);
    return t.node.inputs.length > 0 && t.node.inputs.every(walk);
  };
  return node.inputs.every(walk);
}

function flatRows(cells: readonly Cells[]): string[][] {
  return cells.flatMap((c) => [c.fields, ...flatRows(c.nested)]);
}

function runPython(script: string, cases: unknown[]): Record<string, string> {
  const dir = mkdtempSync(join(tmpdir(), 'wasm-rnn-summary-nested-'));
  try {
    writeFileSync(join(dir, 'cases.json'), JSON.stringify(cases));
    return JSON.parse(execFileSync(PYTHON, [script, join(dir, 'cases.json')], { encoding: 'utf8' })) as Record<string, string>;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const models: Record<string, { sequential: boolean; make: () => ModelBase }> = {
  sequentialInSequential: { sequential: true, make: sequentialInSequential },
  sharedFunctional: { sequential: false, make: sharedFunctional },
};

const widths: [number, (readonly number[])?][] = [[76], [100], [120], [64, [0.5, 0.75, 1]], [90, [0.2, 0.5, 0.6, 1]]];

describe.skipIf(missing !== null)('expandNested and showTrainable against the Python renderings', () => {
  for (const showTrainable of [false, true]) {
    it(`Keras 3's layout${showTrainable ? ', showTrainable' : ''}: as rich renders Keras' cells`, () => {
      const cases: Record<string, unknown>[] = [];
      const ours: Record<string, string> = {};
      for (const [key, { sequential, make }] of Object.entries(models)) {
        const model = make();
        const cells = model.layers.map((layer) => cellsOf(layer, model, 'keras3', sequential, showTrainable, 0));
        const frozen = model.layers.reduce((sum, layer) => sum + (layer instanceof ModelBase ? layer.layers : [layer]).reduce((s, l) => s + (l.trainable ? 0 : l.countParams()), 0), 0);
        for (const [lineLength, positions] of widths) {
          if (positions !== undefined && positions.length !== (sequential ? 3 : 4)) continue;
          const id = `${key} ${lineLength} ${JSON.stringify(positions ?? null)}`;
          cases.push({ id, name: model.name, sequential, lineLength, positions, rows: flatRows(cells), params: model.countParams(), trainableParams: model.countParams() - frozen, showTrainable });
          ours[id] = `${model.summary({ print: false, expandNested: true, showTrainable, lineLength, ...(positions ? { positions } : {}) })}\n`;
        }
      }
      const theirs = runPython(KERAS3, cases);
      expect(Object.keys(theirs)).toHaveLength(cases.length);
      for (const id of Object.keys(ours)) expect(ours[id], id).toBe(theirs[id]);
    });

    it(`tf.keras 2's layout${showTrainable ? ', showTrainable' : ''}: as tf.keras' print_row and print_layer render Keras' cells`, () => {
      const cases: Record<string, unknown>[] = [];
      const ours: Record<string, string> = {};
      for (const [key, { sequential, make }] of Object.entries(models)) {
        const model = make();
        const cells = model.layers.map((layer) => cellsOf(layer, model, 'tf.keras', sequential, showTrainable, 0));
        const header = ['Layer (type)', 'Output Shape', 'Param #', ...(sequential ? [] : ['Connected to'])];
        for (const [lineLength, positions] of widths) {
          if (positions !== undefined && positions.length !== (sequential ? 3 : 4)) continue;
          const id = `${key} ${lineLength} ${JSON.stringify(positions ?? null)}`;
          const text = model.summary({ print: false, layout: 'tf.keras', expandNested: true, showTrainable, lineLength, ...(positions ? { positions } : {}) });
          // The totals are the layout's own (tested in summary.test.ts), not the subject here.
          const totals = text.split('\n').slice(-4, -1);
          cases.push({ id, name: model.name, lineLength, positions: positions ?? (sequential ? [0.45, 0.85, 1] : [0.33, 0.55, 0.67, 1]), header, rows: cells, totals, showTrainable });
          ours[id] = text;
        }
      }
      const theirs = runPython(TF_KERAS, cases);
      expect(Object.keys(theirs)).toHaveLength(cases.length);
      for (const id of Object.keys(ours)) expect(ours[id], id).toBe(theirs[id]);
    });
  }
});

describe('expandNested and showTrainable, written out', () => {
  it("tf.keras 2: the encoder's rows framed one level in, no blank row after its last one", () => {
    const model = sequentialInSequential();
    // Line 65, columns end at 29, 55, 65; a nested row's first column is one shorter and the row ends in '|'.
    expect(model.summary({ print: false, layout: 'tf.keras', expandNested: true }).split('\n')).toEqual([
      'Model: "outer"',
      '_________________________________________________________________',
      ' Layer (type)                Output Shape              Param #   ',
      '=================================================================',
      ' encoder (Sequential)        (None, 3)                 127       ',
      '|¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯|',
      '| enc_lstm (LSTM)            (None, 4)                 112      |',
      '|                                                               |',
      '| enc_drop (Dropout)         (None, 4)                 0        |',
      '|                                                               |',
      '| enc_dense (Dense)          (None, 3)                 15       |',
      '¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯¯',
      ' head (Dense)                (None, 1)                 4         ',
      '                                                                 ',
      '=================================================================',
      'Total params: 131',
      'Trainable params: 116',
      'Non-trainable params: 15',
      '_________________________________________________________________',
    ]);
  });

  it("Keras 3: '└ ' rows under the encoder, and the Trainable column (Y, N, '-')", () => {
    const model = sequentialInSequential();
    // Width 100; positions scaled by 0.9 end the columns at int(0.405·100)=40, 72, 90, 100 (widths
    // 40, 32, 18, 10); rich gives each 2 of padding and takes the 13 over 100 - 5 borders evenly,
    // Python-rounded: 3, 3, 4 (round(3.5) is 4), 3. 'Trainable' is cut to 7 with '…'; Y centred.
    expect(model.summary({ print: false, expandNested: true, showTrainable: true, lineLength: 100 }).split('\n')).toEqual([
      'Model: "outer"',
      '┏━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━┳━━━━━━━━━┓',
      '┃ Layer (type)                          ┃ Output Shape                  ┃        Param # ┃ Traina… ┃',
      '┡━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━╇━━━━━━━━━┩',
      '│ encoder (Sequential)                  │ (None, 3)                     │            127 │    Y    │',
      '├───────────────────────────────────────┼───────────────────────────────┼────────────────┼─────────┤',
      '│    └ enc_lstm (LSTM)                  │ (None, 4)                     │            112 │    Y    │',
      '├───────────────────────────────────────┼───────────────────────────────┼────────────────┼─────────┤',
      '│    └ enc_drop (Dropout)               │ (None, 4)                     │              0 │    -    │',
      '├───────────────────────────────────────┼───────────────────────────────┼────────────────┼─────────┤',
      '│    └ enc_dense (Dense)                │ (None, 3)                     │             15 │    N    │',
      '├───────────────────────────────────────┼───────────────────────────────┼────────────────┼─────────┤',
      '│ head (Dense)                          │ (None, 1)                     │              4 │    Y    │',
      '└───────────────────────────────────────┴───────────────────────────────┴────────────────┴─────────┘',
      ' Total params: 131 (524.00 B)',
      ' Trainable params: 116 (464.00 B)',
      ' Non-trainable params: 15 (60.00 B)',
    ]);
  });

  it('without expandNested the table is as before; bad values are a ConfigError naming the option', () => {
    const model = sequentialInSequential();
    expect(model.summary({ print: false, expandNested: false })).toBe(model.summary({ print: false }));
    expectError(() => model.summary(untyped({ expandNested: 'yes' })), ConfigError, ["'expandNested'", 'true or false', '"yes"']);
    expectError(() => model.summary(untyped({ showTrainable: 1 })), ConfigError, ["'showTrainable'", 'true or false', '1']);
    expectError(() => model.summary(untyped({ expand_nested: true })), ConfigError, ['expand_nested', 'expandNested']);
    expectError(() => model.summary({ showTrainable: true, positions: [30, 60, 80] }), ConfigError, ["'positions'", 'fractions', '0.9']);
    // Absolute positions stay fine in tf.keras' layout, which appends the Trainable column's end.
    expect(model.summary({ print: false, layout: 'tf.keras', showTrainable: true, positions: [30, 50, 65] }).split('\n')[1]).toBe('_'.repeat(76));
    // Title, top rule, header, header rule, 5 rows with 4 rules between them, bottom rule, 3 totals.
    expect(model.summary({ print: false, expandNested: true }).split('\n')).toHaveLength(17);
  });
});
