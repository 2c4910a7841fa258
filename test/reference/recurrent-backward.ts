/**
 * A plain float64 reference of backpropagation through time for one SimpleRNN/LSTM/GRU layer
 * (one direction), in the style of the forward oracle: per batch row, per step, obviously
 * written rather than fast. It is checked against central finite differences of
 * referenceRecurrent (test/training-reference.test.ts), and the kernels are checked against it.
 */
import { referenceActivation, type Activation } from './activations.js';
import { referenceActivationDerivative, type Derivative } from './activation-derivatives.js';
import { cellWeightsFromKeras, stateCount, weightsWithDropout } from './recurrent.js';
import type { CellWeights } from './cells.js';
import type { ReferenceOptions, ReferenceRecurrentSpec, ReferenceTensor } from './types.js';

export interface ReferenceRecurrentGradients {
  /** d loss / d each weight, in Keras get_weights() order and shapes. */
  weights: ReferenceTensor[];
  /** d loss / d x, [B, T, D]. */
  x: ReferenceTensor;
  /** d loss / d each initial state, [B, H]. */
  initialState: ReferenceTensor[];
}

interface Functions {
  act: Activation;
  dAct: Derivative;
  ract: Activation;
  dRact: Derivative;
}

/** What one valid step keeps for its backward pass. */
interface StepCache {
  x: Float64Array;
  states: Float64Array[];
  /** Pre-activations: SimpleRNN [a]; LSTM [i, f, c, o]; GRU [z, r, candidate] plus (reset_after) h·U_h + b_h, (reset_before) r*h. */
  pre: Float64Array[];
}

const row = (m: Float64Array, cols: number, r: number) => m.subarray(r * cols, (r + 1) * cols);

function vecMat(v: Float64Array, m: Float64Array, cols: number, colFrom = 0, colTo = cols): Float64Array {
  const out = new Float64Array(colTo - colFrom);
  for (let r = 0; r < v.length; r++) for (let c = colFrom; c < colTo; c++) out[c - colFrom] += v[r] * m[r * cols + c];
  return out;
}

/** m (rows, cols) · vᵀ over columns [colFrom, colFrom + v.length): the gradient of vecMat's input. */
function matVec(m: Float64Array, cols: number, rows: number, v: Float64Array, colFrom = 0): Float64Array {
  const out = new Float64Array(rows);
  for (let r = 0; r < rows; r++) for (let c = 0; c < v.length; c++) out[r] += m[r * cols + colFrom + c] * v[c];
  return out;
}

/** grad (rows, cols) += a ⊗ v at columns [colFrom, ...). */
function addOuter(grad: Float64Array, cols: number, a: Float64Array, v: Float64Array, colFrom = 0): void {
  for (let r = 0; r < a.length; r++) for (let c = 0; c < v.length; c++) grad[r * cols + colFrom + c] += a[r] * v[c];
}

