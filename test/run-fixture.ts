// A shared fixture through the public path a user takes: layerFromConfig -> build -> setWeights -> call.
import { layerFromConfig, tensor, type Tensor, type KerasLayerSpec } from '../dist/index.js';
import type { Fixture } from './fixtures.js';

/** A fixture's layer (or `spec` in its place) through layerFromConfig -> build -> setWeights -> call. */
export function runFixture(fixture: Fixture, spec: KerasLayerSpec = fixture.layer as KerasLayerSpec): Tensor[] {
  const kerasVersion = fixture.hard_sigmoid_variant === 'keras2' ? 2 : 3;
  const layer = layerFromConfig(spec, { kerasVersion });
  const x = tensor(fixture.inputs.x.data, fixture.inputs.x.shape);
  layer.build(x.shape);
  layer.setWeights(fixture.weights.map((w) => tensor(w.data, w.shape)));
  const outputs = layer.call(x, {
    mask: fixture.inputs.mask ? tensor(fixture.inputs.mask.data, fixture.inputs.mask.shape) : undefined,
    initialState: fixture.inputs.initial_state?.map((s) => tensor(s.data, s.shape)),
  });
  layer.dispose();
  return outputs;
}
