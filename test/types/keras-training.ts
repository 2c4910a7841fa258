// Training as a Keras user writes it: compile with strings and objects, fit's History, evaluate, callbacks.
import {
  Dense, LSTM, GRU, Sequential, Model, Input, tensor, optimizers, EarlyStopping, History, LambdaCallback,
  ReduceLROnPlateau, TerminateOnNaN, initializers, Adam, RMSprop, SGD, ExponentialDecay, LearningRateSchedule, Attention, regularizers,
  Callback, losses, metrics, type CallbackHooks, type TrainedModel, type Optimizer, type Logs, type Tensor,
} from 'wasm-rnn';

const x = tensor(new Float32Array(2 * 5 * 4), [2, 5, 4]);
const y = tensor(new Float32Array([0, 1]), [2, 1]);

const model = new Sequential([new LSTM(8, { inputShape: [5, 4] }), new Dense(1, { activation: 'sigmoid' })]);
model.compile({ optimizer: 'adam', loss: 'binary_crossentropy', metrics: ['accuracy'] });
model.compile({ optimizer: optimizers.adam({ learningRate: 0.001 }), loss: 'mse', metrics: ['mae'] });
model.compile({ optimizer: new Adam({ learningRate: 0.001, beta1: 0.9, clipnorm: 1 }), loss: 'mse' });
model.compile({ optimizer: new optimizers.SGD({ learningRate: 0.01, momentum: 0.9, nesterov: true }), loss: 'huber' });
model.compile({ optimizer: new RMSprop(0.001), loss: 'mae' });
const adam: Optimizer = optimizers.adam(0.01);
const isAdam: boolean = adam instanceof Adam;
const annotated: Adam = new Adam(0.01);
let chosen: RMSprop | Adam = annotated;
chosen = new RMSprop({ rho: 0.9 });
void chosen;
adam.learningRate = 0.005;
// @ts-expect-error Adam takes no momentum (Keras' SGD and RMSprop do)
new Adam({ momentum: 0.9 });
// @ts-expect-error learning_rate is Keras' spelling in Python; here it is learningRate
new Adam({ learning_rate: 0.001 });
// @ts-expect-error Keras names the class RMSprop
new optimizers.RMSProp();
model.compile({ optimizer: optimizers.sgd({ learningRate: 0.1, momentum: 0.9 }), loss: 'mean_squared_error' });
model.compile({ optimizer: 'rmsprop', loss: 'categorical_crossentropy', metrics: ['categorical_accuracy'] });
model.compile({ optimizer: 'sgd', loss: 'sparse_categorical_crossentropy', metrics: ['sparse_categorical_accuracy'] });

class PrintLoss extends Callback {
  seen: number[] = [];
  override onEpochEnd(epoch: number, logs: Logs): void {
    this.seen.push(epoch, logs.loss ?? Number.NaN);
    // Keras' self.model: set by fit before any hook runs.
    if (epoch === 2) this.model.stopTraining = true;
  }
}

// A class that does not extend Callback, as Keras' duck-typed callbacks: fit sets its `model`.
class StopLater implements CallbackHooks {
  model?: TrainedModel;
  onEpochEnd(epoch: number): void {
    if (epoch === 1 && this.model) this.model.stopTraining = true;
  }
}

const asObject: CallbackHooks = {
  onEpochEnd(epoch, logs) {
    const loss: number | undefined = logs?.loss;
    void epoch; void loss;
  },
  onTrainBegin() {},
  onTrainBatchEnd(batch, logs) { void batch; void logs; },
};

