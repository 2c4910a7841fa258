// Keras Attention (Luong: dot or concat scores) and AdditiveAttention (Bahdanau) at inference:
// scores, value-mask and causal positions pushed down by 1e9, softmax over the value axis,
// weights · value, query-masked rows zeroed. The batched products run as WebAssembly GEMMs.
import { ConfigError, InputError, ShapeError, formatShape, quoted } from '../errors.js';
import { getInitializer } from '../initializers/index.js';
import { batchedMatmul } from '../kernels/batched-matmul.js';
import { defaultInstance } from '../kernels/default-instance.js';
import { lazy } from '../lazy.js';
import { checkKnownKeys, checkOptionsObject } from '../option-keys.js';
import { isSymbolicList, type CallArgs, type SymbolicTensor } from '../symbolic.js';
import { Tensor, toTensor, type TensorLike } from '../tensor.js';
import { HostWeightLayer, type WeightSpec } from './host-weights.js';
import { LAYER_OPTION_KEYS, type LayerCallResult, type LayerOptions, type Shape } from './layer.js';
import { booleanOption, rateOption } from './options.js';
import { configKerasVersion, kerasOptions, type LayerFromConfigOptions } from './keras-options.js';
import { transpose } from './tensor-ops.js';
import { checkTrainingFlag, type InferenceOptions } from './call-options.js';

export type ScoreMode = 'dot' | 'concat';

export interface AttentionOptions extends LayerOptions {
  /** A learned scalar (Attention) or per-feature vector (AdditiveAttention) scaling the scores. */
  useScale?: boolean;
  /** Training only: the fraction of attention weights dropped. Default 0. */
  dropout?: number;
  seed?: number;
}

export interface DotAttentionOptions extends AttentionOptions {
  /** 'dot' (default): query · key; 'concat': sum over features of tanh(query + key), times a learned scalar. */
  scoreMode?: ScoreMode;
}

/** The options of one call. */
export interface AttentionCallOptions extends InferenceOptions {
  /** [queryMask, valueMask] (B, Tq) and (B, Tv), 1 = valid; in a model the inputs' own masks are used. */
  mask?: readonly (TensorLike | null | undefined)[];
  /** Position i attends only to positions j <= i (decoder self-attention). Default false. */
  useCausalMask?: boolean;
  /** Also return the attention weights (B, Tq, Tv) after masking and softmax. Default false. */
  returnAttentionScores?: boolean;
}

/** A call on symbolic tensors takes the inputs' own masks, so no 'mask'. */
type SymbolicAttentionCallOptions = Pick<AttentionCallOptions, 'useCausalMask' | 'returnAttentionScores' | 'training'>;

const CALL_KEYS = ['mask', 'useCausalMask', 'returnAttentionScores', 'training'];

abstract class BaseAttention extends HostWeightLayer {
  readonly useScale: boolean;
  readonly dropout: number;
  readonly seed: number | undefined;
  /** tf.keras before 2.10 took `causal` in the constructor; it is the default of useCausalMask then. */
  protected readonly causalDefault: boolean;

  protected constructor(options: AttentionOptions & { causal?: boolean }, className: string, namePrefix: string, useScaleDefault: boolean, extraKeys: readonly string[]) {
    super(options, namePrefix);
    checkKnownKeys(options, [...LAYER_OPTION_KEYS, 'useScale', 'dropout', 'seed', 'causal', ...extraKeys], this.name, `${className}.fromConfig`);
    this.useScale = booleanOption(options.useScale, useScaleDefault, 'useScale', this.name);
    this.dropout = rateOption(options.dropout, 'dropout', this.name);
    this.seed = options.seed ?? undefined;
    this.causalDefault = booleanOption(options.causal, false, 'causal', this.name);
  }

  /** Scores (B, Tq, Tv) for query (B, Tq, D) and key (B, Tv, D). */
  protected abstract scores(query: Tensor, key: Tensor, weights: Float32Array[]): Float32Array;

  protected specsFromWeights(weights: Tensor[]): WeightSpec[] {
    return this.weightSpecs(weights.length > 0 && weights[0].rank === 1 ? [[null, null, weights[0].shape[0]]] : [[null, null, 0]]);
  }

  override outputShapes(inputShapes: Shape[], callArgs: CallArgs = {}): Shape[] {
    const [query, value, key] = this.checkShapes(inputShapes);
    const output: Shape = [...query.slice(0, -1), value[value.length - 1]];
    return callArgs.returnAttentionScores === true ? [output, [...query.slice(0, -1), key[1]]] : [output];
  }

