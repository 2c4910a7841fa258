// Layers whose few weights live in JavaScript (BatchNormalization, LayerNormalization, the attention
// scales): built from the input shapes, set and read in Keras get_weights() order, some of them
// non-trainable (BatchNormalization's moving statistics).
import { getInitializer, type Initializer, type InitializerSpec } from '../initializers/index.js';
import { Tensor, shapeSize, toTensor, type TensorLike } from '../tensor.js';
import { Layer, type Shape } from './layer.js';
import { nextRandomSeed } from './options.js';
import { checkBuildShape } from './validate.js';
import { checkWeightList } from './weights.js';
import type { SymbolicTensor } from '../symbolic.js';
import type { InferenceOptions } from './call-options.js';
import { applyOne } from './unary.js';
import type { WeightPrefix, WeightRule, WeightRules } from './weight-rules.js';

export interface WeightSpec {
  name: string;
  shape: number[];
  initializer: Initializer;
  trainable: boolean;
}

/** @internal An initializer option read with its Keras default. */
export function initializerOption(value: InitializerSpec | undefined, fallback: string, key: string, layerName: string): Initializer {
  return getInitializer(value ?? fallback, `${layerName}: option '${key}'`);
}

type HostWeightPrefix = 'gamma' | 'beta' | 'alpha';
const HOST_WEIGHT_PREFIXES: readonly HostWeightPrefix[] = ['gamma', 'beta', 'alpha'];

export abstract class HostWeightLayer extends Layer {
  private specs: WeightSpec[] | null = null;
  /** @internal The current values, in the order of the specs; null until built or set. */
  protected values: Float32Array[] | null = null;
  /** @internal The regularizers and constraints of gamma and beta (the normalization layers') or alpha (PReLU's); null for none. */
  protected rules: Pick<WeightRules<WeightPrefix>, 'rules' | 'config'> | null = null;

  /** @internal */
  override weightRules(): readonly WeightRule[] {
    const { rules, specs } = this;
    if (!rules || !specs) return [];
    return rules.rules(specs.map((s) => (HOST_WEIGHT_PREFIXES.includes(s.name as HostWeightPrefix) ? s.name as HostWeightPrefix : null)), specs.map((s) => s.shape));
  }

  /** The weights for inputs of these shapes; throws ShapeError when the shapes cannot take weights. */
  protected abstract weightSpecs(inputShapes: Shape[]): WeightSpec[];

  /** For setWeights before any build: the specs the given tensors would fill, from their shapes. */
  protected abstract specsFromWeights(weights: Tensor[]): WeightSpec[];

  get built(): boolean {
    return this.values !== null;
  }

  build(inputShape: Shape): void {
    this.checkNotDisposed('build');
    this.buildFor([checkBuildShape(inputShape, this.name)]);
  }

  protected override buildForShapes(inputShapes: Shape[]): void {
    if (!this.built) this.buildFor(inputShapes);
  }

  private buildFor(inputShapes: Shape[]): void {
    const specs = this.weightSpecs(inputShapes);
    const seed = nextRandomSeed();
    this.install(specs, specs.map((spec, i) => spec.initializer.generate(spec.shape, seed + i)));
  }

  /** @internal Builds on the first concrete call, as Keras does. */
  protected ensureBuilt(inputShapes: Shape[]): Float32Array[] {
    if (!this.values) this.buildFor(inputShapes);
    return this.values as Float32Array[];
  }

  getWeights(): Tensor[] {
    this.checkNotDisposed('get weights');
    if (!this.values || !this.specs) return [];
    const specs = this.specs;
    return this.values.map((v, i) => new Tensor(v.slice(), specs[i].shape));
  }

  setWeights(weights: readonly TensorLike[]): void {
    this.checkNotDisposed('set weights');
    let specs = this.specs;
    if (!specs) {
      const given = Array.isArray(weights) ? weights.map((w, i) => toTensor(w, `${this.name}: setWeights weights[${i}]`)) : [];
      specs = this.specsFromWeights(given);
    }
    const tensors = checkWeightList(this.name, weights, specs.map((s) => s.name), specs.map((s) => s.shape));
    this.install(specs, tensors.map((t) => new Float32Array(t.data)));
  }

  countParams(): number {
    this.checkNotDisposed('count parameters');
    return (this.specs ?? []).reduce((sum, spec) => sum + shapeSize(spec.shape), 0);
  }

  override countNonTrainableParams(): number {
    this.checkNotDisposed('count parameters');
    return (this.specs ?? []).reduce((sum, spec) => sum + (spec.trainable ? 0 : shapeSize(spec.shape)), 0);
  }

  override get hasWeights(): boolean {
    return this.specs === null || this.specs.length > 0;
  }

  override dispose(): void {
    this.values = null;
    this.specs = null;
    super.dispose();
  }

  /** @internal The weights' names and shapes once built. */
  protected get weightLayout(): readonly WeightSpec[] | null {
    return this.specs;
  }

  private install(specs: WeightSpec[], values: Float32Array[]): void {
    this.specs = specs;
    this.values = values;
  }
}

/**
 * A host-weight layer of one input and one output (BatchNormalization, LayerNormalization, PReLU,
 * Normalization): apply() and output as every one of them types them.
 */
export abstract class OneInputHostWeightLayer extends HostWeightLayer {
  /** Keras' layer.output: the symbolic output of the layer's first call (see Layer.output); always one tensor. */
  override get output(): SymbolicTensor {
    return super.output as SymbolicTensor;
  }

  override apply(x: SymbolicTensor, options?: InferenceOptions): SymbolicTensor;
  override apply(x: TensorLike, options?: InferenceOptions): Tensor;
  override apply(x: TensorLike | SymbolicTensor, options?: InferenceOptions): Tensor | SymbolicTensor {
    return applyOne(this, x, options);
  }
}
