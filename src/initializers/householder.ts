// Householder LQ in float64 on a row-major matrix whose rows are the vectors to orthonormalize.
// Every reflection is a dot product and an update along contiguous rows, so the access pattern
// stays sequential (the column-walking QR it replaces was 30-100x slower at H >= 256).

/**
 * Overwrites the n×m (n <= m) row-major `v` with Q (n×m, orthonormal rows) such that v = L·Q with
 * L lower triangular and diag(L) > 0: Gram–Schmidt's order and sign, i.e. the Q of Keras'
 * `qr(vᵀ)` after `q *= sign(diag(r))`. With that sign rule Q is unique for a full-rank `v`,
 * so the result does not depend on the QR routine's own sign convention.
 */
export function orthonormalizeRows(v: Float64Array, n: number, m: number): void {
  // Reflector k (length m-k) is kept in row k from column k on; the rows of L are not needed.
  const tau = new Float64Array(n);
  const diagonalSign = new Float64Array(n);
  for (let k = 0; k < n; k++) {
    const rowK = k * m;
    let normSquared = 0;
    for (let i = rowK + k; i < rowK + m; i++) normSquared += v[i] * v[i];
    const x0 = v[rowK + k];
    // Reflect onto alpha·e1 with alpha = -sign(x0)·‖x‖: the opposite sign avoids cancellation.
    const alpha = x0 >= 0 ? -Math.sqrt(normSquared) : Math.sqrt(normSquared);
    // numpy's sign(0) would zero a row; a zero pivot (probability 0) keeps its sign instead.
    diagonalSign[k] = alpha < 0 ? -1 : 1;
    v[rowK + k] = x0 - alpha;
    const vNormSquared = normSquared - x0 * x0 + (x0 - alpha) * (x0 - alpha);
    tau[k] = vNormSquared === 0 ? 0 : 2 / vNormSquared; // an all-zero row needs no reflection
    if (tau[k] !== 0) reflectRows(v, v, m, rowK, k, tau[k], k + 1, n);
  }

  // Q = [I 0]·H(n-1)···H(0): applying H(k) touches only rows k.. and columns k.. of the result.
  const reflectors = v.slice(0, n * m);
  v.fill(0);
  for (let k = 0; k < n; k++) v[k * m + k] = 1;
  for (let k = n - 1; k >= 0; k--) {
    if (tau[k] !== 0) reflectRows(v, reflectors, m, k * m, k, tau[k], k, n);
  }
  for (let k = 0; k < n; k++) {
    if (diagonalSign[k] > 0) continue;
    for (let i = k * m; i < (k + 1) * m; i++) v[i] = -v[i];
  }
}

/** Rows first..last-1 of `target`, from column `from`, times H = I - tau·u·uᵀ, u = source[uStart+from ..]. */
function reflectRows(
  target: Float64Array,
  source: Float64Array,
  m: number,
  uStart: number,
  from: number,
  tau: number,
  first: number,
  last: number,
): void {
  const length = m - from;
  const u = uStart + from;
  for (let r = first; r < last; r++) {
    const row = r * m + from;
    let dot = 0;
    for (let i = 0; i < length; i++) dot += source[u + i] * target[row + i];
    const factor = tau * dot;
    if (factor === 0) continue;
    for (let i = 0; i < length; i++) target[row + i] -= factor * source[u + i];
  }
}