function forwardStep(spec: ReferenceRecurrentSpec, w: CellWeights, f: Functions, x: Float64Array, states: Float64Array[]): { states: Float64Array[]; cache: StepCache } {
  const H = w.units;
  const G = spec.cell === 'LSTM' ? 4 : spec.cell === 'GRU' ? 3 : 1;
  const xw = vecMat(x, w.kernel, G * H);
  if (w.inputBias) for (let k = 0; k < G * H; k++) xw[k] += w.inputBias[k];
  const h = states[0];
  const block = (v: Float64Array, g: number) => v.slice(g * H, (g + 1) * H);
  if (spec.cell === 'SimpleRNN') {
    const hu = vecMat(h, w.recurrentKernel, H);
    const a = xw.map((v, j) => v + hu[j]);
    return { states: [a.map(f.act)], cache: { x, states, pre: [a] } };
  }
  if (spec.cell === 'LSTM') {
    const hu = vecMat(h, w.recurrentKernel, 4 * H);
    const z = xw.map((v, k) => v + hu[k]);
    const [zi, zf, zc, zo] = [0, 1, 2, 3].map((g) => block(z, g));
    const c = new Float64Array(H);
    const hNew = new Float64Array(H);
    for (let j = 0; j < H; j++) {
      c[j] = f.ract(zf[j]) * states[1][j] + f.ract(zi[j]) * f.act(zc[j]);
      hNew[j] = f.ract(zo[j]) * f.act(c[j]);
    }
    return { states: [hNew, c], cache: { x, states, pre: [zi, zf, zc, zo] } };
  }
  const hNew = new Float64Array(H);
  if (spec.resetAfter) {
    const hu = vecMat(h, w.recurrentKernel, 3 * H);
    if (w.recurrentBias) for (let k = 0; k < 3 * H; k++) hu[k] += w.recurrentBias[k];
    const zPre = block(xw, 0).map((v, j) => v + hu[j]);
    const rPre = block(xw, 1).map((v, j) => v + hu[H + j]);
    const hh = block(hu, 2);
    const cPre = block(xw, 2).map((v, j) => v + f.ract(rPre[j]) * hh[j]);
    for (let j = 0; j < H; j++) hNew[j] = f.ract(zPre[j]) * h[j] + (1 - f.ract(zPre[j])) * f.act(cPre[j]);
    return { states: [hNew], cache: { x, states, pre: [zPre, rPre, cPre, hh] } };
  }
  const huZR = vecMat(h, w.recurrentKernel, 3 * H, 0, 2 * H);
  const zPre = block(xw, 0).map((v, j) => v + huZR[j]);
  const rPre = block(xw, 1).map((v, j) => v + huZR[H + j]);
  const rh = h.map((v, j) => f.ract(rPre[j]) * v);
  const rhU = vecMat(rh, w.recurrentKernel, 3 * H, 2 * H, 3 * H);
  const cPre = block(xw, 2).map((v, j) => v + rhU[j]);
  for (let j = 0; j < H; j++) hNew[j] = f.ract(zPre[j]) * h[j] + (1 - f.ract(zPre[j])) * f.act(cPre[j]);
  return { states: [hNew], cache: { x, states, pre: [zPre, rPre, cPre, rh] } };
}

interface Accumulators {
  kernel: Float64Array;
  recurrentKernel: Float64Array;
  inputBias: Float64Array;
  recurrentBias: Float64Array;
}

