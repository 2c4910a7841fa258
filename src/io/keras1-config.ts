// Keras 1.x model configs in Keras 2's spelling, as Keras 2 reads them (keras/legacy/interfaces.py):
// renamed classes (Convolution1D -> Conv1D, ...) and keys (output_dim -> units, p -> rate, ...).
// Keys with no effect (init, consume_less, ...) are dropped; the weight and activity regularizers and
// the constraints become Keras 2's (W_regularizer -> kernel_regularizer, ...), so fine-tuning keeps them.
import { ModelFileError } from './errors.js';
import type { ConfigLocation } from './model-config.js';
import { quoted } from '../errors.js';

type Config = Record<string, unknown>;

/** Whether a file's keras_version says Keras 1 (Keras 2 assumes Keras 1 when the attribute is missing; this loader does not). */
export function isKeras1(version: string | undefined): boolean {
  return version !== undefined && /^\s*1\./.test(version);
}

const IGNORED = new Set([
  'init', 'inner_init', 'W_regularizer', 'U_regularizer', 'b_regularizer', 'W_constraint', 'U_constraint', 'b_constraint',
  'activity_regularizer', 'beta_init', 'gamma_init', 'beta_regularizer', 'gamma_regularizer', 'consume_less', 'input_dtype',
  'forget_bias_init', 'dropout_W', 'dropout_U', 'dim_ordering', 'mode', 'concat_axis', 'dot_axes', 'layers', 'output_shape',
  'output_shape_type', 'output_mask', 'output_mask_type', 'arguments', 'mode_type', 'atrous_rate', 'nb_row', 'nb_col',
  'kernel_dim1', 'kernel_dim2', 'kernel_dim3', 'subsample', 'subsample_length', 'filter_length', 'nb_filter', 'pool_length',
  'stride', 'border_mode', 'bias', 'output_dim', 'inner_activation', 'p',
]);

/** Keras 1's weight prefixes as Keras 2 names them (Embedding's W is its embeddings). */
const WEIGHT_PREFIXES: Record<string, string> = { W: 'kernel', U: 'recurrent', b: 'bias', gamma: 'gamma', beta: 'beta' };

/** Keras 1's L1L2Regularizer (ActivityRegularizer) { name, l1, l2 } as Keras 2's L1L2; anything else (none, an unknown class) as null. */
function keras1Regularizer(value: unknown): Config | null {
  if (typeof value !== 'object' || value === null) return null;
  const { name, l1, l2 } = value as Config;
  return name === 'L1L2Regularizer' || name === 'WeightRegularizer' || name === 'ActivityRegularizer' ? { class_name: 'L1L2', config: { l1: l1 ?? 0, l2: l2 ?? 0 } } : null;
}

/** Keras 1's MaxNorm { m, axis }, NonNeg, UnitNorm { axis }, MinMaxNorm { low, high, rate, axis } as Keras 2's; else null. */
function keras1Constraint(value: unknown): Config | null {
  if (typeof value !== 'object' || value === null) return null;
  const c = value as Config;
  const axis = c.axis ?? 0;
  switch (c.name) {
    case 'MaxNorm': return { class_name: 'MaxNorm', config: { max_value: c.m ?? 2, axis } };
    case 'NonNeg': return { class_name: 'NonNeg', config: {} };
    case 'UnitNorm': return { class_name: 'UnitNorm', config: { axis } };
    case 'MinMaxNorm': return { class_name: 'MinMaxNorm', config: { min_value: c.low ?? 0, max_value: c.high ?? 1, rate: c.rate ?? 1, axis } };
    default: return null;
  }
}

/**
 * The Keras 2 regularizer and constraint keys of a Keras 1 layer config. Constraints are kept only
 * where the weight's layout (which their axis refers to) is Keras 2's: not on Keras 1's 4-D conv kernels.
 */
function weightRules(className: string, old: Config): Config {
  const out: Config = {};
  const activity = keras1Regularizer(old.activity_regularizer);
  if (activity) out.activity_regularizer = activity;
  for (const [prefix, prefix2] of Object.entries(WEIGHT_PREFIXES)) {
    const name = className === 'Embedding' && prefix === 'W' ? 'embeddings' : prefix2;
    const regularizer = keras1Regularizer(old[`${prefix}_regularizer`]);
    if (regularizer) out[`${name}_regularizer`] = regularizer;
    const constraint = className.startsWith('Conv') ? null : keras1Constraint(old[`${prefix}_constraint`]);
    if (constraint) out[`${name}_constraint`] = constraint;
  }
  return out;
}

/** Straight renames, every class. */
const RENAMES: Record<string, string> = {
  output_dim: 'units', inner_activation: 'recurrent_activation', p: 'rate', border_mode: 'padding', bias: 'use_bias',
  nb_filter: 'filters', subsample_length: 'strides', subsample: 'strides', pool_length: 'pool_size', stride: 'strides',
  atrous_rate: 'dilation_rate',
};

const CLASS_RENAMES: Record<string, string> = {
  Convolution1D: 'Conv1D', AtrousConvolution1D: 'Conv1D', Convolution2D: 'Conv2D', AtrousConvolution2D: 'Conv2D', Convolution3D: 'Conv3D',
};

/** Keras 1's Merge modes as the Keras 2 merge layers. */
const MERGE_CLASSES: Record<string, string> = { concat: 'Concatenate', sum: 'Add', mul: 'Multiply', ave: 'Average', max: 'Maximum', dot: 'Dot' };

const RECURRENT = ['SimpleRNN', 'LSTM', 'GRU'];

