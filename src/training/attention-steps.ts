// Training steps of Keras' Attention (dot or concat scores) and AdditiveAttention, as Keras 3's
// call(training=True) runs them (keras/src/layers/attention/attention.py): the softmax weights
// dropped by `dropout` (inverted dropout, from fit's seeded source as Dropout's masks) before they
// meet the value, the query-masked rows zeroed. The backward pass, for inputs (B, Tq, D) query,
// (B, Tv, Dv) value and (B, Tv, D) key (the value where no key is given):
//   out = W_d · V, W_d = W ∘ m        dW_d = dOut · Vᵀ (+ d scores, when returned), dV = W_dᵀ · dOut
//   W = softmax(S - 1e9 · masked)      dS = W ∘ (dW - Σ_j dW ∘ W), dW = dW_d ∘ m
//   dot:      S = c · Q·Kᵀ              dQ = c · dS·K, dK = c · dSᵀ·Q, dc = Σ dS ∘ Q·Kᵀ
//   concat:   S = w Σ_d tanh(c (q + k)) dw = Σ dS Σ_d t, du = dS w (1 - t²), dq = c Σ_j du, dk = c Σ_i du, dc = Σ du (q + k)
//   additive: S = Σ_d a_d tanh(q + k)   da_d = Σ dS t_d, du = dS a_d (1 - t²), dq = Σ_j du, dk = Σ_i du
// The products run in float64 on the host; their size is the attention's (B · Tq · Tv · D).
import { AdditiveAttention, Attention } from '../layers/attention.js';
import type { CallArgs } from '../symbolic.js';
import { Tensor } from '../tensor.js';
import type { LayerStep } from './layer-steps.js';
import type { RandomSource } from './random-source.js';

export type AttentionLayer = Attention | AdditiveAttention;

export function isAttention(layer: unknown): layer is AttentionLayer {
  return layer instanceof Attention || layer instanceof AdditiveAttention;
}

/** Each weight's inverted-dropout factor (0 or 1 / (1 - rate)), applied in place; null without dropout. */
function dropWeights(rate: number, random: RandomSource): { drop: ((weights: Float32Array) => void) | null; factors: () => Float32Array | null } {
  if (rate <= 0) return { drop: null, factors: () => null };
  let kept: Float32Array | null = null;
  const scale = 1 / (1 - rate);
  return {
    drop: (weights) => {
      kept = Float32Array.from(weights, () => (random() >= rate ? scale : 0));
      for (let i = 0; i < weights.length; i++) weights[i] *= kept[i];
    },
    factors: () => kept,
  };
}

export function attentionStep(layer: AttentionLayer, inputs: Tensor[], masks: (Tensor | undefined)[], random: RandomSource, callArgs: CallArgs): LayerStep {
  const dropout = dropWeights(layer.dropout, random);
  const { outputs, softmax, queryMask } = layer.attend(inputs, masks, callArgs, dropout.drop);
  const [query, value, key = value] = inputs;
  const [B, Tq, D] = query.shape;
  const [, Tv, Dv] = value.shape;
  return {
    outputs,
    masks: outputs.map((_, i) => (i === 0 ? masks[0] : undefined)),
    backward: ([dOut, dScoresOut]) => {
      const factors = dropout.factors();
      const weightsUsed = factors ? softmax.map((w, i) => w * (factors as Float32Array)[i]) : softmax;
      const dValue = new Float64Array(B * Tv * Dv);
      const dW = new Float64Array(B * Tq * Tv);
      if (dScoresOut) for (let i = 0; i < dW.length; i++) dW[i] = dScoresOut[i];
      if (dOut) {
        for (let b = 0; b < B; b++) for (let i = 0; i < Tq; i++) {
          const row = b * Tq + i;
          if (queryMask && queryMask.data[row] === 0) continue;
          for (let j = 0; j < Tv; j++) {
            const w = weightsUsed[row * Tv + j];
            let sum = 0;
            for (let d = 0; d < Dv; d++) {
              const g = dOut[row * Dv + d];
              sum += g * value.data[(b * Tv + j) * Dv + d];
              dValue[(b * Tv + j) * Dv + d] += w * g;
            }
            dW[row * Tv + j] += sum;
          }
        }
      }
      if (factors) for (let i = 0; i < dW.length; i++) dW[i] *= factors[i];
      const dS = new Float64Array(B * Tq * Tv);
      for (let r = 0; r < B * Tq; r++) {
        let dot = 0;
        for (let j = 0; j < Tv; j++) dot += dW[r * Tv + j] * softmax[r * Tv + j];
        for (let j = 0; j < Tv; j++) dS[r * Tv + j] = softmax[r * Tv + j] * (dW[r * Tv + j] - dot);
      }
      const { dQuery, dKey, dWeights } = scoresBackward(layer, query, key, dS, [B, Tq, Tv, D]);
      const gradients = [Float32Array.from(dQuery), Float32Array.from(dValue)];
      if (inputs.length > 2) gradients.push(Float32Array.from(dKey));
      else for (let i = 0; i < dKey.length; i++) gradients[1][i] += dKey[i];
      return { inputs: gradients, weights: dWeights.map((g) => Float32Array.from(g)) };
    },
    release: () => {},
  };
}

