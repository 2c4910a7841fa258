// The "bad input" contract: every wrong argument raises the documented error
// class with a message that names the argument, what was expected and what
// arrived; nothing is changed by a failing call, no WebAssembly memory is
// touched, and the next valid call still gives Keras' numbers.
import { beforeAll, describe, expect, it } from 'vitest';
import {
  Bidirectional,
  ConfigError,
  GRU,
  InputError,
  LSTM,
  RecurrentLayer,
  ShapeError,
  SimpleRNN,
  Tensor,
  layerFromConfig,
  memoryBytes,
  ready,
  tensor,
  type ApplyOptions,
  type KerasLayerSpec,
  type LSTMOptions,
  type TensorLike,
} from '../dist/index.js';
import { expectError, untyped, type ErrorClass } from './expect-error.js';
import { expectSameWeights, kerasWeightShapes, referenceOutputs, seededTensor } from './model-helpers.js';
import { expectClose } from './expect-close.js';
import { recurrentSpec, type MergeMode, type ReferenceRecurrentSpec, type ReferenceTensor } from './reference/index.js';

beforeAll(async () => {
  await ready();
});

// ---------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------

type AnyLayer = RecurrentLayer | Bidirectional;

/** What the reference says a layer of `s` (or Bidirectional around it) returns. */
interface Expectation {
  spec: ReferenceRecurrentSpec;
  /** Present for a Bidirectional. */
  mergeMode?: MergeMode;
}

function referenceOutputsOf(expectation: Expectation, weights: readonly Tensor[], x: Tensor, options: ApplyOptions): ReferenceTensor[] {
  return referenceOutputs(expectation.spec, expectation.mergeMode, weights, x, options);
}

function weightShapesOf(expectation: Expectation, inputDim: number): number[][] {
  return kerasWeightShapes(expectation.spec, inputDim, expectation.mergeMode !== undefined);
}


/** Gives `layer` fresh random weights, runs one valid call and checks it against the reference. */
function expectValidCallWorks(layer: AnyLayer, expectation: Expectation, seed: number): void {
  const [B, T, D] = [2, 3, 2];
  layer.build([B, T, D]);
  const weights = weightShapesOf(expectation, D).map((shape, i) => seededTensor(shape, seed + i, 0.8));
  layer.setWeights(weights);
  const x = seededTensor([B, T, D], seed + 100, 2);
  const options: ApplyOptions = { mask: tensor([1, 1, 0, 0, 1, 1], [B, T]) };
  expectClose(layer.call(x, options), referenceOutputsOf(expectation, weights, x, options));
}

// ---------------------------------------------------------------------------
// Bad calls on a built layer: x, mask, initial state, setWeights
// ---------------------------------------------------------------------------

const B = 2;
const T = 4;
const D = 3;
const H = 4;

interface Subject {
  title: string;
  /** The name the layer's messages start with. */
  name: string;
  /** Names of the layer(s) owning the weights: one, or forward then backward. */
  weightOwners: string[];
  /** State labels as messages print them, in Keras order. */
  stateLabels: string[];
  expectation: Expectation;
  create(): AnyLayer;
}

const subjects: Subject[] = [
  {
    title: 'SimpleRNN',
    name: 'err_simple_rnn',
    weightOwners: ['err_simple_rnn'],
    stateLabels: ['h'],
    expectation: { spec: recurrentSpec('SimpleRNN', H, { returnSequences: true, returnState: true }) },
    create: () => new SimpleRNN({ name: 'err_simple_rnn', units: H, returnSequences: true, returnState: true }),
  },
  {
    title: 'LSTM',
    name: 'err_lstm',
    weightOwners: ['err_lstm'],
    stateLabels: ['h', 'c'],
    expectation: { spec: recurrentSpec('LSTM', H, { returnSequences: true, returnState: true }) },
    create: () => new LSTM({ name: 'err_lstm', units: H, returnSequences: true, returnState: true }),
  },
  {
    title: 'GRU (reset_after)',
    name: 'err_gru',
    weightOwners: ['err_gru'],
    stateLabels: ['h'],
    expectation: { spec: recurrentSpec('GRU', H, { returnState: true }) },
    create: () => new GRU({ name: 'err_gru', units: H, returnState: true }),
  },
  {
    title: 'GRU (reset_after=false, no bias)',
    name: 'err_gru_v1',
    weightOwners: ['err_gru_v1'],
    stateLabels: ['h'],
    expectation: { spec: recurrentSpec('GRU', H, { resetAfter: false, useBias: false, returnSequences: true }) },
    create: () => new GRU({ name: 'err_gru_v1', units: H, resetAfter: false, useBias: false, returnSequences: true }),
  },
  {
    title: 'Bidirectional(LSTM)',
    name: 'err_bi',
    weightOwners: ['forward_err_bi_lstm', 'backward_err_bi_lstm'],
    stateLabels: ['forward h', 'forward c', 'backward h', 'backward c'],
    expectation: { spec: recurrentSpec('LSTM', H, { returnSequences: true, returnState: true }), mergeMode: 'concat' },
    create: () => new Bidirectional(new LSTM({ name: 'err_bi_lstm', units: H, returnSequences: true, returnState: true }), { name: 'err_bi' }),
  },
];

