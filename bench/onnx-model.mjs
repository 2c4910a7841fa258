// Builds a one-node ONNX model (LSTM, GRU or RNN) from Keras-layout weights, for the
// onnxruntime peers. Field numbers follow onnx.proto; only the fields used are named.
import { float32LittleEndian, ProtoWriter } from './protobuf-writer.mjs';

const MODEL = { irVersion: 1, producerName: 2, graph: 7, opsetImport: 8 };
const OPSET_ID = { domain: 1, version: 2 };
const GRAPH = { node: 1, name: 2, initializer: 5, input: 11, output: 12 };
const NODE = { input: 1, output: 2, name: 3, opType: 4, attribute: 5 };
const ATTRIBUTE = { name: 1, i: 3, ints: 8, strings: 9, type: 20 };
const ATTRIBUTE_TYPE = { INT: 2, INTS: 7, STRINGS: 8 };
const TENSOR = { dims: 1, dataType: 2, name: 8, rawData: 9 };
const VALUE_INFO = { name: 1, type: 2 };
const TYPE = { tensorType: 1 };
const TYPE_TENSOR = { elemType: 1, shape: 2 };
const SHAPE = { dim: 1 };
const DIMENSION = { dimValue: 1 };
const DATA_TYPE_FLOAT = 1;

/** IR version 8 with opset 14, which onnxruntime 1.30 loads on every execution provider. */
const IR_VERSION = 8;
const OPSET = 14;

/**
 * Per cell: the ONNX operator, and for each ONNX gate block the Keras gate block it takes.
 * Keras LSTM gates are i,f,c,o and ONNX's are i,o,f,c; GRU is z,r,h in both.
 */
const ONNX_CELLS = {
  LSTM: { opType: 'LSTM', kerasBlockOfOnnxBlock: [0, 3, 1, 2] },
  GRU: { opType: 'GRU', kerasBlockOfOnnxBlock: [0, 1, 2] },
  SimpleRNN: { opType: 'RNN', kerasBlockOfOnnxBlock: [0] },
};

/**
 * Keras [rows, G·H] (x·W form) to ONNX [G·H, rows] (W·x form), with gate blocks reordered.
 * rows is D for the kernel and H for the recurrent kernel.
 */
function toOnnxMatrix(kerasMatrix, rows, H, kerasBlockOfOnnxBlock) {
  const GH = kerasBlockOfOnnxBlock.length * H;
  const out = new Float32Array(GH * rows);
  kerasBlockOfOnnxBlock.forEach((kerasBlock, onnxBlock) => {
    for (let j = 0; j < H; j++) {
      const outRow = (onnxBlock * H + j) * rows;
      const inColumn = kerasBlock * H + j;
      for (let r = 0; r < rows; r++) out[outRow + r] = kerasMatrix[r * GH + inColumn];
    }
  });
  return out;
}

/** ONNX B [1, 2·G·H] = [input bias (Wb), recurrent bias (Rb)], each in ONNX gate order. */
function toOnnxBias(cell, kerasBias, H, kerasBlockOfOnnxBlock) {
  const GH = kerasBlockOfOnnxBlock.length * H;
  const out = new Float32Array(2 * GH);
  // A reset_after GRU's bias is [2, 3H]: row 0 is Wb, row 1 is Rb, as ONNX wants them.
  // Every other Keras cell has one bias [G·H]: it goes into Wb and Rb stays zero.
  const rowCount = cell === 'GRU' ? 2 : 1;
  for (let row = 0; row < rowCount; row++) {
    kerasBlockOfOnnxBlock.forEach((kerasBlock, onnxBlock) => {
      const from = row * GH + kerasBlock * H;
      out.set(kerasBias.subarray(from, from + H), row * GH + onnxBlock * H);
    });
  }
  return out;
}

function tensorProto(name, dims, values) {
  return new ProtoWriter()
    .repeatedVarint(TENSOR.dims, dims)
    .varint(TENSOR.dataType, DATA_TYPE_FLOAT)
    .string(TENSOR.name, name)
    .bytes(TENSOR.rawData, float32LittleEndian(values));
}

function floatValueInfo(name, dims) {
  const shape = new ProtoWriter();
  for (const dim of dims) shape.message(SHAPE.dim, new ProtoWriter().varint(DIMENSION.dimValue, dim));
  const tensorType = new ProtoWriter().varint(TYPE_TENSOR.elemType, DATA_TYPE_FLOAT).message(TYPE_TENSOR.shape, shape);
  return new ProtoWriter()
    .string(VALUE_INFO.name, name)
    .message(VALUE_INFO.type, new ProtoWriter().message(TYPE.tensorType, tensorType));
}

function intAttribute(name, value) {
  return new ProtoWriter().string(ATTRIBUTE.name, name).varint(ATTRIBUTE.type, ATTRIBUTE_TYPE.INT).varint(ATTRIBUTE.i, value);
}

