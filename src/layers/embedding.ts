// Keras Embedding: integer ids to rows of a table, with mask_zero's mask.
import { ConfigError, InputError, ShapeError, formatShape, quoted } from '../errors.js';
import { floatBytes } from '../kernels/sizes.js';
import { getInitializer, type Initializer, type InitializerSpec } from '../initializers/index.js';
import { isSymbolic, type SymbolicTensor } from '../symbolic.js';
import { Tensor, toTensor, type TensorLike } from '../tensor.js';
import { LAYER_OPTION_KEYS, Layer, type LayerCallResult, type LayerOptions, type Shape } from './layer.js';
import { booleanOption, checkKnownKeys, nextRandomSeed, twoPositionalOptions } from './options.js';
import { checkWeightList } from './weights.js';
import { configKerasVersion, kerasOptions, type LayerFromConfigOptions } from './keras-options.js';
import { WeightRules, weightRuleKeys, type WeightRuleFields, type WeightRule, type WeightRuleOptions } from './weight-rules.js';
import { checkApplyOptions, type InferenceOptions } from './call-options.js';

/** Keras' embeddings_regularizer and embeddings_constraint act on the whole (inputDim, outputDim) table. */
export interface EmbeddingOptions extends Omit<LayerOptions, 'inputDim'>, WeightRuleOptions<'embeddings'> {
  /** Vocabulary size: ids run from 0 to inputDim - 1. */
  inputDim: number;
  outputDim: number;
  /** Id 0 is padding: it masks its time step in the recurrent layers that follow. */
  maskZero?: boolean;
  embeddingsInitializer?: InitializerSpec;
  seed?: number;
}

/** The largest integer a float32 holds exactly with all smaller ones: 2^24. */
const MAX_EXACT_ID = 2 ** 24 - 1;

const EMBEDDING_OPTION_KEYS = [...LAYER_OPTION_KEYS, 'outputDim', 'maskZero', 'embeddingsInitializer', 'seed', ...weightRuleKeys(['embeddings'])];

/** Keras' layer.kernel_regularizer, ...: each weight's regularizer (its penalty joins the training loss) and constraint (applied after every optimizer update), null for none. */
export interface Embedding extends WeightRuleFields<'embeddings'> {}

export class Embedding extends Layer {
  /** Keras' layer.output: the symbolic output of the layer's first call (see Layer.output); always one tensor. */
  override get output(): SymbolicTensor {
    return super.output as SymbolicTensor;
  }

  readonly inputDim: number;
  readonly outputDim: number;
  readonly maskZero: boolean;
  readonly embeddingsInitializer: Initializer;
  readonly seed: number | undefined;
  private table: Float32Array | null = null;
  private readonly rules: WeightRules<'embeddings'>;

  /** `new Embedding({ inputDim: 5000, outputDim: 64 })`, or as in Keras: `new Embedding(5000, 64, { maskZero: true })`. */
  constructor(options: EmbeddingOptions);
  constructor(inputDim: number, outputDim: number, options?: Omit<EmbeddingOptions, 'inputDim' | 'outputDim'>);
  constructor(...args: [EmbeddingOptions] | [number, number, Omit<EmbeddingOptions, 'inputDim' | 'outputDim'>?]) {
    const options = twoPositionalOptions(args, ['inputDim', 'outputDim'], 'Embedding') as unknown as EmbeddingOptions;
    const { inputDim, ...layerOptions } = options;
    super(layerOptions, 'embedding', 'ids');
    checkKnownKeys(options, [...EMBEDDING_OPTION_KEYS], this.name);
    for (const [key, value] of [['inputDim', inputDim], ['outputDim', options.outputDim]] as const) {
      if (!Number.isInteger(value) || value <= 0) {
        throw new ConfigError(`${this.name}: option '${key}' must be a positive integer, received ${quoted(value)}`);
      }
    }
    if (inputDim > MAX_EXACT_ID + 1) {
      throw new ConfigError(`${this.name}: option 'inputDim' must be at most ${MAX_EXACT_ID + 1}, the ids a float32 holds exactly, received ${inputDim}`);
    }
    // The table is refused at once, before the initializer fills it, when it cannot fit in memory.
    floatBytes([inputDim, options.outputDim], `${this.name}: embeddings of shape ${formatShape([inputDim, options.outputDim])}`);
    this.inputDim = inputDim;
    this.outputDim = options.outputDim;
    this.maskZero = booleanOption(options.maskZero, false, 'maskZero', this.name);
    this.rules = new WeightRules(options, ['embeddings'], this.name);
    Object.assign(this, this.rules.fields());
    // Keras' default 'uniform' is RandomUniform(-0.05, 0.05).
    this.embeddingsInitializer = getInitializer(options.embeddingsInitializer ?? 'uniform', `${this.name}: option 'embeddingsInitializer'`);
    this.seed = options.seed;
  }

