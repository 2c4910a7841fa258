# Writes test/data/numpy-print.json: how numpy prints float32 arrays (np.array2string with
# separator ', ', numpy's defaults), wrapped as Tensor(<array>, shape=(...)) with the shape placed
# as numpy's repr places dtype=. Run: python3 test/data/numpy-print.py > test/data/numpy-print.json
import json
import numpy as np


def expected(a):
    prefix = 'Tensor('
    body = np.array2string(a, separator=', ', prefix=prefix, suffix=',')
    shape = 'shape=' + (f'({a.shape[0]},)' if a.ndim == 1 else '(' + ', '.join(map(str, a.shape)) + ')') + ')'
    last = len(body) - (body.rfind('\n') + 1)
    spacer = '\n' + ' ' * len(prefix) if last + len(prefix) + len(shape) + 1 > 75 else ' '
    return prefix + body + ',' + spacer + shape


rng = np.random.default_rng(13)
cases = []


def add(name, a, gen=None):
    a = np.asarray(a, dtype=np.float32)
    case = {'name': name, 'shape': list(a.shape), 'expected': expected(a)}
    if gen:
        case['generator'] = gen
    else:
        case['values'] = [None if np.isnan(v) else (str(v) if np.isinf(v) else float(v)) for v in a.ravel().tolist()]
    cases.append(case)


add('2x2 decimals', [[0.1, 0.2], [0.3, 0.4]])
add('integers', [[1, 2], [3, 4]])
add('nan and -inf', [0.5, 1, -2.25, np.nan, -np.inf])
add('scalar', 1.5)
add('empty', np.zeros((0, 3)))
add('large and small: scientific', [1e9, 1])
add('below 1e-4: scientific', [0.00012345678, 1])
add('random normal (3, 4, 5)', rng.standard_normal((3, 4, 5)))
add('long row wraps at 75 columns', rng.uniform(-1, 1, 30))
add('LSTM-like output (1, 4, 3)', np.tanh(rng.standard_normal((1, 4, 3))))
add('ratio over 1000: scientific', [0.001, 2.5, 1234.5])
add('2000 values i/7 in (2, 10, 100): summarized', np.arange(2000, dtype=np.float32).reshape(2, 10, 100) / np.float32(7), 'div7')
add('1001 values i/2: summarized row', np.arange(1001, dtype=np.float32) / np.float32(2), 'div2')
print(json.dumps(cases))
