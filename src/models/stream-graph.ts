// A model's graph as a stream program: every node, in graph order, becomes the ops
// of one frame. What cannot run one frame at a time is refused with a ConfigError
// naming the layer, before anything is allocated for good.
import { ConfigError, quoted } from '../errors.js';
import { defaultInstance } from '../kernels/default-instance.js';
import { kerasActivationKind } from '../kernels/keras-activation.js';
import { EVERY_FRAME, StreamProgramBuilder, checkStreamFits, type StreamClock, type StreamMask, type StreamValue } from '../kernels/stream-program.js';
import { ACTIVATION_NAMES, activationId } from '../layers/activations.js';
import { Bidirectional } from '../layers/bidirectional.js';
import { Concatenate } from '../layers/concatenate.js';
import { Dense } from '../layers/dense.js';
import { Dropout } from '../layers/dropout.js';
import { Embedding } from '../layers/embedding.js';
import { GlobalAveragePooling1D, GlobalMaxPooling1D } from '../layers/global-pooling.js';
import { InputLayer } from '../layers/input-layer.js';
import type { Layer } from '../layers/layer.js';
import { Masking } from '../layers/masking.js';
import { RecurrentLayer } from '../layers/recurrent.js';
import { TimeDistributed } from '../layers/time-distributed.js';
import { ConvLSTM } from '../layers/conv-lstm.js';
import { SAMPLE_LAYER_NAMES, isSampleLayer, sampleLayerOps } from './stream-sample-layers.js';
import { isTimeWindow, joinClocks, timeWindowOps } from './stream-window-layers.js';
import { openStream, streamBatchSize, type Stream, type StreamInput, type StreamOptions, type StreamStateLabel } from '../streaming/stream.js';
import { FRAME_LAYER_NAMES, frameLayerOps, isFrameLayer, isSingleFrameLayer, timeAxisRefusal, type FrameValue } from './stream-frame-layers.js';
import type { Graph } from './graph.js';
import { MASK_INPUT_ARG, type NestedGraph, type SymbolicTensor } from '../symbolic.js';