function intsAttribute(name, values) {
  return new ProtoWriter().string(ATTRIBUTE.name, name).varint(ATTRIBUTE.type, ATTRIBUTE_TYPE.INTS).repeatedVarint(ATTRIBUTE.ints, values);
}

function stringsAttribute(name, values) {
  const attribute = new ProtoWriter().string(ATTRIBUTE.name, name).varint(ATTRIBUTE.type, ATTRIBUTE_TYPE.STRINGS);
  for (const value of values) attribute.string(ATTRIBUTE.strings, value);
  return attribute;
}

/**
 * Serialized ModelProto: input X [B, T, D], output Y_h [1, B, H] (the last step's h,
 * which is what a Keras layer with returnSequences false returns; same memory as [B, H]).
 * The recurrent operators' `layout = 1` ([batch, seq, input]) would avoid the Transpose,
 * but onnxruntime's CPU kernels reject it ("Batchwise recurrent operations (layout == 1)
 * are not supported"), so the graph transposes X to [T, B, D] itself: that copy is timed,
 * as our own apply() times copying x into WebAssembly memory.
 */
export function buildOnnxRecurrentModel(cell, weights, { B, T, D, H }) {

  const transpose = new ProtoWriter()
    .string(NODE.input, 'X')
    .string(NODE.output, 'X_time_major')
    .string(NODE.name, 'transpose_0')
    .string(NODE.opType, 'Transpose')
    .message(NODE.attribute, intsAttribute('perm', [1, 0, 2]));

  const node = recurrentNode(cell, H, ['X_time_major', 'W', 'R', 'B'], ['', 'Y_h']);

  const graph = new ProtoWriter()
    .message(GRAPH.node, transpose)
    .message(GRAPH.node, node)
    .string(GRAPH.name, `wasm_rnn_bench_${cell}`);
  recurrentInitializers(graph, cell, weights, D, H);
  graph
    .message(GRAPH.input, floatValueInfo('X', [B, T, D]))
    .message(GRAPH.output, floatValueInfo('Y_h', [1, B, H]));

  return modelProto(graph);
}

/** The recurrent operator node (LSTM, GRU or RNN) with Keras' semantics. */
function recurrentNode(cell, H, inputs, outputs) {
  const { opType } = ONNX_CELLS[cell];
  const node = new ProtoWriter();
  for (const input of inputs) node.string(NODE.input, input);
  for (const output of outputs) node.string(NODE.output, output);
  node.string(NODE.name, `${opType.toLowerCase()}_0`).string(NODE.opType, opType);
  node.message(NODE.attribute, intAttribute('hidden_size', H));
  // Keras reset_after=true applies the reset gate to (h·U + recurrent bias): ONNX's linear_before_reset=1.
  if (cell === 'GRU') node.message(NODE.attribute, intAttribute('linear_before_reset', 1));
  if (cell === 'SimpleRNN') node.message(NODE.attribute, stringsAttribute('activations', ['Tanh']));
  return node;
}

/** W, R and B of a recurrent node, from Keras-layout weights. */
function recurrentInitializers(graph, cell, [kernel, recurrentKernel, bias], D, H) {
  const { kerasBlockOfOnnxBlock } = ONNX_CELLS[cell];
  const G = kerasBlockOfOnnxBlock.length;
  graph
    .message(GRAPH.initializer, tensorProto('W', [1, G * H, D], toOnnxMatrix(kernel.data, D, H, kerasBlockOfOnnxBlock)))
    .message(GRAPH.initializer, tensorProto('R', [1, G * H, H], toOnnxMatrix(recurrentKernel.data, H, H, kerasBlockOfOnnxBlock)))
    .message(GRAPH.initializer, tensorProto('B', [1, 2 * G * H], toOnnxBias(cell, bias.data, H, kerasBlockOfOnnxBlock)));
}

/**
 * A streaming step, onnxruntime's usual pattern for live recurrent models: inputs X [1, B, D]
 * (one time step, time-major) and the states H_in (and C_in for LSTM) [1, B, H]; outputs the
 * new states H_out (C_out). With `dense` ({ kernel [H, N], bias [N], activation: 'sigmoid' |
 * 'linear' }) also OUT = act(H_out · kernel + bias) [1, B, N], the Silero-like head.
 */
