// model.summary() in Keras 3's layout (the default) and tf.keras 2's. Every expected table is
// written out by hand: the first is a Keras 3 printout as published, the rest follow from
// keras/src/utils/summary_utils.py (line_length min(88 or 108, terminal columns - 4), positions
// [0.45, 0.8, 1] or [0.3, 0.56, 0.74, 1]) and from how rich's Table lays out fixed-width columns
// (each column gets width + 2 of padding, and the excess over line_length minus the borders is
// taken evenly from the columns, Python-rounded), wraps cells at spaces and ends a word too long
// for its cell with '…'.
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { ConfigError, Concatenate, Dense, Embedding, GRU, Input, LSTM, Model, Sequential, SimpleRNN, Tensor, ready, type SymbolicTensor } from '../dist/index.js';
import { readableMemorySize } from '../dist/models/summary-keras3.js';
import { expectError, untyped } from './expect-error.js';

beforeAll(async () => {
  await ready();
});

afterEach(() => {
  vi.unstubAllEnvs();
});

/** The lines of a table, checked to be as wide as the hand-written rules say. */
function tableOf(lines: string[], width: number): string[] {
  const boxed = lines.filter((line) => /^[┏┃┡│├└]/.test(line));
  for (const line of boxed) expect([...line].length, line).toBe(width);
  return lines;
}

// keras.Sequential([Dense(2, input_shape=(3,)), Dense(1)]), as Keras 3 printed it in a notebook
// (no terminal, so shutil reports 80 columns and the table is 76 wide).
const denseModel = () => {
  const model = new Sequential({ name: 'sequential' });
  model.add(new Dense({ units: 2, inputShape: [3], name: 'dense', activation: 'relu' }));
  model.add(new Dense({ units: 1, name: 'dense_1' }));
  return model;
};

const KERAS3_DENSE_76 = tableOf([
  'Model: "sequential"',
  '┏━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━┓',
  '┃ Layer (type)                    ┃ Output Shape           ┃       Param # ┃',
  '┡━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━┩',
  '│ dense (Dense)                   │ (None, 2)              │             8 │',
  '├─────────────────────────────────┼────────────────────────┼───────────────┤',
  '│ dense_1 (Dense)                 │ (None, 1)              │             3 │',
  '└─────────────────────────────────┴────────────────────────┴───────────────┘',
  ' Total params: 11 (44.00 B)',
  ' Trainable params: 11 (44.00 B)',
  ' Non-trainable params: 0 (0.00 B)',
], 76);