async function train(): Promise<number> {
  const history: History = await model.fit(x, y, {
    epochs: 3, batchSize: 2, verbose: 0, validationSplit: 0.5, shuffle: true,
    callbacks: [new PrintLoss(), new StopLater(), asObject, new EarlyStopping({ monitor: 'val_loss', patience: 2, restoreBestWeights: true }),
      new ReduceLROnPlateau({ monitor: 'loss', factor: 0.5, patience: 1 }), new TerminateOnNaN(),
      new LambdaCallback({ onEpochEnd: (epoch: number, logs?: Logs) => { void epoch; void logs; } })],
  });
  const losses: number[] = history.history.loss ?? [];
  const acc: number[] | undefined = history.history['accuracy'];
  const epochs: number[] = history.epoch;
  const stepsPerEpoch: number = history.params?.steps ?? 0;
  const first: number | undefined = losses[0];
  const result = await model.evaluate(x, y, { batchSize: 2, verbose: 0 });
  // Always there: a number without a check, also under noUncheckedIndexedAccess.
  const evalLoss: number = result.loss;
  const batchCallLoss: number = model.testOnBatch(x, y).loss;
  const dict = await model.evaluate(x, y, { returnDict: true });
  const evalDictLoss: number | undefined = dict['loss'];
  const p: Tensor = model.predict(x);
  const onBatch = await model.trainOnBatch(x, y);
  const [batchLoss] = model.trainOnBatch(x, y, { classWeight: { 0: 1, 1: 2 }, returnDict: false });
  const [testLoss] = model.testOnBatch(x, y, { returnDict: false });
  return (first ?? 0) + (acc?.[0] ?? 0) + epochs.length + stepsPerEpoch + evalLoss + batchCallLoss + (evalDictLoss ?? 0) + p.size + Number(onBatch.loss) + (batchLoss ?? 0) + (testLoss ?? 0);
}

// Weights: getWeights gives tensors, setWeights takes them back.
const weights: Tensor[] = model.getWeights();
model.setWeights(weights);
const lstmWeights: Tensor[] = model.getLayer(0).getWeights();
model.getLayer(0).setWeights(lstmWeights);

// getLayer by name narrows by instanceof.
const layer = model.getLayer('lstm');
if (layer instanceof LSTM) {
  const units: number = layer.units;
  void units;
}

// Functional model with two outputs and per-output losses.
const inp = Input({ shape: [5, 4], name: 'frames' });
const enc = new GRU(6).apply(inp);
const a = new Dense(1, { name: 'a' }).apply(enc);
const b = new Dense(3, { activation: 'softmax', name: 'b', kernelInitializer: 'glorot_uniform' }).apply(enc);
const two = new Model({ inputs: inp, outputs: [a, b] });
two.compile({ optimizer: 'adam', loss: ['mse', 'categorical_crossentropy'], lossWeights: [1, 0.5] });
two.compile({ optimizer: 'adam', loss: { a: 'mse', b: 'categorical_crossentropy' }, metrics: { b: ['accuracy'] } });
const [pa, pb] = two.predict(x);
const shapes: readonly number[][] = [[...pa.shape], [...pb.shape]];

const init = initializers.glorotUniform({ seed: 1 });
const dense = new Dense(4, { kernelInitializer: init, biasInitializer: 'zeros', useBias: true });

// Keras' optimizer docs: a schedule as the learning rate, and one of one's own.
const decayed = new SGD({ learningRate: new ExponentialDecay({ initialLearningRate: 1e-2, decaySteps: 10000, decayRate: 0.9 }) });
class Halving extends LearningRateSchedule {
  constructor() {
    super();
  }

  call(step: number): number {
    return 0.1 / 2 ** step;
  }
}
const halving = optimizers.sgd(new Halving());
const nextRate: number = halving.learningRate;
const schedule: LearningRateSchedule | null = decayed.learningRateSchedule;

// Activity regularizers, an attention layer that trains, output names, a stateful layer's states.
const regularized = new Dense(4, { activityRegularizer: regularizers.l1(1e-5) });
const steps = new LSTM(4, { returnSequences: true }).apply(inp);
const attention = new Attention({ useScale: true, dropout: 0.1 }).apply([steps, steps]);
const names: string[] = two.outputNames;
const carried: Tensor[] | null = new LSTM(3, { stateful: true, batchInputShape: [2, null, 4] }).states;

// Keras' loss and metric classes, as tutorials compile with them.
two.compile({
  optimizer: 'adam',
  loss: { a: new losses.MeanSquaredError(), b: new losses.CategoricalCrossentropy({ fromLogits: true, labelSmoothing: 0.1 }) },
  metrics: { b: [new metrics.CategoricalAccuracy(), new metrics.AUC({ curve: 'PR', name: 'pr_auc' })] },
});
const lossConfig: Record<string, unknown> = new losses.SparseCategoricalCrossentropy({ fromLogits: true }).getConfig();
const metricName: string = new metrics.Precision({ thresholds: 0.5 }).name;

export { train, shapes, dense, isAdam, nextRate, schedule, regularized, attention, names, carried, lossConfig, metricName };