  /** Takes the list of input shapes, as Keras does. */
  computeOutputShape(inputShape: Shape | Shape[]): Shape {
    return this.outputShapes(inputShape as Shape[])[0];
  }

  private checkShapes(inputShapes: Shape[]): [Shape, Shape, Shape] {
    if (!Array.isArray(inputShapes) || inputShapes.length < 2 || inputShapes.length > 3 || !inputShapes.every(Array.isArray)) {
      throw new ShapeError(`${this.name}: expects a list of 2 or 3 inputs [query, value] or [query, value, key], received ${Array.isArray(inputShapes) ? inputShapes.length : typeof inputShapes}`);
    }
    const [query, value, key = value] = inputShapes;
    const describe = () => inputShapes.map((s) => formatShape(s)).join(', ');
    if (query.length !== 3 || value.length !== 3 || key.length !== 3) {
      throw new ShapeError(`${this.name}: query, value and key must have rank 3 (batch, steps, features), received ${describe()}`);
    }
    const same = (a: number | null, b: number | null) => a === null || b === null || a === b;
    if (!same(query[0], value[0]) || !same(query[0], key[0]) || !same(value[1], key[1]) || !same(query[2], key[2])) {
      throw new ShapeError(`${this.name}: query (B, Tq, D), value (B, Tv, Dv) and key (B, Tv, D) do not fit: received ${describe()}`);
    }
    return [query, value, key];
  }

  /** With returnAttentionScores: true, [output, scores]; without it, the output alone. */
  override apply(inputs: SymbolicTensor[], options: SymbolicAttentionCallOptions & { returnAttentionScores: true }): [SymbolicTensor, SymbolicTensor];
  override apply(inputs: SymbolicTensor[], options?: SymbolicAttentionCallOptions & { returnAttentionScores?: false }): SymbolicTensor;
  override apply(inputs: SymbolicTensor[], options?: SymbolicAttentionCallOptions): SymbolicTensor | SymbolicTensor[];
  override apply(inputs: TensorLike[], options: AttentionCallOptions & { returnAttentionScores: true }): [Tensor, Tensor];
  override apply(inputs: TensorLike[], options?: AttentionCallOptions & { returnAttentionScores?: false }): Tensor;
  override apply(inputs: TensorLike[], options?: AttentionCallOptions): Tensor | Tensor[];
  override apply(inputs: TensorLike[] | SymbolicTensor[], options: AttentionCallOptions = {}): Tensor | Tensor[] | SymbolicTensor | SymbolicTensor[] {
    this.checkNotDisposed('run');
    checkOptionsObject(options, `${this.name}: apply`, '{ useCausalMask: true }');
    checkKnownKeys(options, CALL_KEYS, `${this.name}: apply`);
    checkTrainingFlag(options, this.name);
    const flags = this.callFlags(options);
    if (isSymbolicList(inputs)) {
      if (options.mask !== undefined) throw new InputError(`${this.name}: a call on symbolic tensors takes the inputs' own masks (from Masking or Embedding), not a 'mask' option`);
      const out = this.callSymbolic(inputs, flags);
      return flags.returnAttentionScores ? out : out[0];
    }
    if (!Array.isArray(inputs)) throw new ShapeError(`${this.name}: expects a list [query, value] or [query, value, key], received ${typeof inputs}`);
    const tensors = (inputs as TensorLike[]).map((t, i) => toTensor(t, `${this.name}: inputs[${i}]`));
    const masks = this.callMasks(options.mask, tensors);
    const { outputs } = this.computeOutputs(tensors, masks, flags);
    return flags.returnAttentionScores ? outputs : outputs[0];
  }

  private callFlags(options: AttentionCallOptions): { useCausalMask: boolean; returnAttentionScores: boolean } {
    return {
      useCausalMask: booleanOption(options.useCausalMask, this.causalDefault, 'useCausalMask', `${this.name}: apply`),
      returnAttentionScores: booleanOption(options.returnAttentionScores, false, 'returnAttentionScores', `${this.name}: apply`),
    };
  }

  private callMasks(mask: AttentionCallOptions['mask'], inputs: Tensor[]): (Tensor | undefined)[] {
    if (mask === undefined || mask === null) return inputs.map(() => undefined);
    if (!Array.isArray(mask) || mask.length < 2 || mask.length > 3) {
      throw new InputError(`${this.name}: apply option 'mask' must be a list [queryMask, valueMask], received ${quoted(mask)}`);
    }
    return inputs.map((_, i) => (mask[i] === undefined || mask[i] === null ? undefined : toTensor(mask[i], `${this.name}: mask[${i}]`)));
  }

