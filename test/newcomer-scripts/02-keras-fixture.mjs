// A Keras layer rebuilt from its get_config(), with its get_weights(), gives Keras' outputs
// (../shared/fixtures): what a user does with weights exported from a notebook.
import { ready, layerFromConfig, Tensor } from 'wasm-rnn';
import { assert, close, shared } from './check.mjs';

await ready();
for (const name of ['lstm_seq_state', 'gru_last_state', 'bidirectional_lstm_mask_concat_seq']) {
  const fixture = shared(`fixtures/${name}.json`);
  const layer = layerFromConfig(fixture.layer);
  const x = new Tensor(fixture.inputs.x.data, fixture.inputs.x.shape);
  layer.build(x.shape);
  layer.setWeights(fixture.weights.map((w) => new Tensor(w.data, w.shape)));
  const options = fixture.inputs.mask ? { mask: new Tensor(fixture.inputs.mask.data, fixture.inputs.mask.shape) } : {};
  const outputs = [layer.apply(x, options)].flat();
  assert.equal(outputs.length, fixture.expected.length, name);
  fixture.expected.forEach((e, i) => close(outputs[i], e, fixture.tolerance, `${name} ${e.name}`));
}