describe("summary() in Keras 3's layout (the default)", () => {
  it('matches a published Keras 3 printout: 76 wide when the terminal has 80 columns', () => {
    vi.stubEnv('COLUMNS', '80');
    expect(denseModel().summary({ print: false }).split('\n')).toEqual(KERAS3_DENSE_76);
    expect(denseModel().summary({ print: false, layout: 'keras3', lineLength: 76 }).split('\n')).toEqual(KERAS3_DENSE_76);
  });

  it('is 88 wide on a wide terminal: columns 41, 33, 20 less 10 of borders (3, 4, 3) = 38, 29, 17', () => {
    vi.stubEnv('COLUMNS', '200');
    expect(denseModel().summary({ print: false }).split('\n')).toEqual(tableOf([
      'Model: "sequential"',
      '┏━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━┓',
      '┃ Layer (type)                         ┃ Output Shape                ┃         Param # ┃',
      '┡━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━┩',
      '│ dense (Dense)                        │ (None, 2)                   │               8 │',
      '├──────────────────────────────────────┼─────────────────────────────┼─────────────────┤',
      '│ dense_1 (Dense)                      │ (None, 1)                   │               3 │',
      '└──────────────────────────────────────┴─────────────────────────────┴─────────────────┘',
      ' Total params: 11 (44.00 B)',
      ' Trainable params: 11 (44.00 B)',
      ' Non-trainable params: 0 (0.00 B)',
    ], 88));
  });

  it('the README model: thousands separators per row and the size of the float32 weights (529,441 x 4 B = 2.02 MB)', () => {
    vi.stubEnv('COLUMNS', '80');
    const model = new Sequential({ name: 'sequential_readme' });
    model.add(new Embedding({ inputDim: 5000, outputDim: 100, name: 'embedding' }));
    model.add(new SimpleRNN({ units: 128, name: 'simple_rnn' }));
    model.add(new Dense({ units: 1, activation: 'sigmoid', name: 'dense' }));
    expect(model.summary({ print: false }).split('\n')).toEqual(tableOf([
      'Model: "sequential_readme"',
      '┏━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━┓',
      '┃ Layer (type)                    ┃ Output Shape           ┃       Param # ┃',
      '┡━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━┩',
      '│ embedding (Embedding)           │ (None, None, 100)      │       500,000 │',
      '├─────────────────────────────────┼────────────────────────┼───────────────┤',
      '│ simple_rnn (SimpleRNN)          │ (None, 128)            │        29,312 │',
      '├─────────────────────────────────┼────────────────────────┼───────────────┤',
      '│ dense (Dense)                   │ (None, 1)              │           129 │',
      '└─────────────────────────────────┴────────────────────────┴───────────────┘',
      ' Total params: 529,441 (2.02 MB)',
      ' Trainable params: 529,441 (2.02 MB)',
      ' Non-trainable params: 0 (0.00 B)',
    ], 76));
  });

  it("a functional model with two inputs: the 'Connected to' column, wrapped cells and a word cut with '…'", () => {
    vi.stubEnv('COLUMNS', '80');
    const a = Input({ shape: [5, 3], name: 'in_a' });
    const b = Input({ shape: [4, 2], name: 'in_b' });
    const encA = new LSTM({ units: 4, name: 'a_very_long_encoder_name' }).apply(a) as SymbolicTensor;
    const encB = new GRU({ units: 2, name: 'enc_b' }).apply(b) as SymbolicTensor;
    const joined = new Concatenate({ name: 'joined' }).apply([encA, encB]);
    const score = new Dense({ units: 1, name: 'score' }).apply(joined);
    const model = new Model({ inputs: [a, b], outputs: score, name: 'pair' });
    // min(108, 80 - 4) = 76: column ends 22, 42, 56, 76 -> 24, 22, 16, 22 with padding, less 13 -> 21, 19, 12, 19.
    const expected = tableOf([
      'Model: "pair"',
      '┏━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━━━┓',
      '┃ Layer (type)        ┃ Output Shape      ┃    Param # ┃ Connected to      ┃',
      '┡━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━━━┩',
      '│ in_a (InputLayer)   │ (None, 5, 3)      │          0 │ -                 │',
      '├─────────────────────┼───────────────────┼────────────┼───────────────────┤',
      '│ in_b (InputLayer)   │ (None, 4, 2)      │          0 │ -                 │',
      '├─────────────────────┼───────────────────┼────────────┼───────────────────┤',
      '│ a_very_long_encode… │ (None, 4)         │        128 │ in_a[0][0]        │',
      '│ (LSTM)              │                   │            │                   │',
      '├─────────────────────┼───────────────────┼────────────┼───────────────────┤',
      '│ enc_b (GRU)         │ (None, 2)         │         36 │ in_b[0][0]        │',
      '├─────────────────────┼───────────────────┼────────────┼───────────────────┤',
      '│ joined              │ (None, 6)         │          0 │ a_very_long_enco… │',
      '│ (Concatenate)       │                   │            │ enc_b[0][0]       │',
      '├─────────────────────┼───────────────────┼────────────┼───────────────────┤',
      '│ score (Dense)       │ (None, 1)         │          7 │ joined[0][0]      │',
      '└─────────────────────┴───────────────────┴────────────┴───────────────────┘',
      ' Total params: 171 (684.00 B)',
      ' Trainable params: 171 (684.00 B)',
      ' Non-trainable params: 0 (0.00 B)',
    ], 76);
    expect(model.summary({ print: false }).split('\n')).toEqual(expected);

    // 108 wide on a wide terminal: 34, 30, 21, 31 less 13 -> 31, 27, 17, 28; nothing wraps.
    expect(model.summary({ print: false, lineLength: 108 }).split('\n').slice(1, 16)).toEqual(tableOf([
      '┏━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━━━━━━━━━━━━┓',
      '┃ Layer (type)                  ┃ Output Shape              ┃         Param # ┃ Connected to               ┃',
      '┡━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━━━━━━━━━━━━┩',
      '│ in_a (InputLayer)             │ (None, 5, 3)              │               0 │ -                          │',
      '├───────────────────────────────┼───────────────────────────┼─────────────────┼────────────────────────────┤',
      '│ in_b (InputLayer)             │ (None, 4, 2)              │               0 │ -                          │',
      '├───────────────────────────────┼───────────────────────────┼─────────────────┼────────────────────────────┤',
      '│ a_very_long_encoder_name      │ (None, 4)                 │             128 │ in_a[0][0]                 │',
      '│ (LSTM)                        │                           │                 │                            │',
      '├───────────────────────────────┼───────────────────────────┼─────────────────┼────────────────────────────┤',
      '│ enc_b (GRU)                   │ (None, 2)                 │              36 │ in_b[0][0]                 │',
      '├───────────────────────────────┼───────────────────────────┼─────────────────┼────────────────────────────┤',
      '│ joined (Concatenate)          │ (None, 6)                 │               0 │ a_very_long_encoder_name[… │',
      '│                               │                           │                 │ enc_b[0][0]                │',
      '├───────────────────────────────┼───────────────────────────┼─────────────────┼────────────────────────────┤',
    ], 108));
  });

  it('a layer with several outputs lists their shapes as a Python list, wrapped at spaces', () => {
    vi.stubEnv('COLUMNS', '80');
    const inp = Input({ shape: [5, 1], name: 'seed_in' });
    const outputs = new LSTM({ units: 3, returnState: true, name: 'seed_lstm' }).apply(inp);
    const model = new Model({ inputs: inp, outputs, name: 'seed_state' });
    // Sequential-like (one node per depth reading one tensor), so three columns, 76 wide.
    expect(model.summary({ print: false }).split('\n')).toEqual(tableOf([
      'Model: "seed_state"',
      '┏━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━┓',
      '┃ Layer (type)                    ┃ Output Shape           ┃       Param # ┃',
      '┡━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━┩',
      '│ seed_in (InputLayer)            │ (None, 5, 1)           │             0 │',
      '├─────────────────────────────────┼────────────────────────┼───────────────┤',
      '│ seed_lstm (LSTM)                │ [(None, 3), (None, 3), │            60 │',
      '│                                 │ (None, 3)]             │               │',
      '└─────────────────────────────────┴────────────────────────┴───────────────┘',
      ' Total params: 60 (240.00 B)',
      ' Trainable params: 60 (240.00 B)',
      ' Non-trainable params: 0 (0.00 B)',
    ], 76));
  });

  it('lineLength and positions: a header too wide for its cell wraps and sits at the bottom of the header row', () => {
    // Ends 30, 45, 60 -> 32, 17, 17 with padding, less 10 of 56 (3, 4, 3) -> 29, 13, 14.
    expect(denseModel().summary({ print: false, lineLength: 60, positions: [0.5, 0.75, 1] }).split('\n').slice(0, 6)).toEqual(tableOf([
      'Model: "sequential"',
      '┏━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━┳━━━━━━━━━━━━━━┓',
      '┃                             ┃ Output      ┃              ┃',
      '┃ Layer (type)                ┃ Shape       ┃      Param # ┃',
      '┡━━━━━━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━╇━━━━━━━━━━━━━━┩',
      '│ dense (Dense)               │ (None, 2)   │            8 │',
    ], 60));
    // Absolute positions give the same table.
    expect(denseModel().summary({ print: false, lineLength: 60, positions: [30, 45, 60] })).toBe(
      denseModel().summary({ print: false, lineLength: 60, positions: [0.5, 0.75, 1] }),
    );
  });

  it('sizes in bytes as Keras 3 prints them: powers of 1024, two decimals, halves to even', () => {
    // From Keras 3 printouts: 11, 61, 19,015 and 529,441 float32 parameters.
    expect(readableMemorySize(44)).toBe('44.00 B');
    expect(readableMemorySize(244)).toBe('244.00 B');
    expect(readableMemorySize(76_060)).toBe('74.28 KB');
    expect(readableMemorySize(2_117_764)).toBe('2.02 MB');
    expect(readableMemorySize(0)).toBe('0.00 B');
    expect(readableMemorySize(1023)).toBe('1023.00 B');
    expect(readableMemorySize(1024)).toBe('1.00 KB');
    // 1152 B = 1.125 KB exactly: Python's '{:.2f}' gives 1.12 (1.125.toFixed(2) would say 1.13).
    expect(readableMemorySize(1152)).toBe('1.12 KB');
    expect(readableMemorySize(1664)).toBe('1.62 KB'); // 1.625
    expect(readableMemorySize(1160)).toBe('1.13 KB'); // 1.1328...
    expect(readableMemorySize(3 * 1024 ** 3)).toBe('3.00 GB');
  });
});