  /** @internal Runs the layer inside a model (see Layer.computeOutputs); the output's mask is the query's. */
  computeOutputs(inputs: Tensor[], masks: (Tensor | undefined)[], callArgs: CallArgs = {}): LayerCallResult {
    const { outputs } = this.attend(inputs, masks, callArgs, null);
    return { outputs, masks: outputs.map((_, i) => (i === 0 ? masks[0] : undefined)) };
  }

  /**
   * @internal The forward pass, also giving what training's backward reads: the softmax weights
   * (B, Tq, Tv) before dropout and the query mask. `drop` (training: Keras' dropout of the weights)
   * scales a copy of them in place before they meet the value.
   */
  attend(inputs: Tensor[], masks: (Tensor | undefined)[], callArgs: CallArgs, drop: ((weights: Float32Array) => void) | null): { outputs: Tensor[]; softmax: Float32Array; queryMask: Tensor | undefined } {
    this.checkNotDisposed('run');
    const shapes = this.outputShapes(inputs.map((t) => t.shape), callArgs);
    const [query, value, key = value] = inputs;
    const [B, Tq] = query.shape;
    const Tv = value.shape[1];
    const Dv = value.shape[2];
    const [queryMask, valueMask] = [checkStepMask(masks[0], B, Tq, 'query', this.name), checkStepMask(masks[1], B, Tv, 'value', this.name)];
    const scores = this.scores(query, key, this.ensureBuilt(inputs.map((t) => t.shape)));
    const causal = callArgs.useCausalMask === true || (callArgs.useCausalMask === undefined && this.causalDefault);
    // Keras subtracts 1e9 from masked scores (in float32, which absorbs the score itself).
    for (let b = 0; b < B; b++) for (let i = 0; i < Tq; i++) for (let j = 0; j < Tv; j++) {
      const masked = (valueMask && valueMask.data[b * Tv + j] === 0) || (causal && j > i);
      if (masked) scores[(b * Tq + i) * Tv + j] -= 1e9;
    }
    for (let r = 0; r < B * Tq; r++) softmaxInPlace(scores, r * Tv, Tv);
    let weights = scores;
    if (drop) {
      weights = scores.slice();
      drop(weights);
    }
    const output = batchedMatmul(defaultInstance(), weights, value.data, B, Tq, Tv, Dv, () => `${this.name}: attention weights · value`);
    if (queryMask) {
      for (let r = 0; r < B * Tq; r++) if (queryMask.data[r] === 0) output.fill(0, r * Dv, (r + 1) * Dv);
    }
    const outputs = [new Tensor(output, shapes[0] as number[])];
    // Keras returns the weights as they met the value: after dropout in training.
    if (callArgs.returnAttentionScores === true) outputs.push(new Tensor(weights, [B, Tq, Tv]));
    return { outputs, softmax: scores, queryMask };
  }

  protected attentionConfig(): Record<string, unknown> {
    const config: Record<string, unknown> = { ...this.baseConfig(), use_scale: this.useScale, dropout: this.dropout };
    if (this.seed !== undefined) config.seed = this.seed;
    return config;
  }
}

function checkStepMask(mask: Tensor | undefined, batch: number, steps: number, what: string, layerName: string): Tensor | undefined {
  if (!mask) return undefined;
  if (mask.rank !== 2 || mask.shape[0] !== batch || mask.shape[1] !== steps) {
    throw new ShapeError(`${layerName}: the ${what} mask must have shape ${formatShape([batch, steps])}, received ${formatShape(mask.shape)}`);
  }
  return mask;
}

function softmaxInPlace(data: Float32Array, start: number, length: number): void {
  let max = -Infinity;
  for (let j = 0; j < length; j++) max = Math.max(max, data[start + j]);
  let sum = 0;
  for (let j = 0; j < length; j++) sum += Math.exp(data[start + j] - max);
  for (let j = 0; j < length; j++) data[start + j] = Math.exp(data[start + j] - max) / sum;
}

const ones = lazy(() => getInitializer('ones', 'attention scale'));

/** Keras Attention: dot-product (Luong) or concat scores over [query, value, key?]. */
export class Attention extends BaseAttention {
  readonly scoreMode: ScoreMode;

  constructor(options: DotAttentionOptions = {}) {
    super(options, 'Attention', 'attention', false, ['scoreMode']);
    const mode = options.scoreMode ?? 'dot';
    if (mode !== 'dot' && mode !== 'concat') throw new ConfigError(`${this.name}: option 'scoreMode' must be 'dot' or 'concat', received ${quoted(mode)}`);
    this.scoreMode = mode;
  }