export function openModelStream(graph: Graph, modelName: string, options: StreamOptions | undefined): Stream {
  const batch = streamBatchSize(options, modelName, graph.inputs[0]?.shape[0] ?? null);
  const masked = graph.nodes.find((node) => node.callArgs[MASK_INPUT_ARG] === true);
  if (masked) {
    throw new ConfigError(`${masked.layer.name}: takes its mask from another input of the model (Keras' layer(x, mask=m)), which a stream does not read frame by frame; stream a model without that input and give each frame's mask to step(frame, out, mask), which skips the masked rows as the layer does`);
  }
  const idInputs = graph.inputs.map((input) => {
    const consumers = graph.nodes.filter((node) => node.inputs.includes(input));
    const ids = input.shape.length === 2 && consumers.length > 0 && consumers.every((node) => node.layer instanceof Embedding);
    if (!ids && (input.shape.length < 3 || input.shape.slice(2).some((d) => d === null))) {
      throw new ConfigError(`${modelName}: a stream takes frames of a sequence, (batch, timesteps, ...frame) with a known frame shape ((batch, timesteps, features), or (batch, timesteps, rows, cols, channels) for a per-frame CNN) or (batch, timesteps) ids into an Embedding; the input ${input.layer.name} has shape ${quoted(input.shape)}`);
    }
    return ids ? Math.min(...consumers.map((node) => (node.layer as Embedding).inputDim)) : null;
  });
  // Every refusal of a layer comes before the builder allocates.
  for (const node of graph.nodes) checkStreamable(node.layer, node.inputs.length, node.inputs[0]?.shape.length ?? 3);
  // So does a batch too large.
  const recurrent = graph.nodes.flatMap((node) => (node.layer instanceof RecurrentLayer ? [node.layer.streamSpec()] : []));
  checkStreamFits(defaultInstance(), modelName, batch, streamRowFloats(graph), recurrent);
  const frameOf = (t: SymbolicTensor, sequence: boolean) => t.shape.slice(sequence ? 2 : 1) as number[];
  return openStream(modelName, new StreamProgramBuilder(defaultInstance(), batch), (builder) => {
    // One per-row mask for the frame, shared by every input.
    const frameMask = builder.frameMask();
    const inputs: StreamInput[] = graph.inputs.map((input, i) => {
      const vocabulary = idInputs[i];
      const frame = vocabulary !== null ? [1] : frameOf(input, true);
      return { value: builder.value(frame.reduce((p, d) => p * d, 1)), ids: vocabulary !== null ? { vocabulary } : null, mask: frameMask, frame, name: input.node.layer.name };
    });
    const values = new Map<SymbolicTensor, FrameValue>(graph.inputs.map((input, i) => [input, { value: inputs[i].value, mask: frameMask, sequence: true, frame: inputs[i].frame, ids: inputs[i].ids !== null }]));
    // When each value changes: every frame, until a time window thins what follows it.
    const clocks = new Map<SymbolicTensor, StreamClock>(graph.inputs.map((input) => [input, EVERY_FRAME]));
    const states: StreamStates = { labels: [], shapes: [] };
    // The first layer on each value's path that put its own mask (or none) in place of step()'s.
    const maskLostAt = new Map<SymbolicTensor, string>();
    for (const node of graph.nodes) {
      const { layer } = node;
      if (layer instanceof InputLayer) continue;
      const args = node.inputs.map((t) => values.get(t) as FrameValue);
      const lostAt = node.inputs.map((t) => maskLostAt.get(t)).find((name) => name !== undefined);
      if (readsStepMask(layer, args) && !builder.isFrameMask(args[0].mask)) {
        builder.maskUnreached ??= `the mask does not reach ${layer.name}: ${lostAt ?? node.inputs[0]?.layer.name} puts its own mask (or none) in its place, as Keras' Embedding, Masking and convolutions do, so a masked row's states would move; mask ids with 0 under maskZero, or frames with Masking's maskValue, instead`;
      }
      if (args.some((a) => a.ids) !== layer instanceof Embedding) {
        throw new ConfigError(`${layer.name}: in a stream, an Embedding reads the model's integer input and only an Embedding does`);
      }
      builder.clock = joinClocks(layer, args, node.inputs.map((t) => clocks.get(t) as StreamClock));
      const outputs = frameOps(builder, layer, args, states, node.inputs[0]?.shape.length ?? 3, (i, sequence) => frameOf(node.outputs[i], sequence));
      node.outputs.forEach((t, i) => {
        values.set(t, outputs[i]);
        clocks.set(t, builder.clock);
        const carried = args.some((a) => builder.isFrameMask(a.mask));
        if (lostAt !== undefined) maskLostAt.set(t, lostAt);
        else if (carried && outputs[i].sequence && !builder.isFrameMask(outputs[i].mask)) maskLostAt.set(t, layer.name);
      });
    }
    return { inputs, outputs: graph.outputs.map((t) => (values.get(t) as FrameValue).value), states: states.labels, stateShapes: states.shapes };
  });
}

/** Whether the layer keeps something per row across frames that step()'s mask must hold still: a recurrent layer's states, a time pool's sums. */
function readsStepMask(layer: Layer, args: readonly FrameValue[]): boolean {
  const x = args[0];
  if (x === undefined || !x.sequence) return false;
  return layer instanceof RecurrentLayer || layer instanceof GlobalMaxPooling1D || layer instanceof GlobalAveragePooling1D;
}

/** The states of a stream in Keras order: their labels and their shapes per row. */
interface StreamStates {
  labels: StreamStateLabel[];
  shapes: (readonly number[])[];
}

/** The frame shape of a node's output `i` (per row; without the time axis where `sequence`). */
type OutputFrame = (i: number, sequence: boolean) => readonly number[];

