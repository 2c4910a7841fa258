// The public TypeScript surface is deliberate: the .d.ts files reachable from
// the entry points equal the committed snapshot, and show no internals.
// After an intended API change: node scripts/public-surface.mjs --update
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { losses, metrics } from '../dist/index.js';

describe('public surface', () => {
  const surface = execFileSync(process.execPath, ['scripts/public-surface.mjs'], { encoding: 'utf8' });

  it('matches test/surface/public-surface.txt (run scripts/public-surface.mjs --update after a deliberate change)', () => {
    expect(surface).toBe(readFileSync(new URL('surface/public-surface.txt', import.meta.url), 'utf8'));
  });

  const files = surface.split('\n').filter((line) => line.startsWith('## ')).map((line) => line.slice(3));

  it('reaches no kernel internals: of src/kernels only ready() and initSync() are public', () => {
    const internal = files.filter((file) => file.startsWith('dist/kernels/') && !['dist/kernels/module.d.ts', 'dist/kernels/init-sync.d.ts'].includes(file));
    expect(internal).toEqual([]);
  });

  it('reaches no file parsing module: of src/io only the loaders (loadModel, loadWeights), their on-demand forms in the core entry, the saver, their options and the error are public', () => {
    const internal = files.filter((file) => file.startsWith('dist/io/') && !['dist/io/keras.d.ts', 'dist/io/load.d.ts', 'dist/io/load-weights.d.ts', 'dist/io/load-options.d.ts', 'dist/io/save.d.ts', 'dist/io/errors.d.ts', 'dist/io/on-demand.d.ts'].includes(file));
    expect(internal).toEqual([]);
  });

  it('declares no value the entry points do not export (helpers are @internal)', () => {
    // Classes named by public declarations without being importable: the base classes of the
    // weightless layers, of the one-input weightless layers (Flatten, Activation, ...) and of the
    // layers whose weights live in JavaScript (BatchNormalization, ...) and of the one-input ones among them, of ReLU, LeakyReLU and ELU, the node type of Layer.inboundNodes,
    // and Keras' MonitorCallback, the base of EarlyStopping, ReduceLROnPlateau and ModelCheckpoint (Keras does not export it either).
    const namedByPublicTypes = [
      'dist/layers/weightless.d.ts: WeightlessLayer', 'dist/layers/unary.d.ts: UnaryLayer', 'dist/layers/relu-layers.d.ts: ParameterActivationLayer',
      'dist/layers/host-weights.d.ts: HostWeightLayer', 'dist/layers/host-weights.d.ts: OneInputHostWeightLayer', 'dist/layers/merge.d.ts: Merge', 'dist/symbolic.d.ts: LayerNode',
      'dist/training/callbacks.d.ts: MonitorCallback',
      // Keras' loss and metric classes, reached as losses.X and metrics.X as in Keras (the two share class names such as MeanSquaredError).
      ...Object.keys(losses).filter((name) => name !== 'Loss').map((name) => `dist/training/loss-classes.d.ts: ${name}`),
      ...Object.keys(metrics).filter((name) => name !== 'Metric').map((name) => `dist/training/metric-classes.d.ts: ${name}`),
    ];
    const leaks: string[] = JSON.parse(execFileSync(process.execPath, ['scripts/public-surface.mjs', '--leaks'], { encoding: 'utf8' }));
    expect(leaks.filter((leak) => !namedByPublicTypes.includes(leak))).toEqual([]);
  });

  it('names no internal member', () => {
    for (const name of ['runSequence', 'uploadSequence', 'checkStatefulBatch', 'cloneWith', 'KernelSession', 'CellId', 'KernelInstance', 'WasmHeap', 'keepFinalStates', 'Hdf5Reader', 'ReadLimits', 'OptionBag', 'SeededRandom', '@internal']) {
      expect(surface.includes(name), name).toBe(false);
    }
  });
});