  /** Keras' from_config: the layer that `getConfig()` (or Keras' get_config(), snake_case keys) describes. */
  static fromConfig(config: Record<string, unknown>, options: LayerFromConfigOptions = {}): Attention {
    configKerasVersion(options, 'Attention.fromConfig');
    return new this(kerasOptions('Attention', config, 'Attention.fromConfig') as DotAttentionOptions);
  }

  get className(): string {
    return 'Attention';
  }

  override get hasWeights(): boolean {
    return this.useScale || this.scoreMode === 'concat';
  }

  protected weightSpecs(): WeightSpec[] {
    const specs: WeightSpec[] = [];
    if (this.useScale) specs.push({ name: 'scale', shape: [], initializer: ones(), trainable: true });
    if (this.scoreMode === 'concat') specs.push({ name: 'concat_score_weight', shape: [], initializer: ones(), trainable: true });
    return specs;
  }

  protected scores(query: Tensor, key: Tensor, weights: Float32Array[]): Float32Array {
    const [B, Tq, D] = query.shape;
    const Tv = key.shape[1];
    const scale = this.useScale ? weights[0][0] : 1;
    if (this.scoreMode === 'dot') {
      const keyT = transpose(key.data, key.shape, [0, 2, 1]);
      const scores = batchedMatmul(defaultInstance(), query.data, keyT, B, Tq, D, Tv, () => `${this.name}: query · key`);
      if (this.useScale) for (let i = 0; i < scores.length; i++) scores[i] *= scale;
      return scores;
    }
    const weight = weights[this.useScale ? 1 : 0][0];
    const scores = new Float32Array(B * Tq * Tv);
    for (let b = 0; b < B; b++) for (let i = 0; i < Tq; i++) for (let j = 0; j < Tv; j++) {
      let sum = 0;
      const q = (b * Tq + i) * D;
      const k = (b * Tv + j) * D;
      for (let d = 0; d < D; d++) sum += Math.tanh(scale * (query.data[q + d] + key.data[k + d]));
      scores[(b * Tq + i) * Tv + j] = weight * sum;
    }
    return scores;
  }

  getConfig(): Record<string, unknown> {
    return { ...this.attentionConfig(), score_mode: this.scoreMode };
  }
}

/** Keras AdditiveAttention (Bahdanau): scores sum_d scale_d * tanh(query_d + key_d). */
export class AdditiveAttention extends BaseAttention {
  constructor(options: AttentionOptions = {}) {
    super(options, 'AdditiveAttention', 'additive_attention', true, []);
  }

  /** Keras' from_config: the layer that `getConfig()` (or Keras' get_config(), snake_case keys) describes. */
  static fromConfig(config: Record<string, unknown>, options: LayerFromConfigOptions = {}): AdditiveAttention {
    configKerasVersion(options, 'AdditiveAttention.fromConfig');
    return new this(kerasOptions('AdditiveAttention', config, 'AdditiveAttention.fromConfig') as AttentionOptions);
  }

  get className(): string {
    return 'AdditiveAttention';
  }

  override get hasWeights(): boolean {
    return this.useScale;
  }

  protected weightSpecs(inputShapes: Shape[]): WeightSpec[] {
    const dim = inputShapes[0][inputShapes[0].length - 1];
    if (!this.useScale) return [];
    if (dim === null) throw new ShapeError(`${this.name}: the query's feature axis must have a known size, received ${formatShape(inputShapes[0])}`);
    return [{ name: 'scale', shape: [dim], initializer: ones(), trainable: true }];
  }

  protected scores(query: Tensor, key: Tensor, weights: Float32Array[]): Float32Array {
    const [B, Tq, D] = query.shape;
    const Tv = key.shape[1];
    const scale = this.useScale ? weights[0] : null;
    if (scale && scale.length !== D) {
      throw new ShapeError(`${this.name}: query of shape ${formatShape(query.shape)} does not fit the scale of shape ${formatShape([scale.length])}`);
    }
    const scores = new Float32Array(B * Tq * Tv);
    for (let b = 0; b < B; b++) for (let i = 0; i < Tq; i++) for (let j = 0; j < Tv; j++) {
      let sum = 0;
      const q = (b * Tq + i) * D;
      const k = (b * Tv + j) * D;
      for (let d = 0; d < D; d++) sum += (scale ? scale[d] : 1) * Math.tanh(query.data[q + d] + key.data[k + d]);
      scores[(b * Tq + i) * Tv + j] = sum;
    }
    return scores;
  }

  getConfig(): Record<string, unknown> {
    return this.attentionConfig();
  }
}
