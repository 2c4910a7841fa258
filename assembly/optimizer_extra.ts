// The update rules of Keras 3's Nadam, Adamax, Adadelta, Lion and Ftrl
// (keras/src/optimizers/*.py at v3.15.1) over every weight at once, in the form of
// optimizer.ts: flat float32 buffers of n floats (n a multiple of 4), Keras'
// arithmetic in float32 and in its order, no fused multiply-add. Step-dependent
// scalars (bias corrections, Nadam's momentum schedule) come from the host.

/**
 * Nadam: m += (g - m)(1 - beta1); v += (g² - v)(1 - beta2);
 * m̂ = u1·m / d1 + c·g / d0; v̂ = v / d2; w -= m̂·lr / (sqrt(v̂) + epsilon), where
 * u1 = u_{t+1}, d1 = 1 - Πu up to t+1, c = 1 - u_t, d0 = 1 - Πu up to t, d2 = 1 - beta2^t.
 */
export function f32_nadam_update(w: usize, g: usize, m: usize, v: usize, n: i32, lr: f32, beta1: f32, beta2: f32, epsilon: f32, u1: f32, d1: f32, c: f32, d0: f32, d2: f32): void {
  const b1 = f32x4.splat(<f32>1 - beta1);
  const b2 = f32x4.splat(<f32>1 - beta2);
  const rate = f32x4.splat(lr);
  const eps = f32x4.splat(epsilon);
  const next = f32x4.splat(u1);
  const nextDivisor = f32x4.splat(d1);
  const current = f32x4.splat(c);
  const currentDivisor = f32x4.splat(d0);
  const correction = f32x4.splat(d2);
  for (let i = 0; i < n; i += 4) {
    const o = <usize>i << 2;
    const grad = v128.load(g + o);
    const m0 = v128.load(m + o);
    const mean = f32x4.add(m0, f32x4.mul(f32x4.sub(grad, m0), b1));
    const v0 = v128.load(v + o);
    const second = f32x4.add(v0, f32x4.mul(f32x4.sub(f32x4.mul(grad, grad), v0), b2));
    v128.store(m + o, mean);
    v128.store(v + o, second);
    const mHat = f32x4.add(f32x4.div(f32x4.mul(next, mean), nextDivisor), f32x4.div(f32x4.mul(current, grad), currentDivisor));
    const vHat = f32x4.div(second, correction);
    const x = v128.load(w + o);
    v128.store(w + o, f32x4.sub(x, f32x4.div(f32x4.mul(mHat, rate), f32x4.add(f32x4.sqrt(vHat), eps))));
  }
}

/** Adamax: m += (g - m)(1 - beta1); u = max(beta2·u, |g|); w -= lr·m / ((1 - beta1^t)(u + epsilon)). */
export function f32_adamax_update(w: usize, g: usize, m: usize, u: usize, n: i32, lr: f32, beta1: f32, beta2: f32, epsilon: f32, correction: f32): void {
  const b1 = f32x4.splat(<f32>1 - beta1);
  const b2 = f32x4.splat(beta2);
  const rate = f32x4.splat(lr);
  const eps = f32x4.splat(epsilon);
  const corr = f32x4.splat(correction);
  for (let i = 0; i < n; i += 4) {
    const o = <usize>i << 2;
    const grad = v128.load(g + o);
    const m0 = v128.load(m + o);
    const mean = f32x4.add(m0, f32x4.mul(f32x4.sub(grad, m0), b1));
    const norm = f32x4.max(f32x4.mul(b2, v128.load(u + o)), f32x4.abs(grad));
    v128.store(m + o, mean);
    v128.store(u + o, norm);
    const x = v128.load(w + o);
    v128.store(w + o, f32x4.sub(x, f32x4.div(f32x4.mul(rate, mean), f32x4.mul(corr, f32x4.add(norm, eps)))));
  }
}

/**
 * Adadelta: a = rho·a + (1 - rho)·g²; delta = -(sqrt(d + epsilon)·g) / sqrt(a + epsilon);
 * d = rho·d + (1 - rho)·delta²; w += lr·delta.
 */
