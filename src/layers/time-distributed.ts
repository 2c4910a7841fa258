// Keras TimeDistributed: the inner layer on every time step, by folding time into the batch.
import { alignedWeightRules, type WeightRule } from './weight-rules.js';
import { ConfigError, ShapeError, formatShape, quoted } from '../errors.js';
import { isSymbolic, type SymbolicTensor } from '../symbolic.js';
import { Tensor, toTensor, type TensorLike } from '../tensor.js';
import { LAYER_OPTION_KEYS, Layer, type LayerCallResult, type LayerOptions, type Shape, type WeightUpdate } from './layer.js';
import { checkKnownKeys } from './options.js';
import { describeWrapped } from '../option-keys.js';
import { WRAPPABLE_CLASSES } from './registry.js';
import { configKerasVersion, kerasOptions, readSpec, type LayerFromConfigOptions } from './keras-options.js';
import { checkBuildShape } from './validate.js';
import { checkApplyOptions, type InferenceOptions } from './call-options.js';

export class TimeDistributed extends Layer {
  /** Keras' layer.output: the symbolic output of the layer's first call (see Layer.output); always one tensor. */
  override get output(): SymbolicTensor {
    return super.output as SymbolicTensor;
  }

  readonly layer: Layer;

  constructor(layer: Layer, options: LayerOptions = {}) {
    if (!(layer instanceof Layer)) {
      throw new ConfigError(`TimeDistributed: 'layer' must be a layer such as Dense, received ${describeWrapped(layer, 'TimeDistributed', 'new TimeDistributed(new Dense(8))')}`);
    }
    super(options, 'time_distributed');
    checkKnownKeys(options, LAYER_OPTION_KEYS, this.name);
    this.layer = layer;
  }

  /** Keras' from_config: the layer that `getConfig()` (or Keras' get_config(), snake_case keys) describes. */
  static fromConfig(config: Record<string, unknown>, options: LayerFromConfigOptions = {}): TimeDistributed {
    const where = 'TimeDistributed.fromConfig';
    const kerasVersion = configKerasVersion(options, where);
    const { className, config: innerConfig } = readSpec(config.layer, `${where}: config.layer`);
    const Class = WRAPPABLE_CLASSES[className];
    if (!Class) throw new ConfigError(`${where}: config.layer has class_name ${quoted(className)}; supported: ${Object.keys(WRAPPABLE_CLASSES).join(', ')}`);
    return new this(Class.fromConfig(innerConfig, { kerasVersion }), kerasOptions('TimeDistributed', config, where) as LayerOptions);
  }

  get className(): string {
    return 'TimeDistributed';
  }

  override get hasWeights(): boolean {
    return this.layer.hasWeights;
  }

  get built(): boolean {
    return this.layer.built;
  }

  build(inputShape: Shape): void {
    this.checkNotDisposed('build');
    this.layer.build(stepShape(checkBuildShape(inputShape, this.name), this.name));
  }

  computeOutputShape(inputShape: Shape): Shape {
    const [batch, timesteps] = inputShape;
    const inner = this.layer.outputShapes([stepShape(inputShape, this.name)]);
    if (inner.length !== 1) throw new ConfigError(`${this.name}: the wrapped layer must have one output`);
    return [batch, timesteps, ...inner[0].slice(1)];
  }

  getWeights(): Tensor[] {
    this.checkNotDisposed('get weights');
    return this.layer.getWeights();
  }

  setWeights(weights: readonly TensorLike[]): void {
    this.checkNotDisposed('set weights');
    this.layer.setWeights(weights);
  }

  /** @internal The wrapped layer's rules (a model's: each of its layers', in getWeights() order). */
  override weightRules(): readonly WeightRule[] {
    const leaves = this.layer.leafLayers();
    if (leaves.every((leaf) => leaf.weightRules().length === 0)) return [];
    return leaves.flatMap((leaf) => alignedWeightRules(leaf));
  }

  /** @internal The wrapped layer's (a model's: each of its layers', in getWeights() order), so each keeps what its optimizer step must not touch. */
  override weightsForUpdate(): WeightUpdate {
    const updates = this.layer.leafLayers().map((leaf) => leaf.weightsForUpdate());
    return {
      arrays: updates.flatMap((u) => u.arrays),
      commit: () => {
        for (const u of updates) u.commit();
      },
    };
  }

  countParams(): number {
    this.checkNotDisposed('count parameters');
    return this.layer.countParams();
  }

  /** Frozen when it or the wrapped layer is; setting it sets the wrapped layer's too, as in Keras. */
  override get trainable(): boolean {
    return super.trainable && this.layer.trainable;
  }

  override set trainable(value: boolean) {
    super.trainable = value;
    this.layer.trainable = value;
  }

  /** @internal TimeDistributed(model)'s trainable_weights are the model's. */
  override weightTrainability(): boolean[] {
    return this.trainable ? this.layer.weightTrainability() : this.getWeights().map(() => false);
  }

  override countNonTrainableParams(): number {
    this.checkNotDisposed('count parameters');
    return this.layer.frozenParams();
  }

  override dispose(): void {
    this.layer.dispose();
    super.dispose();
  }

  getConfig(): Record<string, unknown> {
    return this.configFor(3);
  }

  /** @internal The wrapped layer's config in the same spelling (TimeDistributed(LeakyReLU) in tf.keras 2: alpha). */
  override configFor(spelling: 2 | 3): Record<string, unknown> {
    return { ...this.baseConfig(), layer: { class_name: this.layer.className, config: this.layer.configFor(spelling) } };
  }

  override apply(x: SymbolicTensor, options?: InferenceOptions): SymbolicTensor;
  override apply(x: TensorLike, options?: InferenceOptions): Tensor;
  override apply(x: TensorLike | SymbolicTensor, options?: InferenceOptions): Tensor | SymbolicTensor {
    checkApplyOptions(options, this.name);
    this.checkNotDisposed('run');
    if (isSymbolic(x)) return this.callSymbolic([x])[0];
    return this.computeOutputs([toTensor(x, `${this.name}: input x`)], [undefined]).outputs[0];
  }

  /** @internal Runs the layer inside a model (see Layer.computeOutputs). */
  computeOutputs(inputs: Tensor[], masks: (Tensor | undefined)[]): LayerCallResult {
    this.checkNotDisposed('run');
    const x = inputs[0];
    const [batch, timesteps] = x.shape;
    stepShape(x.shape, this.name);
    const flat = new Tensor(x.data, [batch * timesteps, ...x.shape.slice(2)]);
    const result = this.layer.computeOutputs([flat], [undefined]).outputs[0];
    return { outputs: [new Tensor(result.data, [batch, timesteps, ...result.shape.slice(1)])], masks: [masks[0]] };
  }
}

/** (B, T, ...) -> the shape one step has, with the batch axis: (B*T or None, ...). */
function stepShape(inputShape: Shape, layerName: string): Shape {
  if (inputShape.length < 3) {
    throw new ShapeError(`${layerName}: input must have rank >= 3 (batch, timesteps, ...), received shape ${formatShape(inputShape)}`);
  }
  const [batch, timesteps, ...rest] = inputShape;
  return [batch === null || timesteps === null ? null : batch * timesteps, ...rest];
}
