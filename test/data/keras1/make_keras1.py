#!/usr/bin/python3
"""Writes small Keras 1.x model files (the HDF5 layout Keras 1.1/1.2 save: per-gate recurrent
weights, 4-D Convolution1D kernels) and their expected outputs from a float64 numpy forward pass
written here from Keras 1's definitions, independent of wasm-rnn. Run: /usr/bin/python3 make_keras1.py
"""
import json
import os

import h5py
import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
rng = np.random.default_rng(20261201)


def hard_sigmoid(x):  # Keras 1 (and 2): clip(0.2x + 0.5, 0, 1)
    return np.clip(0.2 * x + 0.5, 0.0, 1.0)


def sigmoid(x):
    return 1.0 / (1.0 + np.exp(-x))


def f32(shape, scale=0.5):
    return (rng.uniform(-scale, scale, size=shape)).astype(np.float32)


def lstm(x, w, go_backwards=False, return_sequences=False):
    """Keras 1 LSTM on per-gate arrays w[gate] = (W, U, b), gates i, c, f, o."""
    B, T, _ = x.shape
    H = w['i'][1].shape[0]
    h = np.zeros((B, H)); c = np.zeros((B, H)); out = []
    steps = range(T - 1, -1, -1) if go_backwards else range(T)
    for t in steps:
        xt = x[:, t, :]
        gate = lambda g: xt @ w[g][0] + h @ w[g][1] + w[g][2]
        i = hard_sigmoid(gate('i')); f = hard_sigmoid(gate('f'))
        c = f * c + i * np.tanh(gate('c'))
        o = hard_sigmoid(gate('o'))
        h = o * np.tanh(c)
        out.append(h)
    return np.stack(out, axis=1) if return_sequences else h


def gru(x, w, return_sequences=False):
    """Keras 1 GRU (reset before the recurrent product), gates z, r, h."""
    B, T, _ = x.shape
    H = w['z'][1].shape[0]
    h = np.zeros((B, H)); out = []
    for t in range(T):
        xt = x[:, t, :]
        z = hard_sigmoid(xt @ w['z'][0] + h @ w['z'][1] + w['z'][2])
        r = hard_sigmoid(xt @ w['r'][0] + h @ w['r'][1] + w['r'][2])
        hh = np.tanh(xt @ w['h'][0] + (r * h) @ w['h'][1] + w['h'][2])
        h = z * h + (1 - z) * hh
        out.append(h)
    return np.stack(out, axis=1) if return_sequences else h


def simple_rnn(x, W, U, b):
    h = np.zeros((x.shape[0], U.shape[0]))
    for t in range(x.shape[1]):
        h = np.tanh(x[:, t, :] @ W + h @ U + b)
    return h