describe('summary() options', () => {
  it("layout 'tf.keras' gives the tf.keras 2 table; lineLength and positions apply to it too", () => {
    const model = denseModel();
    expect(model.summary({ print: false, layout: 'tf.keras' }).split('\n')).toEqual([
      'Model: "sequential"',
      '_________________________________________________________________',
      ' Layer (type)                Output Shape              Param #   ',
      '=================================================================',
      ' dense (Dense)               (None, 2)                 8         ',
      '                                                                 ',
      ' dense_1 (Dense)             (None, 1)                 3         ',
      '                                                                 ',
      '=================================================================',
      'Total params: 11',
      'Trainable params: 11',
      'Non-trainable params: 0',
      '_________________________________________________________________',
    ]);
    // Columns end at 20, 30, 40.
    expect(model.summary({ print: false, layout: 'tf.keras', lineLength: 40, positions: [0.5, 0.75, 1] }).split('\n').slice(1, 5)).toEqual([
      '________________________________________',
      ' Layer (type)       Output    Param #   ',
      '                    Shape               ',
      '========================================',
    ]);
  });

  it('printFn receives the text instead of console.log; print: false prints nothing', () => {
    const log = vi.spyOn(console, 'log').mockImplementation(() => undefined);
    try {
      const printed: string[] = [];
      const text = denseModel().summary({ printFn: (t) => printed.push(t), lineLength: 76 });
      expect(printed).toEqual([text]);
      denseModel().summary({ print: false, printFn: (t) => printed.push(t) });
      expect(printed).toHaveLength(1);
      expect(log).not.toHaveBeenCalled();
    } finally {
      log.mockRestore();
    }
  });

  it('bad options throw ConfigError naming the option, what it takes and what it got', () => {
    const model = denseModel();
    expectError(() => model.summary(untyped({ layout: 'keras2' })), ConfigError, ["'layout'", "'keras3' or 'tf.keras'", '"keras2"']);
    expectError(() => model.summary({ lineLength: 0 }), ConfigError, ["'lineLength'", 'positive integer', '0']);
    expectError(() => model.summary({ lineLength: 70.5 }), ConfigError, ["'lineLength'", '70.5']);
    expectError(() => model.summary({ positions: [0.5, 1] }), ConfigError, ["'positions'", '3 increasing positive numbers', '[0.5,1]']);
    expectError(() => model.summary({ positions: [0.8, 0.5, 1] }), ConfigError, ["'positions'", '[0.8,0.5,1]']);
    expectError(() => model.summary(untyped({ printFn: 'log' })), ConfigError, ["'printFn'", 'function', 'string']);
    expectError(() => model.summary(untyped({ print: 'no' })), ConfigError, ["'print'", '"no"']);
    // Keras 3: "Insufficient console width to print summary."; tf.keras 2 would never return.
    expectError(() => model.summary({ lineLength: 10 }), ConfigError, ['at least 4 characters', 'lineLength 10']);
    expectError(() => model.summary({ lineLength: 10, layout: 'tf.keras' }), ConfigError, ['at least 4 characters']);
    expect(model.summary({ print: false, lineLength: 76 }).split('\n')).toEqual(KERAS3_DENSE_76);
  });
});

