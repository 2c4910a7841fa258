// A layer's regularizer and constraint options per weight (Keras' kernel_regularizer,
// recurrent_constraint, ...): read from the options, written into getConfig() in Keras' order,
// and handed to training beside each weight (Keras keeps them on the variable, add_weight).
import { ConfigError, formatShape } from '../errors.js';
import { constraintShapeProblem, getConstraint, type Constraint, type ConstraintSpec } from './constraints.js';
import { serializeKerasObject } from './keras-objects.js';
import { getRegularizer, regularizerShapeProblem, type Regularizer, type RegularizerSpec } from './regularizers.js';

/** @internal What training applies to one weight: its penalty and its projection, with its shape. */
export interface WeightRule {
  /** The weight's Keras prefix ('kernel', ...); null for one that takes no options. */
  readonly prefix: WeightPrefix | null;
  readonly shape: readonly number[];
  readonly regularizer: Regularizer | null;
  readonly constraint: Constraint | null;
}

/** Keras' prefixes of the weights that take a regularizer and a constraint. */
export type WeightPrefix = 'kernel' | 'recurrent' | 'bias' | 'embeddings' | 'gamma' | 'beta' | 'alpha';

/** The options of a layer's weights: `kernelRegularizer`, `kernelConstraint`, ... */
export type WeightRuleOptions<P extends WeightPrefix> = { [K in P as `${K}Regularizer`]?: RegularizerSpec } & { [K in P as `${K}Constraint`]?: ConstraintSpec };

/** A layer's properties of weights `P`: `kernelRegularizer`, `kernelConstraint`, ... (Keras' layer.kernel_regularizer), null where none. */
export type WeightRuleFields<P extends WeightPrefix> = { readonly [K in P as `${K}Regularizer`]: Regularizer | null } & { readonly [K in P as `${K}Constraint`]: Constraint | null };

/** The option keys a layer with weights `prefixes` takes. @internal */
export function weightRuleKeys(prefixes: readonly WeightPrefix[]): string[] {
  return [...prefixes.map((p) => `${p}Regularizer`), ...prefixes.map((p) => `${p}Constraint`)];
}

/** @internal The regularizer and constraint of each prefix, as a layer reads and writes them. */
export class WeightRules<P extends WeightPrefix> {
  private readonly regularizers: ReadonlyMap<P, Regularizer | null>;
  private readonly constraints: ReadonlyMap<P, Constraint | null>;

  constructor(options: object, prefixes: readonly P[], layerName: string) {
    const read = options as Record<string, unknown>;
    this.regularizers = new Map(prefixes.map((p) => [p, getRegularizer(read[`${p}Regularizer`], `${layerName}: option '${p}Regularizer'`)]));
    this.constraints = new Map(prefixes.map((p) => [p, getConstraint(read[`${p}Constraint`], `${layerName}: option '${p}Constraint'`)]));
  }

  regularizer(prefix: P): Regularizer | null {
    return this.regularizers.get(prefix) ?? null;
  }

  constraint(prefix: P): Constraint | null {
    return this.constraints.get(prefix) ?? null;
  }

  /** The layer's properties (WeightRuleFields), for Object.assign in its constructor. */
  fields(): WeightRuleFields<P> {
    const out: Record<string, Regularizer | Constraint | null> = {};
    for (const [p, r] of this.regularizers) out[`${p}Regularizer`] = r;
    for (const [p, c] of this.constraints) out[`${p}Constraint`] = c;
    return out as WeightRuleFields<P>;
  }

  /** Whether any weight has a regularizer or a constraint. */
  get any(): boolean {
    return [...this.regularizers.values(), ...this.constraints.values()].some((r) => r !== null);
  }

  /** The rules of weights `prefixes` of `shapes`, in that order (a weight without options gets nulls). */
  rules(prefixes: readonly (P | null)[], shapes: readonly (readonly number[])[]): WeightRule[] {
    return shapes.map((shape, i) => {
      const prefix = prefixes[i];
      return { prefix, shape, regularizer: prefix === null ? null : this.regularizer(prefix), constraint: prefix === null ? null : this.constraint(prefix) };
    });
  }

  /**
   * Keras' get_config keys: every `<prefix>_regularizer`, then every `<prefix>_constraint`; null
   * where none. `activity`: the layer's activity regularizer, between the two, for the layers
   * whose Keras get_config writes it whether set or not (Dense, the convolutions, the RNNs, Embedding).
   */
  config(activity?: Regularizer | null): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const [p, r] of this.regularizers) out[`${p}_regularizer`] = serializeKerasObject(r);
    if (activity !== undefined) out.activity_regularizer = serializeKerasObject(activity);
    for (const [p, c] of this.constraints) out[`${p}_constraint`] = serializeKerasObject(c);
    return out;
  }
}

/** @internal Whether any of `rules` regularizes or constrains its weight. */
export function hasRules(rules: readonly WeightRule[]): boolean {
  return rules.some((r) => r.regularizer !== null || r.constraint !== null);
}

/** @internal A layer's rules, one per weight of getWeights() even where the layer takes none. */
export function alignedWeightRules(layer: { weightRules(): readonly WeightRule[]; getWeights(): { shape: readonly number[] }[] }): readonly WeightRule[] {
  const rules = layer.weightRules();
  return rules.length > 0 ? rules : layer.getWeights().map((w) => ({ prefix: null, shape: w.shape, regularizer: null, constraint: null }));
}

/**
 * @internal Throws a ConfigError naming the layer, the option and the weight's shape when a rule
 * cannot act on its weight (an axis it lacks; OrthogonalRegularizer on a weight not 2-D), before
 * a training step touches anything.
 */
export function checkWeightRules(layerName: string, rules: readonly WeightRule[]): void {
  for (const rule of rules) {
    const what = rule.prefix ?? 'weight';
    const problems: [string, string | null][] = [
      ['Regularizer', rule.regularizer ? regularizerShapeProblem(rule.regularizer, rule.shape) : null],
      ['Constraint', rule.constraint ? constraintShapeProblem(rule.constraint, rule.shape) : null],
    ];
    for (const [kind, problem] of problems) {
      if (problem) throw new ConfigError(`${layerName}: option '${what}${kind}' cannot act on the ${what} of shape ${formatShape(rule.shape)}: ${problem}`);
    }
  }
}
