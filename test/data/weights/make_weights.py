#!/usr/bin/python3
"""Writes weights-only files as Keras saves them (h5py, no Keras): a tf.keras 2 `save_weights`
legacy HDF5, a Keras 3 `.weights.h5`, files that do not fit the model, and a `.keras` archive of a
model saved before it was built (no weights). The weights are also written as JSON so the tests
can check the loaded values exactly. Run: /usr/bin/python3 make_weights.py
"""
import io
import json
import os
import zipfile

import h5py
import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
rng = np.random.default_rng(17)

# The model the tests build in code: LSTM(3) on (None, 5, 2) -> Dense(1).
D, H = 2, 3
weights = {
    'lstm': [rng.uniform(-0.5, 0.5, (D, 4 * H)), rng.uniform(-0.5, 0.5, (H, 4 * H)), rng.uniform(-0.5, 0.5, (4 * H,))],
    'dense': [rng.uniform(-0.5, 0.5, (H, 1)), rng.uniform(-0.5, 0.5, (1,))],
}
weights = {k: [w.astype(np.float32) for w in v] for k, v in weights.items()}
with open(os.path.join(HERE, 'lstm_dense.json'), 'w') as f:
    json.dump({k: [{'shape': list(w.shape), 'data': [float(x) for x in w.ravel()]} for w in v] for k, v in weights.items()}, f)

NAMES = {'lstm': ['kernel:0', 'recurrent_kernel:0', 'bias:0'], 'dense': ['kernel:0', 'bias:0']}


def legacy(path, layers, version='2.10.0'):
    """tf.keras 2 save_weights('x.h5'): root layer_names, per-layer weight_names, datasets nested by name."""
    with h5py.File(os.path.join(HERE, path), 'w') as f:
        f.attrs['backend'] = 'tensorflow'
        f.attrs['keras_version'] = version
        f.attrs['layer_names'] = np.array([name.encode() for name, _ in layers])
        for name, arrays in layers:
            g = f.create_group(name)
            wn = [f'{name}/{n}' for n in NAMES.get(name.split('_')[0], [f'w{i}:0' for i in range(len(arrays))])[:len(arrays)]]
            g.attrs['weight_names'] = np.array([n.encode() for n in wn]) if wn else np.array([], dtype=np.float64)
            for n, a in zip(wn, arrays):
                g.create_dataset(n, data=a)


# The model's layers are named lstm_7 / dense_7 in the file: legacy files pair by order, not name.
legacy('legacy_weights.h5', [('input_1', []), ('lstm_7', weights['lstm']), ('dropout_3', []), ('dense_7', weights['dense'])])
legacy('legacy_three_layers.h5', [('lstm_7', weights['lstm']), ('dense_7', weights['dense']), ('dense_8', weights['dense'])])
wide = [rng.uniform(-0.5, 0.5, s).astype(np.float32) for s in [(D, 16), (4, 16), (16,)]]
legacy('legacy_wide_lstm.h5', [('lstm_7', wide), ('dense_7', weights['dense'])])


def keras3(path_or_buffer, layers):
    """Keras 3 save_weights('x.weights.h5'): layers/<snake_case class>[_n]/(cell/)vars/<i>, top-level vars."""
    with h5py.File(path_or_buffer, 'w') as f:
        f.create_group('vars')
        for path, arrays in layers:
            g = f.create_group(path)
            for i, a in enumerate(arrays):
                g.create_dataset(str(i), data=a)
        f.create_group('optimizer/vars')


keras3(os.path.join(HERE, 'keras3.weights.h5'), [('layers/lstm/vars', []), ('layers/lstm/cell/vars', weights['lstm']),
                                                  ('layers/dense/vars', weights['dense'])])

# A Keras 3 Sequential saved before it was built: no input shape, no build_config, empty vars groups.
config = {'module': 'keras', 'class_name': 'Sequential', 'registered_name': None, 'config': {
    'name': 'sequential', 'trainable': True, 'dtype': 'float32', 'layers': [
        {'module': 'keras.layers', 'class_name': 'Embedding', 'registered_name': None,
         'config': {'name': 'embedding', 'trainable': True, 'input_dim': 5000, 'output_dim': 100, 'mask_zero': False}},
        {'module': 'keras.layers', 'class_name': 'LSTM', 'registered_name': None,
         'config': {'name': 'lstm', 'trainable': True, 'units': 8, 'return_sequences': False}},
        {'module': 'keras.layers', 'class_name': 'Dense', 'registered_name': None,
         'config': {'name': 'dense', 'trainable': True, 'units': 1, 'activation': 'sigmoid'}},
    ]}}
buffer = io.BytesIO()
keras3(buffer, [('layers/embedding/vars', []), ('layers/lstm/vars', []), ('layers/lstm/cell/vars', []), ('layers/dense/vars', [])])
with zipfile.ZipFile(os.path.join(HERE, 'unbuilt.keras'), 'w', zipfile.ZIP_STORED) as z:
    z.writestr('metadata.json', json.dumps({'keras_version': '3.9.2', 'date_saved': '2026-01-01@00:00:00'}))
    z.writestr('config.json', json.dumps(config))
    z.writestr('model.weights.h5', buffer.getvalue())
