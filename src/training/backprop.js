import { InputLayer } from '../layers/input-layer.js';
import { trainingStep } from './layer-steps.js';
function addInto(target, key, value) {
    const have = target.get(key);
    if (!have)
        target.set(key, value.slice());
    else
        for (let i = 0; i < have.length; i++)
            have[i] += value[i];
}
export function runTrainingPass(graph, layers, inputs, random) {
    const values = new Map();
    graph.inputs.forEach((symbolic, i) => values.set(symbolic, { tensor: inputs[i], mask: undefined }));
    const steps = [];
    const release = () => {
        for (const { step } of steps)
            step.release();
    };
    try {
        for (const node of graph.nodes) {
            if (node.layer instanceof InputLayer)
                continue;
            const args = node.inputs.map((symbolic) => values.get(symbolic));
            const step = trainingStep(node.layer, args.map((a) => a.tensor), args.map((a) => a.mask), random);
            steps.push({ node, step });
            node.outputs.forEach((symbolic, i) => values.set(symbolic, { tensor: step.outputs[i], mask: step.masks[i] }));
        }
    }
    catch (error) {
        release();
        throw error;
    }
    const outputValues = graph.outputs.map((symbolic) => values.get(symbolic));
    return {
        outputs: outputValues.map((v) => v.tensor),
        masks: outputValues.map((v) => v.mask),
        backward: (dOutputs) => {
            const grads = new Map();
            graph.outputs.forEach((symbolic, i) => {
                const g = dOutputs[i];
                if (g)
                    addInto(grads, symbolic, g);
            });
            const weightGrads = new Map();
            for (let k = steps.length - 1; k >= 0; k--) {
                const { node, step } = steps[k];
                const dOut = node.outputs.map((symbolic) => grads.get(symbolic) ?? null);
                if (dOut.every((g) => g === null) && node.layer.countParams() === 0)
                    continue;
                // A model input's gradient reaches nothing: the step may skip it.
                const result = step.backward(dOut, node.inputs.map((symbolic) => !graph.inputs.includes(symbolic)));
                node.inputs.forEach((symbolic, i) => {
                    const g = result.inputs[i];
                    if (g)
                        addInto(grads, symbolic, g);
                });
                const have = weightGrads.get(node.layer);
                if (!have)
                    weightGrads.set(node.layer, result.weights);
                else
                    result.weights.forEach((g, i) => { for (let j = 0; j < g.length; j++)
                        have[i][j] += g[j]; });
            }
            return layers.flatMap((layer) => {
                const own = weightGrads.get(layer);
                return own ?? layer.getWeights().map((w) => new Float32Array(w.size));
            });
        },
        release,
    };
}
