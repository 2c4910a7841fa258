// What a Keras user porting notebooks writes (issue 13's second newcomer pass): evaluate's result
// unpacked as Keras' list, a History passed to fit is the one returned, the positional
// Model(inputs, outputs) of the seq2seq example typed and run. Values worked by hand on a
// one-weight model: Dense(1) without a bias, x = 1, y = 0, so the MSE is w² and the MAE |w|.
import { beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, Dense, History, Input, LSTM, Model, Sequential, optimizers, ready, tensor, type Tensor } from '../dist/index.js';
import { expectError, untyped } from './expect-error.js';
import { testKernelVariant } from './kernel-variant.js';

beforeAll(async () => {
  await ready({ kernels: testKernelVariant() });
});

function oneWeight(w: number) {
  const model = new Sequential([new Dense(1, { inputShape: [1], useBias: false })]);
  model.setWeights([tensor([[w]])]);
  model.compile({ optimizer: optimizers.sgd(0.1), loss: 'mse', metrics: ['mae'] });
  return { model, x: tensor([[1], [1]]), y: tensor([[0], [0]]) };
}

describe('evaluate', () => {
  it("unpacks as Keras' list, loss first, and still reads by name", async () => {
    const { model, x, y } = oneWeight(0.5);
    const result = await model.evaluate(x, y);
    const [loss, mae] = result;
    expect([loss, mae]).toEqual([0.25, 0.5]);
    expect([...result]).toEqual([0.25, 0.5]);
    expect(result.loss).toBe(0.25);
    expect(result.mae).toBe(0.5);
    // The iterator is not a key: printing and spreading show the logs only.
    expect(Object.keys(result)).toEqual(['loss', 'mae']);
    expect({ ...result }).toEqual({ loss: 0.25, mae: 0.5 });
    expect(JSON.stringify(result)).toBe('{"loss":0.25,"mae":0.5}');
  });

  it("accepts Keras' returnDict, checked, and names it for return_dict", async () => {
    const { model, x, y } = oneWeight(-2);
    expect({ ...(await model.evaluate(x, y, { returnDict: true })) }).toEqual({ loss: 4, mae: 2 });
    await expect(model.evaluate(x, y, untyped({ returnDict: 1 }))).rejects.toThrow("option 'returnDict' must be a boolean, received 1");
    await expect(model.evaluate(x, y, untyped({ return_dict: true }))).rejects.toThrow("unknown option 'return_dict' (did you mean 'returnDict'?");
  });
});

describe('fit and a History the caller passes', () => {
  it('fills and returns that History, as Keras does, and no second one', async () => {
    const { model, x, y } = oneWeight(1);
    const history = new History();
    const returned = await model.fit(x, y, { epochs: 2, verbose: 0, callbacks: [history] });
    expect(returned).toBe(history);
    // w: 1 → 1 − 0.1·2 = 0.8; the logged loss is the batch's, before its step: 1, then 0.64.
    expect(history.epoch).toEqual([0, 1]);
    expect(history.history.loss?.[0]).toBe(1);
    expect(history.history.loss?.[1]).toBeCloseTo(0.64, 6);
    const fresh = await model.fit(x, y, { epochs: 1, verbose: 0 });
    expect(fresh).not.toBe(history);
    expect(fresh.epoch).toEqual([0]);
  });
});

describe("Keras' seq2seq example with the positional Model(inputs, outputs)", () => {
  it('reuses the decoder layers in an inference model whose steps give the teacher-forced outputs', () => {
    const tokens = 3;
    const latent = 4;
    const encoderInputs = Input({ shape: [null, tokens] });
    const [, h, c] = new LSTM(latent, { returnState: true, seed: 1 }).apply(encoderInputs);
    const decoderInputs = Input({ shape: [null, tokens] });
    const decoderLstm = new LSTM(latent, { returnSequences: true, returnState: true, seed: 2 });
    const [sequence] = decoderLstm.apply(decoderInputs, { initialState: [h, c] });
    const decoderDense = new Dense(tokens, { activation: 'softmax', seed: 3 });
    const training = new Model([encoderInputs, decoderInputs], decoderDense.apply(sequence));
    const encoderModel = new Model(encoderInputs, [h, c]);
    const hIn = Input({ shape: [latent] });
    const cIn = Input({ shape: [latent] });
    const [stepSequence, stepH, stepC] = decoderLstm.apply(decoderInputs, { initialState: [hIn, cIn] });
    const decoderModel = new Model([decoderInputs, hIn, cIn], [decoderDense.apply(stepSequence), stepH, stepC]);
    expect(training.countParams()).toBe(2 * 4 * latent * (tokens + latent + 1) + latent * tokens + tokens);

    const source = tensor([[[1, 0, 0], [0, 1, 0], [0, 0, 1], [0, 1, 0]]]);
    const target = [[0, 0, 1], [1, 0, 0], [0, 1, 0]];
    const teacherForced: Tensor = training.predict([source, tensor([target])]);
    let [stateH, stateC] = encoderModel.predict(source);
    const steps: number[] = [];
    for (const frame of target) {
      const [probabilities, nextH, nextC] = decoderModel.predict([tensor([[frame]]), stateH, stateC]);
      steps.push(...probabilities.data);
      [stateH, stateC] = [nextH, nextC];
    }
    expect(teacherForced.shape).toEqual([1, 3, tokens]);
    steps.forEach((v, i) => expect(v).toBeCloseTo(teacherForced.data[i]!, 6));
  });
});
