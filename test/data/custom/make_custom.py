#!/usr/bin/python3
"""Writes a Keras 2 (2.2.4 layout) .h5 whose model uses a user-code attention layer, the one many
notebooks define (a score tanh(x.W + b) per step, softmax over time, the weighted sum of the steps),
with its expected outputs from a float64 numpy forward pass. Run: /usr/bin/python3 make_custom.py
"""
import json
import os

import h5py
import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
rng = np.random.default_rng(5)
T, D, H, OUT = 6, 3, 4, 2


def f32(shape):
    return rng.uniform(-0.6, 0.6, shape).astype(np.float32)


kernel, recurrent, bias = f32((D, 4 * H)), f32((H, 4 * H)), f32((4 * H,))
att_w, att_b = f32((H, 1)), f32((T, 1))
dense_w, dense_b = f32((H, OUT)), f32((OUT,))
config = {'class_name': 'Sequential', 'config': {'name': 'sequential_1', 'layers': [
    {'class_name': 'LSTM', 'config': {'name': 'lstm_1', 'trainable': True, 'batch_input_shape': [None, T, D], 'dtype': 'float32',
                                      'return_sequences': True, 'return_state': False, 'go_backwards': False, 'stateful': False,
                                      'unroll': False, 'units': H, 'activation': 'tanh', 'recurrent_activation': 'sigmoid',
                                      'use_bias': True, 'unit_forget_bias': True, 'dropout': 0.0, 'recurrent_dropout': 0.0,
                                      'implementation': 1}},
    {'class_name': 'AttentionLayer', 'config': {'name': 'attention_layer_1', 'trainable': True}},
    {'class_name': 'Dense', 'config': {'name': 'dense_1', 'trainable': True, 'units': OUT, 'activation': 'softmax', 'use_bias': True}},
]}}
with h5py.File(os.path.join(HERE, 'lstm_attention.h5'), 'w') as f:
    f.attrs['keras_version'] = np.bytes_('2.2.4')
    f.attrs['backend'] = np.bytes_('tensorflow')
    f.attrs['model_config'] = np.bytes_(json.dumps(config))
    g = f.create_group('model_weights')
    layers = [('lstm_1', ['kernel:0', 'recurrent_kernel:0', 'bias:0'], [kernel, recurrent, bias]),
              ('attention_layer_1', ['att_weight:0', 'att_bias:0'], [att_w, att_b]),
              ('dense_1', ['kernel:0', 'bias:0'], [dense_w, dense_b])]
    g.attrs['layer_names'] = np.array([n.encode() for n, _, _ in layers])
    for name, names, arrays in layers:
        lg = g.create_group(name)
        lg.attrs['weight_names'] = np.array([f'{name}/{n}'.encode() for n in names])
        for n, a in zip(names, arrays):
            lg.create_dataset(f'{name}/{n}', data=a)

sigmoid = lambda z: 1 / (1 + np.exp(-z))
x = rng.uniform(-1, 1, (3, T, D)).astype(np.float32)
h = np.zeros((3, H)); c = np.zeros((3, H)); seq = []
for t in range(T):
    z = x[:, t, :].astype(np.float64) @ kernel + h @ recurrent + bias
    i, fg, g_, o = sigmoid(z[:, :H]), sigmoid(z[:, H:2 * H]), np.tanh(z[:, 2 * H:3 * H]), sigmoid(z[:, 3 * H:])
    c = fg * c + i * g_
    h = o * np.tanh(c)
    seq.append(h)
seq = np.stack(seq, axis=1)                       # (B, T, H)
e = np.tanh(seq @ att_w + att_b)                  # (B, T, 1)
a = np.exp(e - e.max(axis=1, keepdims=True)); a /= a.sum(axis=1, keepdims=True)
context = (seq * a).sum(axis=1)                   # (B, H)
z = context @ dense_w + dense_b
y = np.exp(z - z.max(axis=-1, keepdims=True)); y /= y.sum(axis=-1, keepdims=True)
with open(os.path.join(HERE, 'lstm_attention.json'), 'w') as f:
    json.dump({'inputs': [{'shape': list(x.shape), 'data': [float(v) for v in x.ravel()]}],
               'outputs': [{'shape': list(y.shape), 'data': [float(v) for v in y.ravel()]}],
               'tolerance': {'abs': 1e-5, 'rel': 1e-4}}, f)