export function buildOnnxStreamingModel(cell, weights, { B, D, H }, dense = null) {
  const lstm = cell === 'LSTM';
  const stateInputs = lstm ? ['H_in', 'C_in'] : ['H_in'];
  const stateOutputs = lstm ? ['H_out', 'C_out'] : ['H_out'];
  const graph = new ProtoWriter()
    .message(GRAPH.node, recurrentNode(cell, H, ['X', 'W', 'R', 'B', '', ...stateInputs], ['', ...stateOutputs]));
  if (dense) {
    const N = dense.kernel.shape[1];
    const matmul = new ProtoWriter().string(NODE.input, 'H_out').string(NODE.input, 'DENSE_W').string(NODE.output, 'DENSE_XW')
      .string(NODE.name, 'dense_matmul').string(NODE.opType, 'MatMul');
    const add = new ProtoWriter().string(NODE.input, 'DENSE_XW').string(NODE.input, 'DENSE_B').string(NODE.output, dense.activation === 'sigmoid' ? 'DENSE_PRE' : 'OUT')
      .string(NODE.name, 'dense_bias').string(NODE.opType, 'Add');
    graph.message(GRAPH.node, matmul).message(GRAPH.node, add);
    if (dense.activation === 'sigmoid') {
      graph.message(GRAPH.node, new ProtoWriter().string(NODE.input, 'DENSE_PRE').string(NODE.output, 'OUT').string(NODE.name, 'dense_sigmoid').string(NODE.opType, 'Sigmoid'));
    }
    graph
      .message(GRAPH.initializer, tensorProto('DENSE_W', [H, N], dense.kernel.data))
      .message(GRAPH.initializer, tensorProto('DENSE_B', [N], dense.bias.data));
  }
  graph.string(GRAPH.name, `wasm_rnn_bench_streaming_${cell}`);
  recurrentInitializers(graph, cell, weights, D, H);
  graph.message(GRAPH.input, floatValueInfo('X', [1, B, D]));
  for (const name of stateInputs) graph.message(GRAPH.input, floatValueInfo(name, [1, B, H]));
  for (const name of stateOutputs) graph.message(GRAPH.output, floatValueInfo(name, [1, B, H]));
  if (dense) graph.message(GRAPH.output, floatValueInfo('OUT', [1, B, dense.kernel.shape[1]]));
  return modelProto(graph);
}

function modelProto(graph) {
  return new ProtoWriter()
    .varint(MODEL.irVersion, IR_VERSION)
    .string(MODEL.producerName, 'wasm-rnn-bench')
    .message(MODEL.graph, graph)
    .message(MODEL.opsetImport, new ProtoWriter().string(OPSET_ID.domain, '').varint(OPSET_ID.version, OPSET))
    .finish();
}

/**
 * The CNN-LSTM point: X [B, T, D] -> Conv1D(F, k, valid, relu) -> MaxPooling1D(pool) -> LSTM(H),
 * output Y_h [1, B, H] (Keras' last h). ONNX convolves NCW, so X is transposed to [B, D, T]
 * and the pooled [B, F, T'] to time-major [T', B, F] for the LSTM; the Keras conv kernel
 * (k, D, F) becomes ONNX's W [F, D, k]. The transposes are timed, as our copies are.
 */
export function buildOnnxCnnLstmModel({ kernel, bias }, lstmWeights, { B, T, D, F, k, pool, H }) {
  const W = new Float32Array(F * D * k);
  for (let f = 0; f < F; f++) for (let c = 0; c < D; c++) for (let j = 0; j < k; j++) W[(f * D + c) * k + j] = kernel.data[(j * D + c) * F + f];
  const node = (name, opType, inputs, outputs, attributes = []) => {
    const writer = new ProtoWriter();
    for (const input of inputs) writer.string(NODE.input, input);
    for (const output of outputs) writer.string(NODE.output, output);
    writer.string(NODE.name, name).string(NODE.opType, opType);
    for (const attribute of attributes) writer.message(NODE.attribute, attribute);
    return writer;
  };
  const graph = new ProtoWriter()
    .message(GRAPH.node, node('transpose_in', 'Transpose', ['X'], ['X_ncw'], [intsAttribute('perm', [0, 2, 1])]))
    .message(GRAPH.node, node('conv', 'Conv', ['X_ncw', 'CONV_W', 'CONV_B'], ['CONV'], [intsAttribute('kernel_shape', [k])]))
    .message(GRAPH.node, node('relu', 'Relu', ['CONV'], ['CONV_RELU']))
    .message(GRAPH.node, node('pool', 'MaxPool', ['CONV_RELU'], ['POOLED'], [intsAttribute('kernel_shape', [pool]), intsAttribute('strides', [pool])]))
    .message(GRAPH.node, node('transpose_time', 'Transpose', ['POOLED'], ['POOLED_TIME_MAJOR'], [intsAttribute('perm', [2, 0, 1])]))
    .message(GRAPH.node, recurrentNode('LSTM', H, ['POOLED_TIME_MAJOR', 'W', 'R', 'B'], ['', 'Y_h']))
    .string(GRAPH.name, 'wasm_rnn_bench_cnn_lstm')
    .message(GRAPH.initializer, tensorProto('CONV_W', [F, D, k], W))
    .message(GRAPH.initializer, tensorProto('CONV_B', [F], bias.data));
  recurrentInitializers(graph, 'LSTM', lstmWeights, F, H);
  graph
    .message(GRAPH.input, floatValueInfo('X', [B, T, D]))
    .message(GRAPH.output, floatValueInfo('Y_h', [1, B, H]));
  return modelProto(graph);
}