/** `withinFrame`: the layer runs on one frame alone (under TimeDistributed), where pooling over its first axis is not over time. */
function checkStreamable(layer: Layer, inputCount: number, rank: number, withinFrame = false): void {
  const timeAxis = timeAxisRefusal(layer);
  if (timeAxis !== null) throw new ConfigError(timeAxis);
  if (layer instanceof Bidirectional) {
    throw new ConfigError(`${layer.name}: Bidirectional needs the whole sequence (its backward layer reads the future), so it cannot stream one frame at a time`);
  }
  if (layer instanceof RecurrentLayer) {
    if (inputCount > 1) throw new ConfigError(`${layer.name}: initial states from other layers are set once per sequence, so a layer given them cannot stream`);
    layer.streamSpec();
    return;
  }
  if (layer instanceof TimeDistributed) {
    const inner = layer.layer;
    const innerGraph = inner.nestedGraph();
    if (innerGraph) {
      checkFrameModel(layer, innerGraph);
      return;
    }
    if (!(inner instanceof Dense || inner instanceof Dropout || isSingleFrameLayer(inner) || (isSampleLayer(inner) && !(inner instanceof ConvLSTM)))) {
      const why = inner instanceof RecurrentLayer || inner instanceof Bidirectional || inner instanceof ConvLSTM
        ? ` (it runs a whole sequence of its own inside each frame, which a stream's program does not hold)`
        : '';
      throw new ConfigError(`${layer.name}: TimeDistributed(${inner.className}) cannot stream${why}; TimeDistributed of Dense, Dropout, one of ${FRAME_LAYER_NAMES}, ${SAMPLE_LAYER_NAMES}, or a model of those can`);
    }
    if (!(inner instanceof Dense || inner instanceof Dropout)) checkStreamable(inner, 1, rank - 1, true);
    return;
  }
  if (isFrameLayer(layer)) {
    frameLayerOps(null, layer, [], rank);
    return;
  }
  if (layer instanceof ConvLSTM && inputCount > 1) {
    throw new ConfigError(`${layer.name}: initial states from other layers are set once per sequence, so a layer given them cannot stream`);
  }
  if (isSampleLayer(layer) && (withinFrame || !(layer instanceof GlobalMaxPooling1D || layer instanceof GlobalAveragePooling1D))) return;
  if (layer instanceof GlobalMaxPooling1D || layer instanceof GlobalAveragePooling1D) {
    if (layer.keepdims) throw new ConfigError(`${layer.name}: ${layer.className} with keepdims: true keeps a time axis of 1 step, which a stream cannot run on per frame; keepdims: false can stream`);
    return;
  }
  if (layer instanceof Concatenate) {
    const rank = layer.inboundNodes[0]?.outputs[0]?.shape.length ?? 3;
    if (layer.axis !== -1 && layer.axis !== rank - 1) {
      throw new ConfigError(`${layer.name}: Concatenate on axis ${layer.axis} joins along time or batch; a stream concatenates features only (axis -1)`);
    }
    return;
  }
  if (layer instanceof Dense || layer instanceof Dropout || layer instanceof Masking || layer instanceof Embedding || layer instanceof InputLayer) return;
  throw new ConfigError(`${layer.name}: ${layer.className} cannot run one frame at a time in a stream`);
}

/**
 * TimeDistributed(model) runs the model on each frame alone, so every layer inside it must run on
 * one frame's features with nothing carried to the next: no recurrent layer, no time axis.
 */
function checkFrameModel(wrapper: TimeDistributed, graph: NestedGraph): void {
  for (const node of graph.nodes) {
    const { layer } = node;
    if (layer instanceof InputLayer) continue;
    const rank = node.inputs[0]?.shape.length ?? 2;
    if (layer instanceof RecurrentLayer || layer instanceof Bidirectional || layer instanceof ConvLSTM || layer instanceof TimeDistributed) {
      throw new ConfigError(`${wrapper.name}: TimeDistributed(${wrapper.layer.className}) cannot stream: its layer ${layer.name} (${layer.className}) reads a sequence within each frame; a stream runs a wrapped model on each frame alone`);
    }
    try {
      checkStreamable(layer, node.inputs.length, rank, true);
    } catch (error) {
      if (error instanceof ConfigError) throw new ConfigError(`${wrapper.name}: TimeDistributed(${wrapper.layer.className}) cannot stream: ${error.message}`, { cause: error });
      throw error;
    }
  }
}