/** Backward through one valid step: accumulates weight gradients, returns d x and d states before the step. */
function backwardStep(
  spec: ReferenceRecurrentSpec, w: CellWeights, f: Functions, cache: StepCache, dStates: Float64Array[], acc: Accumulators,
): { dx: Float64Array; dStates: Float64Array[] } {
  const H = w.units;
  const D = w.inputSize;
  const G = spec.cell === 'LSTM' ? 4 : spec.cell === 'GRU' ? 3 : 1;
  const GH = G * H;
  const hPrev = cache.states[0];
  const dh = dStates[0];
  // dx-side and dh-side gradients of the G*H pre-activation columns (they differ only for reset_after's h block).
  const dPre = new Float64Array(GH);
  const dRec = new Float64Array(GH);
  const dhPrev = new Float64Array(H);
  let dcPrev: Float64Array | null = null;
  if (spec.cell === 'SimpleRNN') {
    const [a] = cache.pre;
    for (let j = 0; j < H; j++) dPre[j] = dh[j] * f.dAct(a[j]);
    dRec.set(dPre);
  } else if (spec.cell === 'LSTM') {
    const [zi, zf, zc, zo] = cache.pre;
    const cPrev = cache.states[1];
    const dc = dStates[1];
    dcPrev = new Float64Array(H);
    for (let j = 0; j < H; j++) {
      const i = f.ract(zi[j]), fg = f.ract(zf[j]), g = f.act(zc[j]), o = f.ract(zo[j]);
      const c = fg * cPrev[j] + i * g;
      const dcTotal = dc[j] + dh[j] * o * f.dAct(c);
      dPre[j] = dcTotal * g * f.dRact(zi[j]);
      dPre[H + j] = dcTotal * cPrev[j] * f.dRact(zf[j]);
      dPre[2 * H + j] = dcTotal * i * f.dAct(zc[j]);
      dPre[3 * H + j] = dh[j] * f.act(c) * f.dRact(zo[j]);
      dcPrev[j] = dcTotal * fg;
    }
    dRec.set(dPre);
  } else {
    const [zPre, rPre, cPre, extra] = cache.pre;
    for (let j = 0; j < H; j++) {
      const z = f.ract(zPre[j]);
      const candidate = f.act(cPre[j]);
      dPre[j] = dh[j] * (hPrev[j] - candidate) * f.dRact(zPre[j]);
      dPre[2 * H + j] = dh[j] * (1 - z) * f.dAct(cPre[j]);
      dhPrev[j] += dh[j] * z;
    }
    if (spec.resetAfter) {
      for (let j = 0; j < H; j++) {
        const r = f.ract(rPre[j]);
        dPre[H + j] = dPre[2 * H + j] * extra[j] * f.dRact(rPre[j]);
        dRec[2 * H + j] = dPre[2 * H + j] * r;
      }
      dRec.set(dPre.subarray(0, 2 * H));
    } else {
      const dResetHidden = matVec(w.recurrentKernel, GH, H, dPre.subarray(2 * H), 2 * H);
      for (let j = 0; j < H; j++) {
        const r = f.ract(rPre[j]);
        dPre[H + j] = dResetHidden[j] * hPrev[j] * f.dRact(rPre[j]);
        dhPrev[j] += dResetHidden[j] * r;
      }
      dRec.set(dPre);
      addOuter(acc.recurrentKernel, GH, extra, dPre.subarray(2 * H), 2 * H);
    }
  }
  addOuter(acc.kernel, GH, cache.x, dPre);
  for (let k = 0; k < GH; k++) {
    acc.inputBias[k] += dPre[k];
    acc.recurrentBias[k] += dRec[k];
  }
  const recurrentColumns = spec.cell === 'GRU' && !spec.resetAfter ? 2 * H : GH;
  addOuter(acc.recurrentKernel, GH, hPrev, dRec.subarray(0, recurrentColumns));
  const viaU = matVec(w.recurrentKernel, GH, H, dRec.subarray(0, recurrentColumns));
  for (let j = 0; j < H; j++) dhPrev[j] += viaU[j];
  const dx = matVec(w.kernel, GH, D, dPre);
  return { dx, dStates: dcPrev ? [dhPrev, dcPrev] : [dhPrev] };
}

/**
 * Gradients of loss = Σ outputGradient · output + Σ finalStateGradients[i] · finalState[i], for the
 * outputs referenceRecurrent returns (the sequence in processing order, or the last output).
 */