interface BadCall {
  title: string;
  errorClass: ErrorClass;
  patterns: RegExp[];
  run(layer: AnyLayer): unknown;
}

function shapeText(shape: readonly number[]): string {
  return `\\[${shape.join(', ')}\\]`;
}

function badCalls(subject: Subject, weights: readonly Tensor[]): BadCall[] {
  const { name, stateLabels } = subject;
  const x = seededTensor([B, T, D], 1);
  const zeros = (shape: number[]): Tensor => tensor(new Float32Array(shape.reduce((p, d) => p * d, 1)), shape);
  const goodStates = stateLabels.map(() => zeros([B, H]));
  const perDirection = weights.length / subject.weightOwners.length;
  // Bidirectional: break the backward half so the forward half must be rolled back.
  const target = subject.weightOwners.length > 1 ? perDirection : 0;
  const owner = subject.weightOwners[subject.weightOwners.length - 1];
  const withWeight = (index: number, replacement: TensorLike): TensorLike[] =>
    weights.map((w, i): TensorLike => (i === index ? replacement : w));
  const kernelShape = [...weights[target].shape];
  const recurrentShape = [...weights[target + 1].shape];
  const wrongStateCount = stateLabels.length === 1 ? 2 : stateLabels.length / 2;
  const at = new RegExp(`^${name}: `);

  const cases: BadCall[] = [
    // ---- x ----
    {
      title: 'x of rank 2',
      errorClass: ShapeError,
      patterns: [at, /input x/, /rank 3/, /\(batch, timesteps, features\)/, /received shape \[2, 3\]/],
      run: (layer) => layer.call([[1, 2, 3], [4, 5, 6]]),
    },
    {
      title: 'x of rank 4',
      errorClass: ShapeError,
      patterns: [at, /input x/, /rank 3/, /received shape \[1, 2, 4, 3\]/],
      run: (layer) => layer.call(zeros([1, 2, T, D])),
    },
    {
      title: 'x of rank 0 (a number)',
      errorClass: ShapeError,
      patterns: [at, /input x/, /rank 3/, /received shape \[\]/],
      run: (layer) => layer.call(5),
    },
    {
      title: 'x with a feature size the layer was not built for',
      errorClass: ShapeError,
      patterns: [at, /input x/, /must have shape \[None, None, 3\]/, /received \[2, 4, 5\]/],
      run: (layer) => layer.call(zeros([2, 4, 5])),
    },
    {
      title: 'x with an empty time axis [1, 0, 3]',
      errorClass: ShapeError,
      patterns: [at, /input x/, /at least one sample, one time step and one feature/, /received shape \[1, 0, 3\]/],
      run: (layer) => layer.call(tensor([], [1, 0, 3])),
    },
    {
      title: 'x with an empty batch axis [0, 4, 3]',
      errorClass: ShapeError,
      patterns: [at, /input x/, /at least one sample/, /received shape \[0, 4, 3\]/],
      run: (layer) => layer.call(tensor([], [0, T, D])),
    },
    {
      title: 'x given as a string',
      errorClass: InputError,
      patterns: [at, /input x/, /expected a Tensor or nested number arrays/, /received string abc/],
      run: (layer) => layer.call(untyped<TensorLike>('abc')),
    },
    {
      title: 'x given as a plain object',
      errorClass: InputError,
      patterns: [at, /input x/, /expected a Tensor or nested number arrays/, /received an object/],
      run: (layer) => layer.call(untyped<TensorLike>({ shape: [B, T, D], data: [] })),
    },
    {
      title: 'x given as null',
      errorClass: InputError,
      patterns: [at, /input x/, /expected a Tensor or nested number arrays/, /received null/],
      run: (layer) => layer.call(untyped<TensorLike>(null)),
    },
    {
      title: 'x given as undefined',
      errorClass: InputError,
      patterns: [at, /input x/, /expected a Tensor or nested number arrays/, /received undefined/],
      run: (layer) => layer.call(untyped<TensorLike>(undefined)),
    },
    {
      title: 'x with ragged nesting',
      errorClass: ShapeError,
      patterns: [at, /input x/, /ragged/, /length 3 at depth 2/, /\[2, 1, 3\]/, /length 2/],
      run: (layer) => layer.call([[[1, 2, 3]], [[1, 2]]]),
    },
    {
      title: 'x with a non-number entry',
      errorClass: InputError,
      patterns: [at, /input x/, /expected a number at depth 3/, /string 2/],
      run: (layer) => layer.call(untyped<TensorLike>([[[1, '2', 3]]])),
    },
    // ---- mask ----
    {
      title: 'mask with too few time steps',
      errorClass: ShapeError,
      patterns: [at, /mask/, /must have shape \[2, 4\] \(batch, timesteps\)/, /received \[2, 3\]/],
      run: (layer) => layer.call(x, { mask: tensor([1, 1, 1, 1, 1, 1], [2, 3]) }),
    },
    {
      title: 'mask transposed to (timesteps, batch)',
      errorClass: ShapeError,
      patterns: [at, /mask/, /\[2, 4\]/, /received \[4, 2\]/],
      run: (layer) => layer.call(x, { mask: zeros([T, B]) }),
    },
    {
      title: 'mask of rank 3',
      errorClass: ShapeError,
      patterns: [at, /mask/, /\[2, 4\]/, /received \[2, 4, 1\]/],
      run: (layer) => layer.call(x, { mask: zeros([B, T, 1]) }),
    },
    {
      title: 'mask given as a string',
      errorClass: InputError,
      patterns: [at, /mask/, /expected a Tensor or nested number arrays/, /received string 1111/],
      run: (layer) => layer.call(x, { mask: untyped<TensorLike>('1111') }),
    },
    // ---- initial state ----
    {
      title: `initialState with ${wrongStateCount} tensors instead of ${stateLabels.length}`,
      errorClass: ShapeError,
      patterns: [
        at,
        /initialState/,
        new RegExp(`list of ${stateLabels.length} state tensors \\[${stateLabels.join(', ')}\\]`),
        new RegExp(`received ${wrongStateCount}$`),
      ],
      run: (layer) => layer.call(x, { initialState: Array.from({ length: wrongStateCount }, () => zeros([B, H])) }),
    },
    {
      title: 'initialState whose first state has too many units',
      errorClass: ShapeError,
      patterns: [at, new RegExp(`initialState\\[0\\] \\(${stateLabels[0]}\\)`), /must have shape \[2, 4\]/, /received \[2, 5\]/],
      run: (layer) => layer.call(x, { initialState: [zeros([B, H + 1]), ...goodStates.slice(1)] }),
    },
    {
      title: 'initialState whose last state has the wrong batch size',
      errorClass: ShapeError,
      patterns: [
        at,
        new RegExp(`initialState\\[${stateLabels.length - 1}\\] \\(${stateLabels[stateLabels.length - 1]}\\)`),
        /must have shape \[2, 4\]/,
        /received \[3, 4\]/,
      ],
      run: (layer) => layer.call(x, { initialState: [...goodStates.slice(0, -1), zeros([3, H])] }),
    },
    {
      title: 'initialState with a null entry',
      errorClass: InputError,
      patterns: [at, /initialState\[0\]/, /must be a tensor of shape \[2, 4\]/, /received null/],
      run: (layer) => layer.call(x, { initialState: untyped<TensorLike[]>([null, ...goodStates.slice(1)]) }),
    },
    // ---- setWeights ----
    {
      title: 'setWeights with a non-array',
      errorClass: ShapeError,
      patterns: [at, /setWeights expects/, /received string/],
      run: (layer) => layer.setWeights(untyped<TensorLike[]>('weights')),
    },
    {
      title: 'setWeights with a weight of the wrong kernel input size',
      errorClass: ShapeError,
      patterns: [
        new RegExp(`^${owner}: `),
        /setWeights kernel/,
        new RegExp(`must have shape ${shapeText(kernelShape)}`),
        new RegExp(`received ${shapeText([D + 2, kernelShape[1]])}`),
      ],
      run: (layer) => layer.setWeights(withWeight(target, zeros([D + 2, kernelShape[1]]))),
    },
    {
      title: 'setWeights with a recurrent kernel one gate short',
      errorClass: ShapeError,
      patterns: [
        new RegExp(`^${owner}: `),
        /setWeights recurrent_kernel/,
        new RegExp(`must have shape ${shapeText(recurrentShape)}`),
        new RegExp(`received ${shapeText([H, recurrentShape[1] - H])}`),
      ],
      run: (layer) => layer.setWeights(withWeight(target + 1, zeros([H, recurrentShape[1] - H]))),
    },
    {
      title: 'setWeights with a kernel of rank 1',
      errorClass: ShapeError,
      patterns: [new RegExp(`^${owner}: `), /setWeights kernel/, new RegExp(`\\[${kernelShape[0]}, ${kernelShape[1]}\\]`), /received \[12\]/],
      run: (layer) => layer.setWeights(withWeight(target, zeros([12]))),
    },
    {
      title: 'setWeights with a string instead of a kernel',
      errorClass: InputError,
      patterns: [new RegExp(`^${owner}: `), /setWeights kernel/, /expected a Tensor or nested number arrays/, /received string kernel/],
      run: (layer) => layer.setWeights(withWeight(target, untyped<TensorLike>('kernel'))),
    },
  ];

  if (weights.length === 3) {
    const biasShape = [...weights[2].shape];
    cases.push(
      {
        title: 'setWeights with 2 weights instead of 3',
        errorClass: ShapeError,
        patterns: [at, /setWeights expects 3 tensors \(kernel, recurrent_kernel, bias\)/, /received 2$/],
        run: (layer) => layer.setWeights(weights.slice(0, 2)),
      },
      {
        title: 'setWeights with 4 weights instead of 3',
        errorClass: ShapeError,
        patterns: [at, /setWeights expects 3 tensors/, /received 4$/],
        run: (layer) => layer.setWeights([...weights, weights[2]]),
      },
      {
        title: 'setWeights with a bias of the wrong shape',
        errorClass: ShapeError,
        patterns: [at, /setWeights bias/, new RegExp(`must have shape ${shapeText(biasShape)}`), new RegExp(`received \\[${biasShape[biasShape.length - 1] + 1}\\]`)],
        run: (layer) => layer.setWeights(withWeight(2, zeros([biasShape[biasShape.length - 1] + 1]))),
      },
    );
  } else if (weights.length === 2) {
    cases.push({
      title: 'setWeights with a bias for a layer without one',
      errorClass: ShapeError,
      patterns: [at, /setWeights expects 2 tensors \(kernel, recurrent_kernel\)/, /received 3$/],
      run: (layer) => layer.setWeights([...weights, zeros([weights[1].shape[1]])]),
    });
  } else {
    // Bidirectional: forward weights then backward weights.
    cases.push(
      {
        title: 'setWeights with an odd number of weights',
        errorClass: ShapeError,
        patterns: [at, /setWeights expects the forward layer's weights then the backward layer's, an even count/, /received 5$/],
        run: (layer) => layer.setWeights(weights.slice(0, 5)),
      },
      {
        title: 'setWeights with one direction\'s worth of weights',
        errorClass: ShapeError,
        patterns: [new RegExp(`^${subject.weightOwners[0]}: `), /setWeights expects 3 tensors/, /received 2$/],
        run: (layer) => layer.setWeights([...weights.slice(0, 2), ...weights.slice(3, 5)]),
      },
      {
        title: 'setWeights with a bad forward bias',
        errorClass: ShapeError,
        patterns: [new RegExp(`^${subject.weightOwners[0]}: `), /setWeights bias/, /must have shape \[16\]/, /received \[2, 16\]/],
        run: (layer) => layer.setWeights(withWeight(2, zeros([2, 16]))),
      },
    );
  }
  return cases;
}

