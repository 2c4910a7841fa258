// Keras' weight regularizers and constraints in training. Keras 3 adds each trainable variable's
// regularizer(value) to `model.losses` (Layer._get_regularization_losses), compute_loss sums them
// into the loss of fit and of evaluate, so their gradient joins the weights'; a frozen layer's
// weights are not trainable and add nothing. After each optimizer update, every trained variable
// with a constraint is assigned constraint(variable) (BaseOptimizer.apply).
import type { Layer } from '../layers/layer.js';
import { alignedWeightRules, checkWeightRules, hasRules, type WeightRule } from '../layers/weight-rules.js';

/** The trained leaves' rules, aligned with the flat getWeights() list of all leaves; null when no leaf has any. */
export interface LeafRules {
  leaf: Layer;
  /** Index of the leaf's first weight in the flat list. */
  offset: number;
  rules: readonly WeightRule[];
}

/**
 * The rules of every leaf fit trains, after checking (`check`) they fit their weights, before any
 * work of the step; null when no leaf has a regularizer or a constraint, which costs no weight copy.
 */
export function trainedLeafRules(leaves: readonly Layer[], frozen: ReadonlySet<Layer>, check = true): LeafRules[] | null {
  const own = leaves.map((leaf) => leaf.weightRules());
  if (!own.some((rules, i) => hasRules(rules) && !frozen.has(leaves[i]))) return null;
  const out: LeafRules[] = [];
  let offset = 0;
  leaves.forEach((leaf, i) => {
    const rules = own[i].length > 0 ? own[i] : alignedWeightRules(leaf);
    if (!frozen.has(leaf) && hasRules(rules)) {
      if (check) checkWeightRules(leaf.name, rules);
      out.push({ leaf, offset, rules });
    }
    offset += rules.length;
  });
  return out;
}

/**
 * The sum of the regularizers' penalties in float32, in weight order (Keras' regularization
 * losses); with `gradients` (the flat list of d loss / d weight), each penalty's gradient added in.
 */
export function weightPenalty(rules: readonly LeafRules[] | null, gradients: Float32Array[] | null): number {
  if (!rules) return 0;
  let total = 0;
  for (const { leaf, offset, rules: own } of rules) {
    if (!own.some((r) => r.regularizer !== null)) continue;
    const values = leaf.weightsForUpdate().arrays;
    own.forEach(({ regularizer, shape }, i) => {
      if (!regularizer) return;
      total = Math.fround(total + regularizer.penalty(values[i], shape));
      if (gradients) regularizer.addGradient(values[i], shape, gradients[offset + i]);
    });
  }
  return total;
}

/** Each constrained weight of `leaf`, updated in place in `arrays` (its weightsForUpdate() arrays), projected by its constraint. */
export function applyConstraints(leaf: Layer, arrays: readonly Float32Array[]): void {
  const rules = leaf.weightRules();
  rules.forEach(({ constraint, shape }, i) => constraint?.apply(arrays[i], shape));
}
