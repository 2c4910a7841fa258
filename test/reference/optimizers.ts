// Float64 references of Keras 3.15's update rules (keras/src/optimizers/*.py and
// base_optimizer.py at v3.15.1), one weight array at a time, written from the Python:
// clipping, decoupled weight decay, then the rule; `t` is iterations + 1.

export interface ReferenceOptimizerConfig {
  name: 'nadam' | 'adamax' | 'adadelta' | 'lion' | 'ftrl';
  learningRate: number;
  beta1?: number;
  beta2?: number;
  epsilon?: number;
  rho?: number;
  learningRatePower?: number;
  initialAccumulatorValue?: number;
  l1?: number;
  l2?: number;
  l2Shrinkage?: number;
  beta?: number;
  weightDecay?: number;
  clipnorm?: number;
  clipvalue?: number;
  globalClipnorm?: number;
}

/** Keras' defaults for each rule. */
const DEFAULTS: Record<ReferenceOptimizerConfig['name'], Partial<ReferenceOptimizerConfig>> = {
  nadam: { beta1: 0.9, beta2: 0.999, epsilon: 1e-7 },
  adamax: { beta1: 0.9, beta2: 0.999, epsilon: 1e-7 },
  adadelta: { rho: 0.95, epsilon: 1e-7 },
  lion: { beta1: 0.9, beta2: 0.99 },
  ftrl: { learningRatePower: -0.5, initialAccumulatorValue: 0.1, l1: 0, l2: 0, l2Shrinkage: 0, beta: 0 },
};

/** A float64 optimizer over a list of weight arrays, updated in place. */
export class ReferenceOptimizer {
  private readonly c: Required<ReferenceOptimizerConfig>;
  private iterations = 0;
  private slots: Float64Array[][] = [];
  private uProduct = 1;

  constructor(config: ReferenceOptimizerConfig) {
    this.c = { beta1: 0, beta2: 0, epsilon: 0, rho: 0, learningRatePower: 0, initialAccumulatorValue: 0, l1: 0, l2: 0, l2Shrinkage: 0, beta: 0, weightDecay: 0, clipnorm: 0, clipvalue: 0, globalClipnorm: 0, ...DEFAULTS[config.name], ...config };
  }

  apply(weights: Float64Array[], gradients: readonly ArrayLike<number>[]): void {
    const c = this.c;
    let grads = gradients.map((g) => Float64Array.from(g));
    if (c.clipnorm) {
      grads = grads.map((g) => {
        const norm = Math.sqrt(g.reduce((s, v) => s + v * v, 0));
        return g.map((v) => (v * c.clipnorm) / Math.max(norm, c.clipnorm));
      });
    } else if (c.globalClipnorm) {
      const norm = Math.sqrt(grads.reduce((s, g) => s + g.reduce((a, v) => a + v * v, 0), 0));
      grads = grads.map((g) => g.map((v) => v * c.globalClipnorm * Math.min(1 / norm, 1 / c.globalClipnorm)));
    } else if (c.clipvalue) {
      grads = grads.map((g) => g.map((v) => Math.min(Math.max(v, -c.clipvalue), c.clipvalue)));
    }
    if (c.weightDecay) for (const w of weights) w.forEach((v, i) => { w[i] = v - v * c.weightDecay * c.learningRate; });
    if (this.slots.length === 0) {
      const initial = c.name === 'ftrl' ? [c.initialAccumulatorValue, 0] : c.name === 'lion' ? [0] : [0, 0];
      this.slots = weights.map((w) => initial.map((value) => new Float64Array(w.length).fill(value)));
    }
    const t = this.iterations + 1;
    if (c.name === 'nadam') this.uProduct *= c.beta1 * (1 - 0.5 * 0.96 ** t);
    weights.forEach((w, k) => this.update(w, grads[k], this.slots[k], t));
    this.iterations += 1;
  }

  private update(w: Float64Array, g: Float64Array, slots: Float64Array[], t: number): void {
    const c = this.c;
    const lr = c.learningRate;
    for (let i = 0; i < w.length; i++) {
      switch (c.name) {
        case 'nadam': {
          const [m, v] = slots;
          const uT = c.beta1 * (1 - 0.5 * 0.96 ** t);
          const uNext = c.beta1 * (1 - 0.5 * 0.96 ** (t + 1));
          const productNext = this.uProduct * uNext;
          m[i] += (g[i] - m[i]) * (1 - c.beta1);
          v[i] += (g[i] * g[i] - v[i]) * (1 - c.beta2);
          const mHat = (uNext * m[i]) / (1 - productNext) + ((1 - uT) * g[i]) / (1 - this.uProduct);
          const vHat = v[i] / (1 - c.beta2 ** t);
          w[i] -= (mHat * lr) / (Math.sqrt(vHat) + c.epsilon);
          break;
        }
        case 'adamax': {
          const [m, u] = slots;
          m[i] += (g[i] - m[i]) * (1 - c.beta1);
          u[i] = Math.max(c.beta2 * u[i], Math.abs(g[i]));
          w[i] -= (lr * m[i]) / ((1 - c.beta1 ** t) * (u[i] + c.epsilon));
          break;
        }
        case 'adadelta': {
          const [acc, accDelta] = slots;
          acc[i] = c.rho * acc[i] + (1 - c.rho) * g[i] * g[i];
          const delta = -(Math.sqrt(accDelta[i] + c.epsilon) * g[i]) / Math.sqrt(acc[i] + c.epsilon);
          accDelta[i] = c.rho * accDelta[i] + (1 - c.rho) * delta * delta;
          w[i] += lr * delta;
          break;
        }
        case 'lion': {
          const [m] = slots;
          w[i] -= lr * Math.sign(m[i] * c.beta1 + g[i] * (1 - c.beta1));
          m[i] = m[i] * c.beta2 + g[i] * (1 - c.beta2);
          break;
        }
        case 'ftrl': {
          const [acc, linear] = slots;
          const power = -c.learningRatePower;
          const l2 = c.l2 + c.beta / (2 * lr);
          const newAcc = acc[i] + g[i] * g[i];
          linear[i] += g[i] + 2 * c.l2Shrinkage * w[i] - ((newAcc ** power - acc[i] ** power) / lr) * w[i];
          const quadratic = newAcc ** power / lr + 2 * l2;
          w[i] = (Math.min(Math.max(linear[i], -c.l1), c.l1) - linear[i]) / quadratic;
          acc[i] = newAcc;
          break;
        }
      }
    }
  }
}