for (const subject of subjects) {
  describe(`bad calls on a built ${subject.title}`, () => {
    let layer: AnyLayer;
    let weights: Tensor[];
    const x = seededTensor([B, T, D], 11, 1.5);
    const mask = tensor([1, 1, 0, 1, 0, 1, 1, 1], [B, T]);
    const initialState = subject.stateLabels.map((_, i) => seededTensor([B, H], 20 + i, 0.5));

    /** The valid call every bad call is followed by, checked against the float64 reference. */
    function expectCorrectCall(): void {
      const options: ApplyOptions = { mask, initialState };
      expectClose(layer.call(x, options), referenceOutputsOf(subject.expectation, weights, x, options));
    }

    beforeAll(() => {
      layer = subject.create();
      weights = weightShapesOf(subject.expectation, D).map((shape, i) => seededTensor(shape, 100 + i, 0.7));
      layer.setWeights(weights);
      // Warm-up: memory has grown to what a valid call needs.
      expectCorrectCall();
    });

    it('starts from a valid call that matches the reference', () => {
      expectSameWeights(layer.getWeights(), weights);
      expectCorrectCall();
    });

    // The cases need the weights, which exist only after beforeAll; build them from the shapes.
    const caseWeights = weightShapesOf(subject.expectation, D).map((shape) => tensor(new Float32Array(shape.reduce((p, d) => p * d, 1)), shape));
    for (const badCall of badCalls(subject, caseWeights)) {
      it(`${badCall.title}: ${badCall.errorClass.name}, nothing changes, next call is correct`, () => {
        const weightsBefore = layer.getWeights();
        const bytesBefore = memoryBytes();
        expectError(() => badCall.run(layer), badCall.errorClass, badCall.patterns);
        expect(memoryBytes()).toBe(bytesBefore);
        expect(layer.built).toBe(true);
        expectSameWeights(layer.getWeights(), weightsBefore);
        expectCorrectCall();
      });
    }
  });
}

