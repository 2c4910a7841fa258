// Layers without weights (Dropout, Masking, Concatenate, InputLayer): always
// built, nothing to get, and setWeights accepts only the empty list.
import type { SymbolicTensor } from '../symbolic.js';
import type { Tensor, TensorLike } from '../tensor.js';
import { Layer } from './layer.js';
import { checkWeightList } from './weights.js';

export abstract class WeightlessLayer extends Layer {
  /** Keras' layer.output: the symbolic output of the layer's first call (see Layer.output); always one tensor. */
  override get output(): SymbolicTensor {
    return super.output as SymbolicTensor;
  }

  get built(): boolean {
    return true;
  }

  override get hasWeights(): boolean {
    return false;
  }

  build(): void {
    this.checkNotDisposed('build');
  }

  getWeights(): Tensor[] {
    this.checkNotDisposed('get weights');
    return [];
  }

  setWeights(weights: readonly TensorLike[]): void {
    this.checkNotDisposed('set weights');
    checkWeightList(this.name, weights, [], []);
  }

  countParams(): number {
    this.checkNotDisposed('count parameters');
    return 0;
  }
}