export function referenceRecurrentBackward(
  spec: ReferenceRecurrentSpec,
  weights: ReferenceTensor[],
  x: ReferenceTensor,
  outputGradient: ReferenceTensor,
  options: ReferenceOptions & { finalStateGradients?: ReferenceTensor[] } = {},
): ReferenceRecurrentGradients {
  const [B, T, D] = x.shape;
  const H = spec.units;
  const layerWeights = cellWeightsFromKeras(spec, weights, D);
  const f: Functions = {
    act: referenceActivation(spec.activation, spec.hardSigmoidVariant),
    dAct: referenceActivationDerivative(spec.activation, spec.hardSigmoidVariant),
    ract: referenceActivation(spec.recurrentActivation, spec.hardSigmoidVariant),
    dRact: referenceActivationDerivative(spec.recurrentActivation, spec.hardSigmoidVariant),
  };
  const G = spec.cell === 'LSTM' ? 4 : spec.cell === 'GRU' ? 3 : 1;
  const GH = G * H;
  const S = stateCount(spec.cell);
  const acc: Accumulators = {
    kernel: new Float64Array(D * GH), recurrentKernel: new Float64Array(H * GH),
    inputBias: new Float64Array(GH), recurrentBias: new Float64Array(GH),
  };
  const dxAll = new Float64Array(B * T * D);
  const dInitial = Array.from({ length: S }, () => new Float64Array(B * H));

  const layerAcc = acc;
  for (let b = 0; b < B; b++) {
    // Dropout masks fold into this row's weights (weightsWithDropout); so do their gradients.
    const w = weightsWithDropout(layerWeights, options.dropout, b, G);
    const acc: Accumulators = options.dropout ? {
      kernel: new Float64Array(D * GH), recurrentKernel: new Float64Array(H * GH),
      inputBias: layerAcc.inputBias, recurrentBias: layerAcc.recurrentBias,
    } : layerAcc;
    let states: Float64Array[] = Array.from({ length: S }, (_, i) =>
      options.initialState ? options.initialState[i].data.slice(b * H, (b + 1) * H) : new Float64Array(H));
    const caches: (StepCache | null)[] = [];
    for (let s = 0; s < T; s++) {
      const t = spec.goBackwards ? T - 1 - s : s;
      const valid = !options.mask || options.mask.data[b * T + t] !== 0;
      if (!valid) {
        caches.push(null);
        continue;
      }
      const step = forwardStep(spec, w, f, x.data.slice((b * T + t) * D, (b * T + t + 1) * D), states);
      caches.push(step.cache);
      states = step.states;
    }
    let dStates: Float64Array[] = Array.from({ length: S }, (_, i) =>
      options.finalStateGradients ? options.finalStateGradients[i].data.slice(b * H, (b + 1) * H) : new Float64Array(H));
    // emitted_s = valid ? h_s : (zeroOutputForMask ? 0 : emitted_{s-1}), emitted_{-1} = 0.
    let dCarried = new Float64Array(H);
    for (let s = T - 1; s >= 0; s--) {
      const dEmitted = dCarried.slice();
      if (spec.returnSequences) {
        const g = row(outputGradient.data, H, b * T + s);
        for (let j = 0; j < H; j++) dEmitted[j] += g[j];
      } else if (s === T - 1) {
        const g = row(outputGradient.data, H, b);
        for (let j = 0; j < H; j++) dEmitted[j] += g[j];
      }
      const cache = caches[s];
      dCarried = new Float64Array(H);
      if (cache === null) {
        if (!spec.zeroOutputForMask) dCarried = dEmitted;
        continue;
      }
      dStates[0] = dStates[0].map((v, j) => v + dEmitted[j]);
      const back = backwardStep(spec, w, f, cache, dStates, acc);
      dStates = back.dStates;
      const t = spec.goBackwards ? T - 1 - s : s;
      dxAll.set(back.dx, (b * T + t) * D);
    }
    dStates.forEach((d, i) => dInitial[i].set(d, b * H));
    if (options.dropout) {
      const fold = (into: Float64Array, from: Float64Array, rows: number, masks: ReferenceTensor[] | null) => {
        for (let i = 0; i < into.length; i++) {
          const k = Math.floor(i / GH);
          const g = Math.floor((i % GH) / H);
          into[i] += from[i] * (masks ? masks[g].data[b * rows + k] : 1);
        }
      };
      fold(layerAcc.kernel, acc.kernel, D, options.dropout.input);
      fold(layerAcc.recurrentKernel, acc.recurrentKernel, H, options.dropout.recurrent);
    }
  }

  const gradients: ReferenceTensor[] = [
    { shape: [D, GH], data: acc.kernel },
    { shape: [H, GH], data: acc.recurrentKernel },
  ];
  if (spec.useBias) {
    gradients.push(spec.cell === 'GRU' && spec.resetAfter
      ? { shape: [2, GH], data: Float64Array.from([...acc.inputBias, ...acc.recurrentBias]) }
      : { shape: [GH], data: acc.inputBias });
  }
  return {
    weights: gradients,
    x: { shape: [B, T, D], data: dxAll },
    initialState: dInitial.map((data) => ({ shape: [B, H], data })),
  };
}