def softmax(z):
    e = np.exp(z - z.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


def gate_weights(D, H, gates):
    return {g: (f32((D, H)), f32((H, H)), f32((H,))) for g in gates}


def gate_arrays(name, w, gates):
    names, arrays = [], []
    for g in gates:
        for part, value in zip(('W', 'U', 'b'), w[g]):
            names.append(f'{name}_{part}_{g}:0'); arrays.append(value)
    return names, arrays


def write(path, version, config, layers, backend=None):
    with h5py.File(os.path.join(HERE, path), 'w') as f:
        f.attrs['keras_version'] = np.bytes_(version)
        if backend is not None:
            f.attrs['backend'] = np.bytes_(backend)
        f.attrs['model_config'] = np.bytes_(json.dumps(config))
        g = f.create_group('model_weights')
        g.attrs['layer_names'] = np.array([n.encode() for n, _, _ in layers])
        for name, names, arrays in layers:
            lg = g.create_group(name)
            lg.attrs['weight_names'] = np.array([n.encode() for n in names]) if names else np.array([], dtype=np.float64)
            for n, a in zip(names, arrays):
                lg.create_dataset(n, data=a)


def expected(path, x, y, dtype='float32'):
    with open(os.path.join(HERE, path), 'w') as f:
        json.dump({
            'inputs': [{'shape': list(x.shape), 'dtype': dtype, 'data': [float(v) for v in x.ravel()]}],
            'outputs': [{'shape': list(y.shape), 'data': [float(v) for v in y.ravel()]}],
            'tolerance': {'abs': 1e-5, 'rel': 1e-4},
        }, f)


def recurrent_config(cls, name, units, **extra):
    config = {'name': name, 'output_dim': units, 'init': 'glorot_uniform', 'inner_init': 'orthogonal',
              'activation': 'tanh', 'inner_activation': 'hard_sigmoid', 'W_regularizer': None, 'U_regularizer': None,
              'b_regularizer': None, 'dropout_W': 0.0, 'dropout_U': 0.0, 'consume_less': 'cpu', 'go_backwards': False,
              'stateful': False, 'unroll': False, 'return_sequences': False, 'trainable': True, 'input_dim': None,
              'input_length': None}
    if cls == 'LSTM':
        config['forget_bias_init'] = 'one'
    if cls == 'SimpleRNN':
        del config['inner_activation']
    config.update(extra)
    return {'class_name': cls, 'config': config}


# 1. Keras 1.1.1: Embedding -> LSTM(seq) -> Dropout(p) -> GRU(seq) -> TimeDistributedDense -> SimpleRNN -> Dense(softmax)
V, T, E, H1, H2, TD, H3, OUT = 11, 6, 5, 4, 3, 2, 3, 2
emb = f32((V, E))
w_lstm = gate_weights(E, H1, 'icfo')
w_gru = gate_weights(H1, H2, 'zrh')
td_W, td_b = f32((H2, TD)), f32((TD,))
rnn_W, rnn_U, rnn_b = f32((TD, H3)), f32((H3, H3)), f32((H3,))
d_W, d_b = f32((H3, OUT)), f32((OUT,))
config = {'class_name': 'Sequential', 'config': [
    {'class_name': 'Embedding', 'config': {'name': 'embedding_1', 'input_dim': V, 'output_dim': E, 'input_length': T, 'init': 'uniform',
                                           'mask_zero': False, 'dropout': 0.0, 'W_regularizer': None, 'activity_regularizer': None,
                                           'W_constraint': None, 'trainable': True, 'batch_input_shape': [None, T], 'input_dtype': 'int32'}},
    recurrent_config('LSTM', 'lstm_1', H1, return_sequences=True),
    {'class_name': 'Dropout', 'config': {'name': 'dropout_1', 'p': 0.3, 'trainable': True}},
    recurrent_config('GRU', 'gru_1', H2, return_sequences=True),
    {'class_name': 'TimeDistributedDense', 'config': {'name': 'timedistributeddense_1', 'output_dim': TD, 'init': 'glorot_uniform',
                                                      'activation': 'linear', 'W_regularizer': None, 'b_regularizer': None,
                                                      'activity_regularizer': None, 'W_constraint': None, 'b_constraint': None,
                                                      'bias': True, 'input_dim': None, 'input_length': None, 'trainable': True}},
    recurrent_config('SimpleRNN', 'simplernn_1', H3),
    {'class_name': 'Dense', 'config': {'name': 'dense_1', 'output_dim': OUT, 'init': 'glorot_uniform', 'activation': 'softmax',
                                       'W_regularizer': None, 'b_regularizer': None, 'activity_regularizer': None, 'W_constraint': None,
                                       'b_constraint': None, 'bias': True, 'input_dim': None, 'trainable': True}},
]}
layers = [('embedding_1', ['embedding_1_W:0'], [emb])]
layers.append(('lstm_1',) + tuple(gate_arrays('lstm_1', w_lstm, 'icfo')))
layers.append(('dropout_1', [], []))
layers.append(('gru_1',) + tuple(gate_arrays('gru_1', w_gru, 'zrh')))
layers.append(('timedistributeddense_1', ['timedistributeddense_1_W:0', 'timedistributeddense_1_b:0'], [td_W, td_b]))
layers.append(('simplernn_1', ['simplernn_1_W:0', 'simplernn_1_U:0', 'simplernn_1_b:0'], [rnn_W, rnn_U, rnn_b]))
layers.append(('dense_1', ['dense_1_W:0', 'dense_1_b:0'], [d_W, d_b]))
write('keras1_recurrent.h5', '1.1.1', config, layers)
ids = rng.integers(0, V, size=(3, T))
x = emb.astype(np.float64)[ids]
x = lstm(x, w_lstm, return_sequences=True)
x = gru(x, w_gru, return_sequences=True)
x = x @ td_W + td_b
x = simple_rnn(x, rnn_W, rnn_U, rnn_b)
expected('keras1_recurrent.json', ids.astype(np.float64), softmax(x @ d_W + d_b), 'int32')

# 2. Keras 1.2.2: Bidirectional(LSTM, concat) -> Dense(sigmoid), forward arrays then backward arrays.
D, T2, H = 3, 5, 4
w_f = gate_weights(D, H, 'icfo'); w_b = gate_weights(D, H, 'icfo')
d_W, d_b = f32((2 * H, 1)), f32((1,))
config = {'class_name': 'Sequential', 'config': [
    {'class_name': 'Bidirectional', 'config': {'name': 'bidirectional_1', 'merge_mode': 'concat', 'trainable': True,
                                               'batch_input_shape': [None, T2, D], 'input_dtype': 'float32',
                                               'layer': recurrent_config('LSTM', 'forward_lstm_1', H, input_dim=D)}},
    {'class_name': 'Dense', 'config': {'name': 'dense_2', 'output_dim': 1, 'init': 'glorot_uniform', 'activation': 'sigmoid',
                                       'W_regularizer': None, 'b_regularizer': None, 'activity_regularizer': None, 'W_constraint': None,
                                       'b_constraint': None, 'bias': True, 'input_dim': None, 'trainable': True}},
]}
fn, fa = gate_arrays('forward_lstm_1', w_f, 'icfo'); bn, ba = gate_arrays('backward_lstm_1', w_b, 'icfo')
write('keras1_bidirectional.h5', '1.2.2', config, [('bidirectional_1', fn + bn, fa + ba), ('dense_2', ['dense_2_W:0', 'dense_2_b:0'], [d_W, d_b])])
x = rng.uniform(-1, 1, size=(2, T2, D)).astype(np.float32)
h = np.concatenate([lstm(x.astype(np.float64), w_f), lstm(x.astype(np.float64), w_b, go_backwards=True)], axis=-1)
expected('keras1_bidirectional.json', x, sigmoid(h @ d_W + d_b))


# 3. Keras 1 Convolution1D (4-D kernels) -> LSTM -> Dense; in the 1.1 layout, and in the older
# (nb_filter, input_dim, filter_length, 1) layout from a Theano-trained 1.2 file, whose kernel Keras 2 flips.
def conv_file(path, version, backend, legacy_layout):
    D, T, F, K, H = 2, 7, 4, 3, 3
    kernel = f32((K, D, F)); bias = f32((F,))
    w = gate_weights(F, H, 'icfo'); d_W, d_b = f32((H, 1)), f32((1,))
    stored = kernel[:, None, :, :]  # (filter_length, 1, input_dim, nb_filter)
    if legacy_layout:
        stored = np.transpose(stored, (3, 2, 0, 1))  # (nb_filter, input_dim, filter_length, 1)
    config = {'class_name': 'Sequential', 'config': [
        {'class_name': 'Convolution1D', 'config': {'name': 'convolution1d_1', 'nb_filter': F, 'filter_length': K, 'init': 'uniform',
                                                   'activation': 'relu', 'border_mode': 'valid', 'subsample_length': 1, 'bias': True,
                                                   'W_regularizer': None, 'b_regularizer': None, 'activity_regularizer': None,
                                                   'W_constraint': None, 'b_constraint': None, 'input_dim': D, 'input_length': T,
                                                   'trainable': True}},
        recurrent_config('LSTM', 'lstm_2', H),
        {'class_name': 'Dense', 'config': {'name': 'dense_3', 'output_dim': 1, 'activation': 'linear', 'bias': True, 'trainable': True,
                                           'init': 'glorot_uniform', 'input_dim': None}},
    ]}
    la, lb = gate_arrays('lstm_2', w, 'icfo')
    write(path + '.h5', version, config, [('convolution1d_1', ['convolution1d_1_W:0', 'convolution1d_1_b:0'], [stored, bias]),
                                          ('lstm_2', la, lb), ('dense_3', ['dense_3_W:0', 'dense_3_b:0'], [d_W, d_b])], backend)
    # What Keras 2 computes: correlation (TensorFlow) with the kernel, flipped first when Theano trained it.
    used = kernel[::-1] if backend == 'theano' else kernel
    x = rng.uniform(-1, 1, size=(2, T, D)).astype(np.float32)
    xs = x.astype(np.float64)
    conv = np.stack([sum(xs[:, t + j, :] @ used[j] for j in range(K)) for t in range(T - K + 1)], axis=1) + bias
    h = lstm(np.maximum(conv, 0), w)
    expected(path + '.json', x, h @ d_W + d_b)


conv_file('keras1_conv1d', '1.1.1', None, False)
conv_file('keras1_conv1d_theano', '1.2.2', 'theano', True)

# 4. Keras 1 BatchNormalization in mode 2 (batch statistics even at inference): no Keras 2 equivalent.
config = {'class_name': 'Sequential', 'config': [
    {'class_name': 'BatchNormalization', 'config': {'name': 'batchnormalization_1', 'mode': 2, 'axis': -1, 'epsilon': 0.001,
                                                    'momentum': 0.99, 'beta_init': 'zero', 'gamma_init': 'one', 'trainable': True,
                                                    'batch_input_shape': [None, 3], 'input_dtype': 'float32'}},
]}
names = [f'batchnormalization_1_{n}:0' for n in ('gamma', 'beta', 'running_mean', 'running_std')]
write('keras1_batchnorm_mode2.h5', '1.1.1', config, [('batchnormalization_1', names, [f32((3,)) for _ in names])])

# 5. Keras 1.2.2: the advanced activations and the time-axis layers: ZeroPadding1D with a
# {left_pad, right_pad} padding, LeakyReLU(alpha), UpSampling1D(length), Cropping1D, PReLU (alphas
# of the input's shape), ELU(alpha) -> Flatten -> Dense.
D, T = 2, 4
steps = ((T + 3) * 2) - 3
alphas = f32((steps, D), 1.0)
d_W, d_b = f32((steps * D, 2)), f32((2,))
config = {'class_name': 'Sequential', 'config': [
    {'class_name': 'ZeroPadding1D', 'config': {'name': 'zeropadding1d_1', 'padding': {'left_pad': 2, 'right_pad': 1}, 'trainable': True,
                                               'batch_input_shape': [None, T, D], 'input_dtype': 'float32'}},
    {'class_name': 'LeakyReLU', 'config': {'name': 'leakyrelu_1', 'alpha': 0.1, 'trainable': True}},
    {'class_name': 'UpSampling1D', 'config': {'name': 'upsampling1d_1', 'length': 2, 'trainable': True}},
    {'class_name': 'Cropping1D', 'config': {'name': 'cropping1d_1', 'cropping': [1, 2], 'trainable': True}},
    {'class_name': 'PReLU', 'config': {'name': 'prelu_1', 'init': 'zero', 'trainable': True}},
    {'class_name': 'ELU', 'config': {'name': 'elu_1', 'alpha': 0.5, 'trainable': True}},
    {'class_name': 'Flatten', 'config': {'name': 'flatten_1', 'trainable': True}},
    {'class_name': 'Dense', 'config': {'name': 'dense_4', 'output_dim': 2, 'init': 'glorot_uniform', 'activation': 'linear',
                                       'W_regularizer': None, 'b_regularizer': None, 'activity_regularizer': None, 'W_constraint': None,
                                       'b_constraint': None, 'bias': True, 'input_dim': None, 'trainable': True}},
]}
write('keras1_activations_time.h5', '1.2.2', config, [
    ('zeropadding1d_1', [], []), ('leakyrelu_1', [], []), ('upsampling1d_1', [], []), ('cropping1d_1', [], []),
    ('prelu_1', ['prelu_1_alphas:0'], [alphas]), ('elu_1', [], []), ('flatten_1', [], []),
    ('dense_4', ['dense_4_W:0', 'dense_4_b:0'], [d_W, d_b]),
])
x = rng.uniform(-2, 2, size=(3, T, D)).astype(np.float32)
h = np.pad(x.astype(np.float64), ((0, 0), (2, 1), (0, 0)))
h = np.where(h >= 0, h, 0.1 * h)
h = np.repeat(h, 2, axis=1)[:, 1:-2, :]
h = np.maximum(h, 0) - alphas * np.maximum(-h, 0)
h = np.where(h > 0, h, 0.5 * np.expm1(h))
expected('keras1_activations_time.json', x, h.reshape(3, -1) @ d_W + d_b)
