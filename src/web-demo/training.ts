// The demo page's training panel: a toy sequence task, fit in this page with the loss curve
// drawn after every batch (fit yields to the event loop between batches, so the page paints),
// and the trained model downloaded as a .keras file.
import type * as WasmRnn from './api.js';

type Api = typeof WasmRnn;
type TrainedModel = InstanceType<Api['Sequential']>;
export type TrainingTask = 'sum-sign' | 'sine-next';

/** What the panel last trained; the demo test reads it. */
export interface DemoTraining {
  task: TrainingTask;
  /** The running loss after every batch, as onTrainBatchEnd logs it. */
  batchLosses: number[];
  /** history.history.loss: one value per epoch. */
  epochLosses: number[];
  done: boolean;
  /** The trained model's predictions on the first PROBE training sequences (x (PROBE, T, 1), as the task data). */
  probe?: { x: number[]; predictions: number[] };
  /** The bytes of the last download, as saveModelBlob wrote them. */
  downloadedBytes?: number;
}

declare global {
  interface Window {
    demoTraining?: DemoTraining;
  }
}

const [N, T, EPOCHS, BATCH] = [256, 20, 8, 32];
const PROBE = 4;

/** A small generator so every press of Train sees the same data. */
function uniform(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

/** x (N, T, 1) and y (N, 1) for the task. */
function taskData(task: TrainingTask): { x: Float32Array; y: Float32Array } {
  const random = uniform(7);
  const x = new Float32Array(N * T);
  const y = new Float32Array(N);
  for (let n = 0; n < N; n++) {
    if (task === 'sum-sign') {
      let sum = 0;
      for (let t = 0; t < T; t++) sum += x[n * T + t] = random() * 2 - 1;
      y[n] = sum > 0 ? 1 : 0;
    } else {
      const [phase, frequency] = [random() * 2 * Math.PI, 0.2 + random() * 0.3];
      for (let t = 0; t < T; t++) x[n * T + t] = Math.sin(phase + frequency * t);
      y[n] = Math.sin(phase + frequency * T);
    }
  }
  return { x, y };
}

function paintCurve(canvas: HTMLCanvasElement, losses: readonly number[], total: number): void {
  const ctx = canvas.getContext('2d')!;
  const { width, height } = canvas;
  ctx.clearRect(0, 0, width, height);
  ctx.strokeStyle = '#e3e6ec';
  ctx.strokeRect(0.5, 0.5, width - 1, height - 1);
  if (losses.length === 0) return;
  const top = Math.max(...losses);
  ctx.strokeStyle = '#2f6fdf';
  ctx.lineWidth = 2;
  ctx.beginPath();
  losses.forEach((loss, i) => {
    const px = (i / Math.max(1, total - 1)) * (width - 8) + 4;
    const py = height - 4 - (loss / top) * (height - 8);
    if (i === 0) ctx.moveTo(px, py);
    else ctx.lineTo(px, py);
  });
  ctx.stroke();
}

/** Saves `model` as .keras and hands the file to the browser's download. */
async function download(api: Api, model: TrainedModel, task: TrainingTask, state: DemoTraining): Promise<void> {
  const blob = await api.saveModelBlob(model, { format: 'keras' });
  state.downloadedBytes = blob.size;
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = `wasm-rnn-${task}.keras`;
  document.body.append(link);
  link.click();
  link.remove();
  // The click has started the download; the URL is not needed after this task.
  setTimeout(() => URL.revokeObjectURL(url), 0);
}

export function setupTraining(
  api: Api,
  ui: { task: HTMLSelectElement; train: HTMLButtonElement; download: HTMLButtonElement; curve: HTMLCanvasElement; status: HTMLElement },
): void {
  let trained: { model: TrainedModel; task: TrainingTask; state: DemoTraining } | null = null;
  ui.download.addEventListener('click', async () => {
    if (!trained) return;
    try {
      await download(api, trained.model, trained.task, trained.state);
    } catch (error) {
      ui.status.textContent = `saving failed: ${error instanceof Error ? error.message : String(error)}`;
    }
  });
  ui.train.addEventListener('click', async () => {
    const task = ui.task.value as TrainingTask;
    const state: DemoTraining = { task, batchLosses: [], epochLosses: [], done: false };
    window.demoTraining = state;
    ui.train.disabled = true;
    ui.download.disabled = true;
    trained?.model.dispose();
    trained = null;
    const model = new api.Sequential({
      layers: task === 'sum-sign'
        ? [new api.SimpleRNN({ units: 16, inputShape: [T, 1], seed: 1 }), new api.Dense({ units: 1, activation: 'sigmoid', seed: 2 })]
        : [new api.LSTM({ units: 16, inputShape: [T, 1], seed: 1 }), new api.Dense({ units: 1, seed: 2 })],
    });
    try {
      model.compile({
        optimizer: api.optimizers.adam({ learningRate: 0.01 }),
        loss: task === 'sum-sign' ? 'binary_crossentropy' : 'mse',
        metrics: task === 'sum-sign' ? ['accuracy'] : ['mae'],
      });
      const { x, y } = taskData(task);
      const steps = EPOCHS * Math.ceil(N / BATCH);
      const started = performance.now();
      const history = await model.fit(api.tensor(x, [N, T, 1]), api.tensor(y, [N, 1]), {
        batchSize: BATCH, epochs: EPOCHS, seed: 3,
        callbacks: [{
          onTrainBatchEnd: (_batch, logs) => {
            state.batchLosses.push(logs.loss);
            paintCurve(ui.curve, state.batchLosses, steps);
          },
          onEpochEnd: (epoch, logs) => {
            const metric = task === 'sum-sign' ? `accuracy ${logs.accuracy.toFixed(3)}` : `mae ${logs.mae.toFixed(3)}`;
            ui.status.textContent = `epoch ${epoch + 1}/${EPOCHS}: loss ${logs.loss.toFixed(4)}, ${metric}`;
          },
        }],
      });
      state.epochLosses = history.history.loss;
      ui.status.textContent += ` — ${steps} steps in ${((performance.now() - started) / 1000).toFixed(2)} s`;
      const probe = x.slice(0, PROBE * T);
      const predictions = model.predict(api.tensor(probe, [PROBE, T, 1])) as WasmRnn.Tensor;
      state.probe = { x: Array.from(probe), predictions: Array.from(predictions.data) };
      trained = { model, task, state };
      ui.download.disabled = false;
    } catch (error) {
      ui.status.textContent = `training failed: ${error instanceof Error ? error.message : String(error)}`;
      model.dispose();
    } finally {
      state.done = true;
      ui.train.disabled = false;
    }
  });
}