describe('summary({ layerRange })', () => {
  // summary_utils.get_layer_index_bound_by_layer_name: rows from the first layer whose name
  // re.match-es the first string to the last one matching the second, both included.
  const chain = () => new Sequential([
    Input({ shape: [3] }), new Dense({ units: 4, name: 'enc' }), new Dense({ units: 4, name: 'enc_2' }),
    new Dense({ units: 2, name: 'mid' }), new Dense({ units: 1, name: 'head' }),
  ]);
  /** The layer names of a Keras 3 table's rows. */
  const rowNames = (text: string) => text.split('\n').flatMap((line) => /^│ (\S+) \(/.exec(line)?.[1] ?? []);

  it('shows the named layers only, inclusive; the totals still count every layer (3·4+4 + 4·4+4 + 4·2+2 + 2+1 = 49)', () => {
    const text = chain().summary({ print: false, layerRange: ['enc_2', 'mid'] });
    expect(rowNames(text)).toEqual(['enc_2', 'mid']);
    expect(text).toContain(' Total params: 49 (196.00 B)');
    const tf = chain().summary({ print: false, layout: 'tf.keras', layerRange: ['enc_2', 'mid'] });
    expect(tf).toMatch(/^ enc_2 \(Dense\)/m);
    expect(tf).toMatch(/^ mid \(Dense\)/m);
    expect(tf).not.toMatch(/^ enc \(Dense\)|^ head \(Dense\)/m);
    expect(tf).toContain('Total params: 49');
  });

  it("matches as Python's re.match: a prefix or pattern; the first of the first and the last of the second", () => {
    // 'enc' matches enc and enc_2 (re.match anchors at the start only): from enc (the first) to head.
    expect(rowNames(chain().summary({ print: false, layerRange: ['enc', 'h.*'] }))).toEqual(['enc', 'enc_2', 'mid', 'head']);
    // 'enc' as the end: the last match, enc_2.
    expect(rowNames(chain().summary({ print: false, layerRange: ['enc', 'enc'] }))).toEqual(['enc', 'enc_2']);
    // 'nc' does not match at the start of any name.
    expectError(() => chain().summary({ print: false, layerRange: ['nc', 'head'] }), ConfigError, ["'layerRange'", 'enc, enc_2, mid, head', '"nc"']);
    // Reversed: Keras takes [min(upper), max(lower) + 1].
    expect(rowNames(chain().summary({ print: false, layerRange: ['mid', 'enc_2'] }))).toEqual(['enc_2', 'mid']);
  });

  it("a functional model's range can start at its InputLayer, which its layers include", () => {
    const input = Input({ shape: [3], name: 'features' });
    const model = new Model({ inputs: input, outputs: new Dense({ units: 1, name: 'out' }).apply(new Dense({ units: 2, name: 'hidden' }).apply(input)) });
    expect(rowNames(model.summary({ print: false, layerRange: ['features', 'hidden'] }))).toEqual(['features', 'hidden']);
  });

  it('bad ranges throw ConfigError naming the option, what it takes and what it got', () => {
    const model = chain();
    expectError(() => model.summary(untyped({ layerRange: ['enc'] })), ConfigError, ["'layerRange'", 'list of 2 strings', '["enc"]']);
    expectError(() => model.summary(untyped({ layerRange: ['enc', 3] })), ConfigError, ["'layerRange'", 'list of 2 strings', '["enc",3]']);
    expectError(() => model.summary(untyped({ layerRange: 'enc' })), ConfigError, ["'layerRange'", '"enc"']);
    expectError(() => model.summary({ layerRange: ['(', 'head'] }), ConfigError, ["'layerRange'", 'not a valid regular expression', '"("']);
  });
});

describe('summary(): Optimizer params once the optimizer is built', () => {
  // summary_utils.print_summary adds the built optimizer's variables to Total params and prints them:
  // LSTM(3) on 2 features has 4·3·(2 + 3 + 1) = 72 weights, Dense(1) 3 + 1 = 4; Adam holds
  // iteration (int64, 8 B), learning_rate (float32) and momentum and velocity per weight:
  // 2 + 2·76 = 154 values, 8 + 4 + 152·4 = 620 B; total 76 + 154 = 230, 304 + 620 = 924 B.
  const lstmModel = (optimizer: 'adam' | 'sgd' = 'adam') => {
    const model = new Sequential([Input({ shape: [4, 2] }), new LSTM(3), new Dense(1)]);
    model.compile({ optimizer, loss: 'mse' });
    return model;
  };
  const x = () => new Tensor(new Float32Array(16).map((_, i) => Math.sin(i)), [2, 4, 2]);
  const y = () => new Tensor(new Float32Array([0.5, -0.5]), [2, 1]);
  const totals = (text: string) => text.split('\n').filter((line) => line.startsWith(' ') && line.includes('params:'));

  it("after a training step: Keras' own printout of LSTM(3) -> Dense(1) with Adam", async () => {
    const model = lstmModel();
    expect(totals(model.summary({ print: false }))).toEqual([' Total params: 76 (304.00 B)', ' Trainable params: 76 (304.00 B)', ' Non-trainable params: 0 (0.00 B)']);
    await model.evaluate(x(), y());
    expect(model.summary({ print: false })).not.toContain('Optimizer params');
    await model.fit(x(), y(), { epochs: 1, verbose: 0 });
    expect(totals(model.summary({ print: false }))).toEqual([
      ' Total params: 230 (924.00 B)', ' Trainable params: 76 (304.00 B)', ' Non-trainable params: 0 (0.00 B)', ' Optimizer params: 154 (620.00 B)',
    ]);
    // tf.keras 2 printed no optimizer line and left it out of the total.
    expect(model.summary({ print: false, layout: 'tf.keras' })).toContain('Total params: 76\n');
  });

  it('trainOnBatch builds it too; plain SGD has only iteration and learning_rate (2 values, 12 B)', () => {
    const model = lstmModel('sgd');
    model.trainOnBatch(x(), y());
    expect(totals(model.summary({ print: false }))).toEqual([
      ' Total params: 78 (316.00 B)', ' Trainable params: 76 (304.00 B)', ' Non-trainable params: 0 (0.00 B)', ' Optimizer params: 2 (12.00 B)',
    ]);
  });

  it('a frozen layer has no slots: Adam over the LSTM alone holds 2 + 2·72 = 146 values, 8 + 4 + 144·4 = 588 B', () => {
    const model = new Sequential([Input({ shape: [4, 2] }), new LSTM(3), new Dense({ units: 1, trainable: false })]);
    model.compile({ optimizer: 'adam', loss: 'mse' });
    model.trainOnBatch(x(), y());
    expect(model.summary({ print: false })).toContain(' Optimizer params: 146 (588.00 B)');
  });
});