/** d loss / d query, key and each weight (in getWeights() order) from d loss / d scores. */
function scoresBackward(layer: AttentionLayer, query: Tensor, key: Tensor, dS: Float64Array, [B, Tq, Tv, D]: number[]): { dQuery: Float64Array; dKey: Float64Array; dWeights: number[][] } {
  const dQuery = new Float64Array(B * Tq * D);
  const dKey = new Float64Array(B * Tv * D);
  const weights = layer.getWeights().map((w) => w.data);
  const q = query.data;
  const k = key.data;
  if (layer instanceof Attention && layer.scoreMode === 'dot') {
    const scale = layer.useScale ? weights[0][0] : 1;
    let dScale = 0;
    for (let b = 0; b < B; b++) for (let i = 0; i < Tq; i++) for (let j = 0; j < Tv; j++) {
      const g = dS[(b * Tq + i) * Tv + j];
      if (g === 0) continue;
      let product = 0;
      for (let d = 0; d < D; d++) {
        const qd = q[(b * Tq + i) * D + d];
        const kd = k[(b * Tv + j) * D + d];
        product += qd * kd;
        dQuery[(b * Tq + i) * D + d] += scale * g * kd;
        dKey[(b * Tv + j) * D + d] += scale * g * qd;
      }
      dScale += g * product;
    }
    return { dQuery, dKey, dWeights: layer.useScale ? [[dScale]] : [] };
  }
  // concat (Attention) and additive (AdditiveAttention): a tanh per feature of q_i + k_j.
  const concat = layer instanceof Attention;
  const inner = concat && layer.useScale ? weights[0][0] : 1;
  const outer = concat ? weights[layer.useScale ? 1 : 0][0] : 1;
  const perFeature = !concat && layer.useScale ? weights[0] : null;
  let dInner = 0;
  let dOuter = 0;
  const dPerFeature = new Float64Array(D);
  for (let b = 0; b < B; b++) for (let i = 0; i < Tq; i++) for (let j = 0; j < Tv; j++) {
    const g = dS[(b * Tq + i) * Tv + j];
    if (g === 0) continue;
    for (let d = 0; d < D; d++) {
      const sum = q[(b * Tq + i) * D + d] + k[(b * Tv + j) * D + d];
      const t = Math.tanh(inner * sum);
      const factor = perFeature ? perFeature[d] : outer;
      if (concat) dOuter += g * t;
      else dPerFeature[d] += g * t;
      const du = g * factor * (1 - t * t);
      dQuery[(b * Tq + i) * D + d] += inner * du;
      dKey[(b * Tv + j) * D + d] += inner * du;
      dInner += du * sum;
    }
  }
  if (concat) return { dQuery, dKey, dWeights: layer.useScale ? [[dInner], [dOuter]] : [[dOuter]] };
  return { dQuery, dKey, dWeights: layer.useScale ? [Array.from(dPerFeature)] : [] };
}
