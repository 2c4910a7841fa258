// Optimizer updates over every weight of a model at once: the weights, their
// gradients and each state slot are flat float32 buffers of n floats (n a
// multiple of 4; the host zero-pads). The arithmetic is Keras 3's, in float32
// and in its order: no fused multiply-add, even in the relaxed-SIMD build,
// since Keras rounds every product and sum.

/** w -= w * factor (decoupled weight decay; factor = weight_decay * learning_rate). */
export function f32_weight_decay(w: usize, n: i32, factor: f32): void {
  const f = f32x4.splat(factor);
  for (let i = 0; i < n; i += 4) {
    const p = w + (<usize>i << 2);
    const x = v128.load(p);
    v128.store(p, f32x4.sub(x, f32x4.mul(x, f)));
  }
}

/** SGD: w -= g*lr; with momentum m = m*mu - g*lr, then w += m (nesterov: w += m*mu - g*lr). */
export function f32_sgd_update(w: usize, g: usize, m: usize, n: i32, lr: f32, momentum: f32, nesterov: bool): void {
  const rate = f32x4.splat(lr);
  const mu = f32x4.splat(momentum);
  for (let i = 0; i < n; i += 4) {
    const o = <usize>i << 2;
    const step = f32x4.mul(v128.load(g + o), rate);
    const x = v128.load(w + o);
    if (m == 0) {
      v128.store(w + o, f32x4.sub(x, step));
      continue;
    }
    const velocity = f32x4.sub(f32x4.mul(v128.load(m + o), mu), step);
    v128.store(m + o, velocity);
    v128.store(w + o, nesterov ? f32x4.add(x, f32x4.sub(f32x4.mul(velocity, mu), step)) : f32x4.add(x, velocity));
  }
}

/**
 * Adam / AdamW: m += (g - m)(1 - beta1); v += (g² - v)(1 - beta2); with amsgrad (vhat != 0)
 * vhat = max(vhat, v) is used for v; w -= m*alpha / (sqrt(v) + epsilon), alpha being
 * lr·sqrt(1 - beta2^t) / (1 - beta1^t).
 */
export function f32_adam_update(w: usize, g: usize, m: usize, v: usize, vhat: usize, n: i32, alpha: f32, beta1: f32, beta2: f32, epsilon: f32): void {
  const a = f32x4.splat(alpha);
  const b1 = f32x4.splat(<f32>1 - beta1);
  const b2 = f32x4.splat(<f32>1 - beta2);
  const eps = f32x4.splat(epsilon);
  for (let i = 0; i < n; i += 4) {
    const o = <usize>i << 2;
    const grad = v128.load(g + o);
    const mean = f32x4.add(v128.load(m + o), f32x4.mul(f32x4.sub(grad, v128.load(m + o)), b1));
    const square = v128.load(v + o);
    let second = f32x4.add(square, f32x4.mul(f32x4.sub(f32x4.mul(grad, grad), square), b2));
    v128.store(m + o, mean);
    v128.store(v + o, second);
    if (vhat != 0) {
      second = f32x4.max(v128.load(vhat + o), second);
      v128.store(vhat + o, second);
    }
    const x = v128.load(w + o);
    v128.store(w + o, f32x4.sub(x, f32x4.div(f32x4.mul(mean, a), f32x4.add(f32x4.sqrt(second), eps))));
  }
}

/**
 * RMSprop: v = rho·v + (1 - rho)·g²; centered (avg != 0): avg = rho·avg + (1 - rho)·g and the
 * denominator is v - avg² + epsilon, else v + epsilon; increment = lr·g / sqrt(denominator);
 * with momentum (mom != 0) mom = momentum·mom + increment, w -= mom, else w -= increment.
 */
export function f32_rmsprop_update(w: usize, g: usize, v: usize, avg: usize, mom: usize, n: i32, lr: f32, rho: f32, epsilon: f32, momentum: f32): void {
  const r = f32x4.splat(rho);
  const r1 = f32x4.splat(<f32>1 - rho);
  const eps = f32x4.splat(epsilon);
  const rate = f32x4.splat(lr);
  const mu = f32x4.splat(momentum);
  for (let i = 0; i < n; i += 4) {
    const o = <usize>i << 2;
    const grad = v128.load(g + o);
    const velocity = f32x4.add(f32x4.mul(r, v128.load(v + o)), f32x4.mul(r1, f32x4.mul(grad, grad)));
    v128.store(v + o, velocity);
    let denominator: v128;
    if (avg != 0) {
      const mean = f32x4.add(f32x4.mul(r, v128.load(avg + o)), f32x4.mul(r1, grad));
      v128.store(avg + o, mean);
      denominator = f32x4.add(f32x4.sub(velocity, f32x4.mul(mean, mean)), eps);
    } else {
      denominator = f32x4.add(velocity, eps);
    }
    let increment = f32x4.div(f32x4.mul(rate, grad), f32x4.sqrt(denominator));
    if (mom != 0) {
      increment = f32x4.add(f32x4.mul(mu, v128.load(mom + o)), increment);
      v128.store(mom + o, increment);
    }
    v128.store(w + o, f32x4.sub(v128.load(w + o), increment));
  }
}

/** Adagrad: acc += g²; w -= lr·g / sqrt(acc + epsilon). */
export function f32_adagrad_update(w: usize, g: usize, acc: usize, n: i32, lr: f32, epsilon: f32): void {
  const rate = f32x4.splat(lr);
  const eps = f32x4.splat(epsilon);
  for (let i = 0; i < n; i += 4) {
    const o = <usize>i << 2;
    const grad = v128.load(g + o);
    const sum = f32x4.add(v128.load(acc + o), f32x4.mul(grad, grad));
    v128.store(acc + o, sum);
    v128.store(w + o, f32x4.sub(v128.load(w + o), f32x4.div(f32x4.mul(rate, grad), f32x4.sqrt(f32x4.add(sum, eps)))));
  }
}

/** Σ g² over n floats, accumulated in float64 (a norm for clipping). */
export function f32_sum_squares(g: usize, n: i32): f64 {
  let acc = f64x2.splat(0);
  for (let i = 0; i < n; i += 4) {
    const x = v128.load(g + (<usize>i << 2));
    const lo = f64x2.promote_low_f32x4(x);
    const hi = f64x2.promote_low_f32x4(v128.shuffle<f32>(x, x, 2, 3, 0, 1));
    acc = f64x2.add(acc, f64x2.add(f64x2.mul(lo, lo), f64x2.mul(hi, hi)));
  }
  return f64x2.extract_lane(acc, 0) + f64x2.extract_lane(acc, 1);
}

/** g = g·scale / divisor lane-wise (clipnorm: scale = clipnorm, divisor = max(norm, clipnorm)). */
export function f32_scale_divide(g: usize, n: i32, scale: f32, divisor: f32): void {
  const s = f32x4.splat(scale);
  const d = f32x4.splat(divisor);
  for (let i = 0; i < n; i += 4) {
    const p = g + (<usize>i << 2);
    v128.store(p, f32x4.div(f32x4.mul(v128.load(p), s), d));
  }
}

/** g = clip(g, -c, c). */
export function f32_clip_values(g: usize, n: i32, c: f32): void {
  const hi = f32x4.splat(c);
  const lo = f32x4.splat(-c);
  for (let i = 0; i < n; i += 4) {
    const p = g + (<usize>i << 2);
    v128.store(p, f32x4.min(f32x4.max(v128.load(p), lo), hi));
  }
}