/** A copy of a Keras 1 model config (`{ class_name, config }`) with every layer in Keras 2's spelling. */
export function upgradeKeras1Config(raw: unknown, where: ConfigLocation): unknown {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return raw;
  const root = JSON.parse(JSON.stringify(raw)) as Config;
  const inner = root.config;
  const layers = Array.isArray(inner) ? inner : typeof inner === 'object' && inner !== null ? (inner as Config).layers : undefined;
  if (!Array.isArray(layers)) return root;
  layers.forEach((spec, i) => {
    if (typeof spec === 'object' && spec !== null && !Array.isArray(spec)) layers[i] = upgradeLayer(spec as Config, where);
  });
  return root;
}

function upgradeLayer(spec: Config, where: ConfigLocation): Config {
  const className = spec.class_name;
  const config = spec.config;
  if (typeof className !== 'string' || typeof config !== 'object' || config === null || Array.isArray(config)) return spec;
  const old = config as Config;
  const name = typeof old.name === 'string' ? old.name : undefined;
  if (className === 'TimeDistributedDense') {
    // Keras 1's TimeDistributedDense is TimeDistributed(Dense) with the same W, b.
    const dense = upgradeConfig('Dense', old, where, name);
    const batchInputShape = dense.batch_input_shape ?? (typeof old.input_dim === 'number' ? [null, old.input_length ?? null, old.input_dim] : undefined);
    const wrapper: Config = { name, trainable: old.trainable ?? true, layer: { class_name: 'Dense', config: withoutShape(dense) } };
    if (batchInputShape !== undefined) wrapper.batch_input_shape = batchInputShape;
    return { ...spec, class_name: 'TimeDistributed', config: wrapper };
  }
  if (className === 'Merge') {
    const mode = typeof old.mode === 'string' ? old.mode : 'sum';
    const merged = MERGE_CLASSES[mode];
    if (!merged || Array.isArray(old.layers)) {
      // A Merge of nested models, or of a mode Keras 2 has no layer for: report it by its own class.
      return { ...spec, class_name: Array.isArray(old.layers) ? 'Merge' : `Merge(mode=${quoted(mode)})` };
    }
    const config2: Config = { name, trainable: old.trainable ?? true };
    if (merged === 'Concatenate') config2.axis = old.concat_axis ?? -1;
    if (merged === 'Dot') config2.axes = old.dot_axes ?? -1;
    return { ...spec, class_name: merged, config: config2 };
  }
  const renamed = CLASS_RENAMES[className] ?? className;
  const config2 = upgradeConfig(renamed, old, where, name);
  if ((className === 'Bidirectional' || className === 'TimeDistributed') && typeof old.layer === 'object' && old.layer !== null) {
    config2.layer = upgradeLayer(old.layer as Config, where);
  }
  return { ...spec, class_name: renamed, config: config2 };
}

function upgradeConfig(className: string, old: Config, where: ConfigLocation, name: string | undefined): Config {
  const config: Config = {};
  for (const [key, value] of Object.entries(old)) {
    // Embedding kept output_dim; everywhere else it became units.
    if (key === 'output_dim' && className === 'Embedding') config.output_dim = value;
    else if (key in RENAMES) config[RENAMES[key]] = value;
    else if (!IGNORED.has(key)) config[key] = value;
  }
  Object.assign(config, weightRules(className, old));
  if (className === 'Conv1D') {
    if (old.filter_length !== undefined) config.kernel_size = old.filter_length;
    if (old.atrous_rate !== undefined) config.dilation_rate = old.atrous_rate;
  }
  if (className === 'Conv2D') {
    if (old.nb_row !== undefined || old.nb_col !== undefined) config.kernel_size = [old.nb_row, old.nb_col];
  }
  if (className === 'Conv3D') {
    if (old.kernel_dim1 !== undefined) config.kernel_size = [old.kernel_dim1, old.kernel_dim2, old.kernel_dim3];
  }
  if ('dim_ordering' in old) {
    const ordering = old.dim_ordering;
    if (ordering === 'th') config.data_format = 'channels_first';
    else if (ordering === 'tf' || ordering === 'default') config.data_format = 'channels_last';
  }
  // Keras 1's UpSampling1D(length) is Keras 2's UpSampling1D(size).
  if (className === 'UpSampling1D' && old.length !== undefined) {
    config.size = old.length;
    delete config.length;
  }
  if (className === 'BatchNormalization' && old.mode !== undefined && old.mode !== 0) {
    // Modes 1 and 2 normalise with the batch's own statistics even at inference: no Keras 2 layer does that.
    throw new ModelFileError(`is a Keras 1 BatchNormalization with mode ${quoted(old.mode)}; only mode 0 (feature-wise, moving statistics at inference) has a Keras 2 equivalent`, { ...where, layer: name });
  }
  if (RECURRENT.includes(className)) {
    if (className === 'LSTM') config.unit_forget_bias = old.forget_bias_init === 'one';
    // Keras 1's GRU is the reset-before form, which Keras 2 writes as reset_after: false.
    if (className === 'GRU') config.reset_after = false;
  }
  // Keras 1's input_dim / input_length on a convolution meant input_shape (input_length, input_dim).
  if (className === 'Conv1D' && config.batch_input_shape === undefined && typeof old.input_dim === 'number') {
    config.batch_input_shape = [null, old.input_length ?? null, old.input_dim];
  }
  if (className === 'Conv1D') {
    delete config.input_dim;
    delete config.input_length;
  }
  return config;
}

function withoutShape(config: Config): Config {
  const out = { ...config };
  for (const key of ['batch_input_shape', 'input_shape', 'input_dim', 'input_length']) delete out[key];
  return out;
}