describe('a failing first call leaves an unbuilt layer unbuilt', () => {
  for (const subject of subjects) {
    it(subject.title, () => {
      const layer = subject.create();
      const x = seededTensor([B, T, D], 31);
      const bytesBefore = memoryBytes();
      expectError(() => layer.call(x, { mask: tensor([1, 1, 1], [1, 3]) }), ShapeError, [/mask/, /\[2, 4\]/, /received \[1, 3\]/]);
      expectError(() => layer.call(x, { initialState: [] }), ShapeError, [/initialState/, /received 0/]);
      expect(layer.built).toBe(false);
      expect(layer.getWeights()).toEqual([]);
      expect(memoryBytes()).toBe(bytesBefore);

      // The next valid call builds the layer from its initializers; check it with those weights.
      const outputs = layer.call(x);
      expect(layer.built).toBe(true);
      expectClose(outputs, referenceOutputsOf(subject.expectation, layer.getWeights(), x, {}));
    });
  }
});

describe('a layer with a declared input shape', () => {
  it('rejects x whose time axis differs from batchInputShape, then runs a matching x', () => {
    const layer = new SimpleRNN({ name: 'declared_rnn', units: 2, batchInputShape: [null, 5, 3] });
    const weights = [seededTensor([3, 2], 41), seededTensor([2, 2], 42), seededTensor([2], 43)];
    layer.setWeights(weights);
    expectError(() => layer.call(seededTensor([1, 4, 3], 44)), ShapeError, [
      /^declared_rnn: /,
      /input x/,
      /must have shape \[None, 5, 3\]/,
      /received \[1, 4, 3\]/,
    ]);
    const x = seededTensor([2, 5, 3], 45);
    expectClose(layer.call(x), referenceOutputsOf({ spec: recurrentSpec('SimpleRNN', 2) }, weights, x, {}));
  });
});

