// Keras 3's dropout and recurrent_dropout of a recurrent layer in training, for one direction.
// Masks are drawn once per batch (one per sequence and feature), reused at every step, with
// inverted scaling. Keras applies them only for 0 < rate < 1 in LSTM and GRU, and for any
// rate > 0 in SimpleRNN (a rate of 1 drops everything). With recurrent_dropout, LSTM and GRU
// switch to implementation 1: one input mask and one recurrent mask per gate
// (inputs * dp_mask[g] @ W_g, h_tm1 * rec_dp_mask[g] @ U_g); otherwise one input mask.
//
// The recurrent masks go to the kernels (src/kernels/recurrent-dropout.ts). Per-gate input masks
// are expanded here: x becomes (B, T, G*D), gate g's block the input times mask g, and the
// kernel (G*D, G*H) block-diagonal, so the kernels' projection computes each gate's own masked
// product; the gradients are folded back afterwards.
import { gateCount } from '../kernels/cells.js';
import { packRecurrentWeights, releasePackedWeights } from '../kernels/recurrent.js';
/** The rate Keras applies for this layer in training, or 0 when it applies none. */
function appliedRate(layer, rate) {
    if (layer.className === 'SimpleRNN')
        return rate > 0 ? rate : 0;
    return rate > 0 && rate < 1 ? rate : 0;
}
/** `count` inverted-scaled Bernoulli masks of `size` values: kept with probability 1 - rate. */
function drawMasks(count, size, rate, random) {
    const scale = rate < 1 ? 1 / (1 - rate) : 0;
    return Array.from({ length: count }, () => {
        const mask = new Float32Array(size);
        for (let i = 0; i < size; i++)
            mask[i] = random() >= rate ? scale : 0;
        return mask;
    });
}
/**
 * Draws the direction's masks (input masks first, gate by gate, then recurrent masks, as Keras
 * draws them) and prepares its run. `direction` is the layer's own, x its input (B, T, D).
 */
export function directionDropout(layer, direction, x, batch, timesteps, random) {
    const config = layer.getConfig();
    const { cell, inputDim: D, units: H, instance } = direction.weights;
    const G = gateCount(cell);
    const inputRate = appliedRate(layer, config.dropout);
    const recurrentRate = appliedRate(layer, config.recurrent_dropout);
    const perGate = G > 1 && config.recurrent_dropout !== 0;
    const inputMasks = inputRate > 0 ? drawMasks(perGate ? G : 1, batch * D, inputRate, random) : [];
    const recurrentMasks = recurrentRate > 0 ? drawMasks(G, batch * H, recurrentRate, random) : [];
    const identity = (g) => g;
    if (inputMasks.length === 0 && recurrentMasks.length === 0) {
        return { direction, x, kernelGradient: identity, inputGradient: identity, release: () => { } };
    }
    const [kernel, recurrentKernel, bias] = layer.getWeights().map((w) => w.data);
    const recurrentDropout = recurrentMasks.length > 0
        ? { masks: recurrentMasks, recurrentKernel, recurrentBias: cell.recurrentBiasRow !== null && bias ? bias.subarray(cell.recurrentBiasRow * G * H, (cell.recurrentBiasRow + 1) * G * H) : null }
        : null;
    const rows = batch * timesteps;
    if (inputMasks.length <= 1) {
        const [mask] = inputMasks;
        const masked = mask ? maskRows(x, mask, batch, timesteps, D) : x;
        return {
            direction: { ...direction, recurrentDropout }, x: masked,
            kernelGradient: identity,
            inputGradient: mask ? (dX) => maskRows(dX, mask, batch, timesteps, D) : identity,
            release: () => { },
        };
    }
    const expandedX = new Float32Array(rows * G * D);
    for (let r = 0; r < rows; r++) {
        const b = Math.floor(r / timesteps);
        for (let g = 0; g < G; g++) {
            const mask = inputMasks[g];
            for (let k = 0; k < D; k++)
                expandedX[(r * G + g) * D + k] = x[r * D + k] * mask[b * D + k];
        }
    }
    const GH = G * H;
    const expandedKernel = new Float32Array(G * D * GH);
    for (let g = 0; g < G; g++) {
        for (let k = 0; k < D; k++) {
            const from = k * GH + g * H;
            expandedKernel.set(kernel.subarray(from, from + H), (g * D + k) * GH + g * H);
        }
    }
    const packed = packRecurrentWeights(instance, cell, G * D, H, expandedKernel, recurrentKernel, bias ?? null);
    return {
        direction: { ...direction, weights: packed, recurrentDropout },
        x: expandedX,
        kernelGradient: (dKernel) => {
            const out = new Float32Array(D * GH);
            for (let g = 0; g < G; g++) {
                for (let k = 0; k < D; k++) {
                    const from = (g * D + k) * GH + g * H;
                    out.set(dKernel.subarray(from, from + H), k * GH + g * H);
                }
            }
            return out;
        },
        inputGradient: (dX) => {
            const out = new Float32Array(rows * D);
            for (let r = 0; r < rows; r++) {
                const b = Math.floor(r / timesteps);
                for (let g = 0; g < G; g++) {
                    const mask = inputMasks[g];
                    for (let k = 0; k < D; k++)
                        out[r * D + k] += dX[(r * G + g) * D + k] * mask[b * D + k];
                }
            }
            return out;
        },
        release: () => releasePackedWeights(packed),
    };
}
/** values (B, T, F) times mask (B, F) at every step. */
function maskRows(values, mask, batch, timesteps, features) {
    const out = new Float32Array(values.length);
    for (let b = 0; b < batch; b++) {
        for (let t = 0; t < timesteps; t++) {
            const row = (b * timesteps + t) * features;
            for (let k = 0; k < features; k++)
                out[row + k] = values[row + k] * mask[b * features + k];
        }
    }
    return out;
}