  /** Keras' from_config: the layer that `getConfig()` (or Keras' get_config(), snake_case keys) describes. */
  static fromConfig(config: Record<string, unknown>, options: LayerFromConfigOptions = {}): Embedding {
    configKerasVersion(options, 'Embedding.fromConfig');
    return new this(kerasOptions('Embedding', config, 'Embedding.fromConfig') as unknown as EmbeddingOptions);
  }

  get className(): string {
    return 'Embedding';
  }

  get built(): boolean {
    return this.table !== null;
  }

  build(): void {
    this.checkNotDisposed('build');
    this.table = this.embeddingsInitializer.generate([this.inputDim, this.outputDim], this.seed ?? nextRandomSeed());
  }

  computeOutputShape(inputShape: Shape): Shape {
    return [...inputShape, this.outputDim];
  }

  getWeights(): Tensor[] {
    this.checkNotDisposed('get weights');
    return this.table ? [new Tensor(this.table.slice(), [this.inputDim, this.outputDim])] : [];
  }

  setWeights(weights: readonly TensorLike[]): void {
    this.checkNotDisposed('set weights');
    const [embeddings] = checkWeightList(this.name, weights, ['embeddings'], [[this.inputDim, this.outputDim]]);
    this.table = new Float32Array(embeddings.data);
  }

  countParams(): number {
    this.checkNotDisposed('count parameters');
    return this.inputDim * this.outputDim;
  }

  /** @internal */
  override weightRules(): readonly WeightRule[] {
    return this.table === null ? [] : this.rules.rules(['embeddings'], [[this.inputDim, this.outputDim]]);
  }

  getConfig(): Record<string, unknown> {
    return {
      ...this.baseConfig(), input_dim: this.inputDim, output_dim: this.outputDim,
      mask_zero: this.maskZero, batch_input_shape: this.batchInputShape ? [...this.batchInputShape] : null,
      embeddings_initializer: { class_name: this.embeddingsInitializer.className, config: this.embeddingsInitializer.getConfig() },
      ...this.rules.config(this.activityRegularizer),
    };
  }

  override dispose(): void {
    this.table = null;
    super.dispose();
  }

  override apply(ids: SymbolicTensor, options?: InferenceOptions): SymbolicTensor;
  override apply(ids: TensorLike, options?: InferenceOptions): Tensor;
  override apply(ids: TensorLike | SymbolicTensor, options?: InferenceOptions): Tensor | SymbolicTensor {
    checkApplyOptions(options, this.name);
    this.checkNotDisposed('run');
    if (isSymbolic(ids)) return this.callSymbolic([ids])[0];
    return this.lookup(toTensor(ids, `${this.name}: input ids`));
  }

  /** The mask Keras computes for these ids: 1 where the id is not 0 (only with maskZero). */
  computeMask(ids: Tensor): Tensor | undefined {
    this.checkNotDisposed('compute a mask');
    if (!this.maskZero) return undefined;
    ids = toTensor(ids, `${this.name}: computeMask ids`);
    return new Tensor(ids.data.map((id) => (id === 0 ? 0 : 1)), ids.shape);
  }

  /** @internal Runs the layer inside a model (see Layer.computeOutputs). */
  computeOutputs(inputs: Tensor[]): LayerCallResult {
    return { outputs: [this.lookup(inputs[0])], masks: [this.computeMask(inputs[0])] };
  }

  /** Keras' Embedding sets supports_masking to mask_zero. */
  override get supportsMasking(): boolean {
    return this.maskZero;
  }

  /** @internal Keras 3's Embedding takes ids of any rank; only a declared input shape fixes one. */
  protected override inputShapeToCheck(): Shape | null {
    return this.declaresInputShape ? this.batchInputShape : null;
  }

  private lookup(ids: Tensor): Tensor {
    this.checkNotDisposed('run');
    const declared = this.inputShapeToCheck();
    if (declared && (declared.length !== ids.rank || !declared.every((d, i) => d === null || d === ids.shape[i]))) {
      throw new ShapeError(`${this.name}: input ids must have shape ${formatShape(declared)}, received ${formatShape(ids.shape)}`);
    }
    const { inputDim, outputDim } = this;
    for (let i = 0; i < ids.size; i++) {
      const id = ids.data[i];
      if (!Number.isInteger(id) || id < 0 || id >= inputDim) {
        throw new InputError(`${this.name}: ids must be integers in [0, ${inputDim - 1}], received ${id} at flat index ${i} of an input of shape ${formatShape(ids.shape)}`);
      }
    }
    floatBytes([ids.size, outputDim], `${this.name}: output for ids of shape ${formatShape(ids.shape)}`);
    if (!this.table) this.build();
    const table = this.table as Float32Array;
    const out = new Float32Array(ids.size * outputDim);
    for (let i = 0; i < ids.size; i++) {
      const row = ids.data[i] * outputDim;
      out.set(table.subarray(row, row + outputDim), i * outputDim);
    }
    return new Tensor(out, [...ids.shape, outputDim]);
  }
}