describe('tensor() on data that is not a tensor', () => {
  const cases: { title: string; run: () => unknown; errorClass: ErrorClass; patterns: RegExp[] }[] = [
    { title: 'ragged rows', run: () => tensor([[1, 2, 3], [4, 5]]), errorClass: ShapeError, patterns: [/^tensor: /, /ragged/, /\[2, 3\]/, /length 2/] },
    { title: 'ragged depth', run: () => tensor([[[1], [2]], [3, 4]]), errorClass: ShapeError, patterns: [/ragged/, /depth 1|depth 2/, /\[2, 2, 1\]/] },
    {
      title: 'data too short for the shape',
      run: () => tensor([1, 2, 3, 4, 5], [2, 3]),
      errorClass: ShapeError,
      patterns: [/5 values/, /do not fit shape \[2, 3\]/, /6 values/],
    },
    {
      title: 'data too long for the shape',
      run: () => tensor(new Float32Array(7), [2, 3]),
      errorClass: ShapeError,
      patterns: [/7 values/, /\[2, 3\]/, /6 values/],
    },
    { title: 'a string', run: () => tensor(untyped<TensorLike>('1,2,3')), errorClass: InputError, patterns: [/values must be/, /string 1,2,3/] },
  ];
  for (const { title, run, errorClass, patterns } of cases) {
    it(`${title} → ${errorClass.name}`, () => {
      expectError(run, errorClass, patterns);
      // tensor() keeps working after the failure.
      expect(tensor([[1, 2, 3], [4, 5, 6]]).shape).toEqual([2, 3]);
    });
  }
});

