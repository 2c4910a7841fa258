// Keras 3 saving-library addressing, checked on models built in code: layers
// are filed by snake_case class name de-duplicated in model order, and nested
// weights sit in cell / forward_layer / backward_layer / layer.
import { beforeAll, describe, expect, it } from 'vitest';
import { Bidirectional, Dense, Dropout, GRU, Input, LSTM, Model, Sequential, SimpleRNN, TimeDistributed, Embedding, ready, type SymbolicTensor } from '../../dist/index.js';
import { layerPaths, toSnakeCase, varGroups } from '../../dist/io/saving-lib.js';

beforeAll(async () => {
  await ready();
});

describe('Keras 3 saving-library weight paths', () => {
  it('snake_cases class names as keras.src.utils.naming does', () => {
    expect(['GRU', 'LSTM', 'SimpleRNN', 'TimeDistributed', 'Bidirectional', 'InputLayer', 'Embedding', 'Dense'].map(toSnakeCase))
      .toEqual(['gru', 'lstm', 'simple_rnn', 'time_distributed', 'bidirectional', 'input_layer', 'embedding', 'dense']);
  });

  it('numbers repeated classes in model order, whatever the layer names', () => {
    const model = new Sequential({
      layers: [
        new Embedding({ inputDim: 20, outputDim: 4, name: 'tokens', inputShape: [7] }),
        new GRU({ units: 3, returnSequences: true, name: 'second_gru_in_name_only_1' }),
        new Bidirectional(new LSTM({ units: 2, returnSequences: true })),
        new Dropout({ rate: 0.5 }),
        new GRU({ units: 3, returnSequences: true, name: 'gru' }),
        new TimeDistributed(new Dense({ units: 5 })),
        new SimpleRNN({ units: 2 }),
        new Dense({ units: 1 }),
      ],
    });
    expect([...layerPaths(model.layers, 'layers').values()]).toEqual([
      'layers/embedding', 'layers/gru', 'layers/bidirectional', 'layers/dropout', 'layers/gru_1',
      'layers/time_distributed', 'layers/simple_rnn', 'layers/dense',
    ]);
  });

  it('puts recurrent weights in the cell, Bidirectional forward before backward, TimeDistributed in layer', () => {
    expect(varGroups(new GRU({ units: 2 }), 'layers/gru')).toEqual(['layers/gru/vars', 'layers/gru/cell/vars']);
    expect(varGroups(new Bidirectional(new LSTM({ units: 2 })), 'layers/bidirectional')).toEqual([
      'layers/bidirectional/vars',
      'layers/bidirectional/forward_layer/vars', 'layers/bidirectional/forward_layer/cell/vars',
      'layers/bidirectional/backward_layer/vars', 'layers/bidirectional/backward_layer/cell/vars',
    ]);
    expect(varGroups(new TimeDistributed(new Dense({ units: 2 })), 'layers/time_distributed')).toEqual([
      'layers/time_distributed/vars', 'layers/time_distributed/layer/vars',
    ]);
  });

  it('counts the input layers of a functional model (model.layers lists them in Keras 3)', () => {
    const left = Input({ shape: [5, 3], name: 'left' });
    const right = Input({ shape: [5, 3], name: 'right' });
    const a = new LSTM({ units: 2 }).apply(left) as SymbolicTensor;
    const b = new LSTM({ units: 2, goBackwards: true }).apply(right) as SymbolicTensor;
    const model = new Model({ inputs: [left, right], outputs: [a, b] });
    expect([...layerPaths(model.layers, 'layers').values()]).toEqual(['layers/input_layer', 'layers/input_layer_1', 'layers/lstm', 'layers/lstm_1']);
  });
});