/** TimeDistributed(model) on one frame: the model's nodes on the frame alone; the wrapper keeps the frame's mask, as predict does. */
function frameModelOps(builder: StreamProgramBuilder, graph: NestedGraph, x: FrameValue, states: StreamStates, outFrame: readonly number[]): FrameValue {
  const [input] = graph.inputs;
  const [output] = graph.outputs;
  if (!input || !output) throw new ConfigError('TimeDistributed: the wrapped model has no input or output');
  // predict runs the model on the folded frames without a mask.
  const values = new Map<SymbolicTensor, FrameValue>([[input, { value: x.value, mask: 0, sequence: false, frame: x.frame }]]);
  for (const node of graph.nodes) {
    if (node.layer instanceof InputLayer) continue;
    const outputs = frameOps(builder, node.layer, node.inputs.map((t) => values.get(t) as FrameValue), states, node.inputs[0]?.shape.length ?? 2, (i) => node.outputs[i].shape.slice(1) as number[]);
    node.outputs.forEach((t, i) => values.set(t, outputs[i] as FrameValue));
  }
  return { value: (values.get(output) as FrameValue).value, mask: x.mask, sequence: x.sequence, frame: outFrame };
}

function frameOps(builder: StreamProgramBuilder, layer: Layer, args: FrameValue[], states: StreamStates, rank: number, outFrame: OutputFrame): FrameValue[] {
  const [x] = args;
  if (layer instanceof RecurrentLayer) {
    const spec = layer.streamSpec();
    const step = builder.recurrent(spec, x.value, x.mask);
    for (const state of layer.stateNames) {
      states.labels.push({ layer: layer.name, state });
      states.shapes.push([layer.units]);
    }
    const output = { value: step.output, mask: layer.returnSequences ? x.mask : 0, sequence: layer.returnSequences, frame: [layer.units] };
    return [output, ...step.states.map((value) => ({ value, mask: 0, sequence: false, frame: [layer.units] }))];
  }
  if (layer instanceof TimeDistributed) {
    const innerGraph = layer.layer.nestedGraph();
    const frame = outFrame(0, x.sequence);
    if (innerGraph) return [frameModelOps(builder, innerGraph, x, states, frame)];
    const inner = layer.layer;
    if (!x.sequence && isSampleLayer(inner)) {
      throw new ConfigError(`${layer.name}: TimeDistributed(${inner.className}) on a value with no time axis runs within a frame; a stream runs it on each frame of a sequence only`);
    }
    // The wrapped layer sees each frame alone (no time axis); the wrapper keeps the time axis and the mask.
    const [result] = frameOps(builder, inner, [{ ...x, sequence: false }], states, rank - 1, () => frame);
    return [{ ...result, mask: x.mask, sequence: x.sequence, frame }];
  }
  if (isFrameLayer(layer)) return frameLayerOps(builder, layer, args, rank);
  if (isTimeWindow(layer, x)) return timeWindowOps(builder, layer, x);
  if (isSampleLayer(layer) && !((layer instanceof GlobalMaxPooling1D || layer instanceof GlobalAveragePooling1D) && x.sequence)) {
    return sampleLayerOps(builder, layer, x, outFrame(0, isSequenceOut(layer, x)), {
      label: (state, shape) => {
        states.labels.push({ layer: layer.name, state });
        states.shapes.push(shape);
      },
    });
  }
  if (layer instanceof Dense) {
    const [kernel, bias] = layer.getWeights();
    if (!kernel) throw new ConfigError(`${layer.name}: the layer has no weights; build the model or set its weights first`);
    // A Dense on a frame of several axes runs on its last one, at every position.
    const positions = x.value.width / kernel.shape[0];
    const frame = [...x.frame.slice(0, -1), layer.units];
    if (layer.activation !== 'softmax' && !(ACTIVATION_NAMES as readonly string[]).includes(layer.activation)) {
      // predict runs these unfused: the linear product in the kernels, then the activation (in WebAssembly).
      const kind = kerasActivationKind(layer.activation, layer.kerasVersion);
      const linear = builder.dense(kernel.shape[0], layer.units, kernel.data, bias?.data ?? null, { elementwise: activationId('linear', layer.kerasVersion, layer.name) }, x.value, positions);
      return [{ ...x, frame, value: kind === null ? linear : builder.activation(linear, kind, layer.units) }];
    }
    const output = layer.activation === 'softmax' ? 'softmax' : { elementwise: activationId(layer.activation, layer.kerasVersion, `${layer.name}: activation`) };
    return [{ ...x, frame, value: builder.dense(kernel.shape[0], layer.units, kernel.data, bias?.data ?? null, output, x.value, positions) }];
  }
  if (layer instanceof GlobalMaxPooling1D || layer instanceof GlobalAveragePooling1D) {
    // Over the frames so far: predict's pooling of the prefix. The result has no time axis or mask.
    return [{ value: builder.timePool(x.value, x.mask, layer instanceof GlobalAveragePooling1D), mask: 0, sequence: false, frame: x.frame }];
  }
  if (layer instanceof Dropout) return [x];
  if (layer instanceof Masking) {
    if (x.frame.length > 1) throw new ConfigError(`${layer.name}: Masking of frames of shape ${quoted(x.frame)} masks each position of a frame; a stream masks whole frames (of features) only`);
    const { output, mask } = builder.masking(x.value, Math.fround(layer.maskValue));
    return [{ value: output, mask, sequence: x.sequence, frame: x.frame }];
  }
  if (layer instanceof Embedding) {
    const [table] = layer.getWeights();
    if (!table) throw new ConfigError(`${layer.name}: the layer has no weights; build the model or set its weights first`);
    const { output, mask } = builder.gather(table.data, layer.outputDim, x.value, layer.maskZero);
    return [{ value: output, mask, sequence: true, frame: [layer.outputDim] }];
  }
  if (layer instanceof Concatenate) {
    const frame = outFrame(0, x.sequence);
    // Joined on frame axis k: each row is prod(frame[:k]) blocks, every input's side by side.
    const axis = (layer.axis < 0 ? layer.axis + rank : layer.axis) - (x.sequence ? 2 : 1);
    const blocks = frame.slice(0, axis).reduce((p, d) => p * d, 1);
    return [{ value: builder.concat(args.map((a) => a.value), blocks), mask: builder.maskAny(args.map((a) => a.mask)), sequence: x.sequence, frame }];
  }
  throw new ConfigError(`${layer.name}: ${layer.className} cannot run one frame at a time in a stream`);
}

/** The floats a stream keeps per batch row at least: each input's and node output's frame, and each recurrent layer's states. */
function streamRowFloats(graph: Graph): number {
  const frame = (t: SymbolicTensor) => t.shape.slice(t.shape.length >= 3 ? 2 : 1).reduce((p: number, d) => p * (d ?? 1), 1);
  let floats = graph.inputs.reduce((sum, t) => sum + frame(t), 0);
  for (const node of graph.nodes) {
    for (const t of node.outputs) floats += frame(t);
    if (node.layer instanceof RecurrentLayer) floats += node.layer.units * node.layer.stateNames.length;
  }
  return floats;
}

/** Whether a sample layer's output still has the time axis. */
function isSequenceOut(layer: Layer, x: FrameValue): boolean {
  if (layer instanceof ConvLSTM) return layer.returnSequences;
  return x.sequence;
}