// ---------------------------------------------------------------------------
// Bad options and configs: nothing is constructed, and the corrected
// construction works and gives the reference's numbers.
// ---------------------------------------------------------------------------

interface BadConstruction {
  title: string;
  errorClass: ErrorClass;
  patterns: RegExp[];
  bad(): unknown;
  /** The same construction with the mistake corrected. */
  fixed(): AnyLayer;
  expectation: Expectation;
}

function lstmConfig(config: Record<string, unknown>): KerasLayerSpec {
  return { class_name: 'LSTM', config: { units: 3, ...config } };
}

function bidirectionalConfig(merge: unknown, inner: Record<string, unknown>): KerasLayerSpec {
  return { class_name: 'Bidirectional', config: { merge_mode: merge, layer: { class_name: 'GRU', config: { units: 3, ...inner } } } };
}

const badConstructions: BadConstruction[] = [
  ...([0, -2, 2.5, '4', undefined] as const).map(
    (units): BadConstruction => ({
      title: `units ${JSON.stringify(units) ?? 'undefined'}`,
      errorClass: ConfigError,
      patterns: [/option 'units'/, /must be a positive integer/, new RegExp(`received ${(JSON.stringify(units) ?? 'undefined').replace('.', '\\.')}$`)],
      bad: () => new LSTM(untyped<LSTMOptions>({ units })),
      fixed: () => new LSTM({ units: 3 }),
      expectation: { spec: recurrentSpec('LSTM', 3) },
    }),
  ),
  {
    title: 'units in a Keras config as 0',
    errorClass: ConfigError,
    patterns: [/option 'units'/, /positive integer/, /received 0/],
    bad: () => layerFromConfig(lstmConfig({ units: 0 })),
    fixed: () => layerFromConfig(lstmConfig({ units: 3 })),
    expectation: { spec: recurrentSpec('LSTM', 3) },
  },
  {
    title: 'an unknown activation',
    errorClass: ConfigError,
    patterns: [/option 'activation'/, /unknown activation "tanhh"/, /expected one of .*\btanh\b.*\brelu\b/],
    bad: () => new SimpleRNN(untyped<LSTMOptions>({ units: 3, activation: 'tanhh' })),
    fixed: () => new SimpleRNN({ units: 3, activation: 'relu' }),
    expectation: { spec: recurrentSpec('SimpleRNN', 3, { activation: 'relu' }) },
  },
  {
    title: 'an unknown recurrent activation',
    errorClass: ConfigError,
    patterns: [/option 'recurrentActivation'/, /unknown activation "hard_sigmoidd"/, /expected one of .*hard_sigmoid/],
    bad: () => new GRU(untyped<LSTMOptions>({ units: 3, recurrentActivation: 'hard_sigmoidd' })),
    fixed: () => new GRU({ units: 3, recurrentActivation: 'hard_sigmoid' }),
    expectation: { spec: recurrentSpec('GRU', 3, { recurrentActivation: 'hard_sigmoid' }) },
  },
  {
    title: 'an unknown activation in a Keras config',
    errorClass: ConfigError,
    patterns: [/option 'activation'/, /unknown activation "swishy"/, /expected one of/],
    bad: () => layerFromConfig(lstmConfig({ activation: 'swishy' })),
    fixed: () => layerFromConfig(lstmConfig({ activation: 'sigmoid' })),
    expectation: { spec: recurrentSpec('LSTM', 3, { activation: 'sigmoid' }) },
  },
  {
    title: 'an unknown merge mode',
    errorClass: ConfigError,
    patterns: [/option 'mergeMode'/, /must be one of 'concat', 'sum', 'mul', 'ave' or null/, /received "avg"/],
    bad: () => new Bidirectional(new GRU({ units: 3 }), untyped<{ mergeMode: null }>({ mergeMode: 'avg' })),
    fixed: () => new Bidirectional(new GRU({ units: 3 }), { mergeMode: 'ave' }),
    expectation: { spec: recurrentSpec('GRU', 3), mergeMode: 'ave' },
  },
  {
    title: 'an unknown merge_mode in a Keras config',
    errorClass: ConfigError,
    patterns: [/'mergeMode'/, /'concat', 'sum', 'mul', 'ave' or null/, /received "average"/],
    bad: () => layerFromConfig(bidirectionalConfig('average', {})),
    fixed: () => layerFromConfig(bidirectionalConfig('mul', {})),
    expectation: { spec: recurrentSpec('GRU', 3), mergeMode: 'mul' },
  },
  {
    title: 'Bidirectional around a layer with goBackwards: true',
    errorClass: ConfigError,
    patterns: [/wrapped layer bad_backwards_gru/, /goBackwards: true/, /wrap a layer with goBackwards: false/],
    bad: () => new Bidirectional(new GRU({ name: 'bad_backwards_gru', units: 3, goBackwards: true })),
    fixed: () => new Bidirectional(new GRU({ units: 3, goBackwards: false })),
    expectation: { spec: recurrentSpec('GRU', 3), mergeMode: 'concat' },
  },
  {
    title: 'Bidirectional config around a layer with go_backwards: true',
    errorClass: ConfigError,
    patterns: [/wrapped layer/, /goBackwards: true/, /goBackwards: false/],
    bad: () => layerFromConfig(bidirectionalConfig('sum', { go_backwards: true })),
    fixed: () => layerFromConfig(bidirectionalConfig('sum', { go_backwards: false })),
    expectation: { spec: recurrentSpec('GRU', 3), mergeMode: 'sum' },
  },
  {
    title: 'Bidirectional around an already built layer',
    errorClass: ConfigError,
    patterns: [/wrapped layer built_gru is already built/, /wrap a fresh layer/],
    bad: () => {
      const built = new GRU({ name: 'built_gru', units: 3 });
      built.build([1, 2, 2]);
      return new Bidirectional(built);
    },
    fixed: () => new Bidirectional(new GRU({ units: 3 })),
    expectation: { spec: recurrentSpec('GRU', 3), mergeMode: 'concat' },
  },
  {
    title: 'a backwardLayer without goBackwards: true',
    errorClass: ConfigError,
    patterns: [/option 'backwardLayer'/, /must have goBackwards: true/, /received false/],
    bad: () => new Bidirectional(new GRU({ units: 3 }), { backwardLayer: new GRU({ units: 3 }) }),
    fixed: () => new Bidirectional(new GRU({ units: 3 }), { backwardLayer: new GRU({ units: 3, goBackwards: true }) }),
    expectation: { spec: recurrentSpec('GRU', 3), mergeMode: 'concat' },
  },
  {
    title: 'stateful: "yes" in options (not a boolean)',
    errorClass: ConfigError,
    patterns: [/option 'stateful'/, /must be a boolean/, /received "yes"/],
    bad: () => new LSTM({ units: 3, stateful: 'yes' as unknown as boolean }),
    fixed: () => new LSTM({ units: 3, stateful: false }),
    expectation: { spec: recurrentSpec('LSTM', 3) },
  },
  {
    title: 'time_major: true in a Keras config',
    errorClass: ConfigError,
    patterns: [/LSTM config 'time_major': true is not supported/, /expected false/],
    bad: () => layerFromConfig(lstmConfig({ time_major: true })),
    fixed: () => layerFromConfig(lstmConfig({ time_major: false })),
    expectation: { spec: recurrentSpec('LSTM', 3) },
  },
  {
    title: 'an unknown option key (retrunSequences)',
    errorClass: ConfigError,
    patterns: [/unknown option 'retrunSequences'/, /expected one of .*\breturnSequences\b/],
    bad: () => new LSTM(untyped<LSTMOptions>({ units: 3, retrunSequences: true })),
    fixed: () => new LSTM({ units: 3, returnSequences: true }),
    expectation: { spec: recurrentSpec('LSTM', 3, { returnSequences: true }) },
  },
  {
    title: 'a snake_case option key (return_state)',
    errorClass: ConfigError,
    patterns: [/unknown option 'return_state'/, /expected one of .*\breturnState\b/],
    bad: () => new GRU(untyped<LSTMOptions>({ units: 3, return_state: true })),
    fixed: () => new GRU({ units: 3, returnState: true }),
    expectation: { spec: recurrentSpec('GRU', 3, { returnState: true }) },
  },
  {
    title: 'an unknown Bidirectional option key (merge_mode)',
    errorClass: ConfigError,
    patterns: [/unknown option 'merge_mode'/, /expected one of .*\bmergeMode\b/],
    bad: () => new Bidirectional(new LSTM({ units: 3 }), untyped<{ mergeMode: 'sum' }>({ merge_mode: 'sum' })),
    fixed: () => new Bidirectional(new LSTM({ units: 3 }), { mergeMode: 'sum' }),
    expectation: { spec: recurrentSpec('LSTM', 3), mergeMode: 'sum' },
  },
  {
    title: 'options that are not an object',
    errorClass: ConfigError,
    patterns: [/^SimpleRNN: options must be an object such as \{ units: 3 \}/, /received "4"$/],
    bad: () => new SimpleRNN(untyped<LSTMOptions>('4')),
    fixed: () => new SimpleRNN({ units: 4 }),
    expectation: { spec: recurrentSpec('SimpleRNN', 4) },
  },
  {
    title: 'an unknown layer class in layerFromConfig',
    errorClass: ConfigError,
    patterns: [/^layerFromConfig: /, /unknown layer class_name "Dense"/, /expected SimpleRNN, LSTM, GRU, RNN, CuDNNLSTM, CuDNNGRU or Bidirectional/],
    bad: () => layerFromConfig({ class_name: 'Dense', config: { units: 3 } }),
    fixed: () => layerFromConfig({ class_name: 'GRU', config: { units: 3 } }),
    expectation: { spec: recurrentSpec('GRU', 3) },
  },
  {
    title: 'an unknown layer class inside a Bidirectional config',
    errorClass: ConfigError,
    patterns: [/^Bidirectional\.fromConfig: config\.layer must be SimpleRNN, LSTM, GRU, RNN, CuDNNLSTM or CuDNNGRU/, /received "Conv1D"/],
    bad: () => layerFromConfig({ class_name: 'Bidirectional', config: { layer: { class_name: 'Conv1D', config: { filters: 3 } } } }),
    fixed: () => layerFromConfig({ class_name: 'Bidirectional', config: { layer: { class_name: 'SimpleRNN', config: { units: 3 } } } }),
    expectation: { spec: recurrentSpec('SimpleRNN', 3), mergeMode: 'concat' },
  },
  {
    title: 'a Keras spec without class_name',
    errorClass: ConfigError,
    patterns: [/^layerFromConfig: spec\.class_name must be a string/, /received undefined/],
    bad: () => layerFromConfig(untyped<KerasLayerSpec>({ config: { units: 3 } })),
    fixed: () => layerFromConfig({ class_name: 'SimpleRNN', config: { units: 3 } }),
    expectation: { spec: recurrentSpec('SimpleRNN', 3) },
  },
  {
    title: 'kerasVersion 4',
    errorClass: ConfigError,
    patterns: [/option 'kerasVersion'/, /must be 2 or 3/, /received 4/],
    bad: () => layerFromConfig(lstmConfig({ recurrent_activation: 'hard_sigmoid' }), untyped<{ kerasVersion: 2 }>({ kerasVersion: 4 })),
    fixed: () => layerFromConfig(lstmConfig({ recurrent_activation: 'hard_sigmoid' }), { kerasVersion: 2 }),
    expectation: { spec: recurrentSpec('LSTM', 3, { recurrentActivation: 'hard_sigmoid', hardSigmoidVariant: 'keras2' }) },
  },
];

describe('bad options and Keras configs', () => {
  beforeAll(() => {
    // Warm-up so that memoryBytes() reflects a layer that has already run.
    expectValidCallWorks(new LSTM({ units: 3 }), { spec: recurrentSpec('LSTM', 3) }, 500);
  });

  badConstructions.forEach((c, i) => {
    it(`${c.title}: ${c.errorClass.name}; the corrected construction runs correctly`, () => {
      const bytesBefore = memoryBytes();
      expectError(c.bad, c.errorClass, c.patterns);
      expect(memoryBytes()).toBe(bytesBefore);
      expectValidCallWorks(c.fixed(), c.expectation, 1000 + 10 * i);
    });
  });
});