export function f32_adadelta_update(w: usize, g: usize, acc: usize, accDelta: usize, n: i32, lr: f32, rho: f32, epsilon: f32): void {
  const r = f32x4.splat(rho);
  const r1 = f32x4.splat(<f32>1 - rho);
  const rate = f32x4.splat(lr);
  const eps = f32x4.splat(epsilon);
  for (let i = 0; i < n; i += 4) {
    const o = <usize>i << 2;
    const grad = v128.load(g + o);
    const a = f32x4.add(f32x4.mul(r, v128.load(acc + o)), f32x4.mul(r1, f32x4.mul(grad, grad)));
    v128.store(acc + o, a);
    const d0 = v128.load(accDelta + o);
    const delta = f32x4.neg(f32x4.div(f32x4.mul(f32x4.sqrt(f32x4.add(d0, eps)), grad), f32x4.sqrt(f32x4.add(a, eps))));
    v128.store(accDelta + o, f32x4.add(f32x4.mul(r, d0), f32x4.mul(r1, f32x4.mul(delta, delta))));
    v128.store(w + o, f32x4.add(v128.load(w + o), f32x4.mul(rate, delta)));
  }
}

/** Lion: w -= lr·sign(m·beta1 + g·(1 - beta1)); then m = m·beta2 + g·(1 - beta2). */
export function f32_lion_update(w: usize, g: usize, m: usize, n: i32, lr: f32, beta1: f32, beta2: f32): void {
  const b1 = f32x4.splat(beta1);
  const c1 = f32x4.splat(<f32>1 - beta1);
  const b2 = f32x4.splat(beta2);
  const c2 = f32x4.splat(<f32>1 - beta2);
  const rate = f32x4.splat(lr);
  const zero = f32x4.splat(0);
  const one = f32x4.splat(1);
  const minusOne = f32x4.splat(-1);
  for (let i = 0; i < n; i += 4) {
    const o = <usize>i << 2;
    const grad = v128.load(g + o);
    const m0 = v128.load(m + o);
    const mix = f32x4.add(f32x4.mul(m0, b1), f32x4.mul(grad, c1));
    // ops.sign: 1, -1, 0, and NaN for NaN.
    const sign = v128.bitselect(mix, v128.or(v128.and(f32x4.gt(mix, zero), one), v128.and(f32x4.lt(mix, zero), minusOne)), f32x4.ne(mix, mix));
    v128.store(w + o, f32x4.sub(v128.load(w + o), f32x4.mul(rate, sign)));
    v128.store(m + o, f32x4.add(f32x4.mul(m0, b2), f32x4.mul(grad, c2)));
  }
}

/**
 * Ftrl: with a = acc + g² and p = -learning_rate_power,
 * linear += (g + shrinkage·w) - ((a^p - acc^p) / lr)·w; quadratic = a^p / lr + twiceL2;
 * w = (clip(linear, -l1, l1) - linear) / quadratic; acc = a. The host passes
 * shrinkage = 2·l2_shrinkage_regularization_strength and twiceL2 = 2·(l2 + beta / (2·lr)).
 */
export function f32_ftrl_update(w: usize, g: usize, acc: usize, linear: usize, n: i32, lr: f32, power: f32, l1: f32, twiceL2: f32, shrinkage: f32): void {
  if (power == 0.5) {
    const rate = f32x4.splat(lr);
    const hi = f32x4.splat(l1);
    const lo = f32x4.splat(-l1);
    const l2 = f32x4.splat(twiceL2);
    const shrink = f32x4.splat(shrinkage);
    for (let i = 0; i < n; i += 4) {
      const o = <usize>i << 2;
      const grad = v128.load(g + o);
      const x = v128.load(w + o);
      const a0 = v128.load(acc + o);
      const a = f32x4.add(a0, f32x4.mul(grad, grad));
      const pa = f32x4.sqrt(a);
      const step = f32x4.sub(f32x4.add(grad, f32x4.mul(shrink, x)), f32x4.mul(f32x4.div(f32x4.sub(pa, f32x4.sqrt(a0)), rate), x));
      const lin = f32x4.add(v128.load(linear + o), step);
      v128.store(linear + o, lin);
      const quadratic = f32x4.add(f32x4.div(pa, rate), l2);
      v128.store(w + o, f32x4.div(f32x4.sub(f32x4.min(f32x4.max(lin, lo), hi), lin), quadratic));
      v128.store(acc + o, a);
    }
    return;
  }
  for (let i = 0; i < n; i++) {
    const o = <usize>i << 2;
    const grad = load<f32>(g + o);
    const x = load<f32>(w + o);
    const a0 = load<f32>(acc + o);
    const a = a0 + grad * grad;
    const pa = Mathf.pow(a, power);
    const lin = load<f32>(linear + o) + ((grad + shrinkage * x) - ((pa - Mathf.pow(a0, power)) / lr) * x);
    store<f32>(linear + o, lin);
    const quadratic = pa / lr + twiceL2;
    store<f32>(w + o, (Mathf.min(Mathf.max(lin, -l1), l1) - lin) / quadratic);
    store<f32>(acc + o, a);
  }
}
