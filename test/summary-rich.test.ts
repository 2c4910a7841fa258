// Keras 3's summary tables against the real `rich` library: test/python/keras3_summary_table.py
// makes the calls Keras 3's print_summary makes, with cells built here from the model (names,
// shapes, counts, connections), not from our text. Needs Python 3 with rich (Debian:
// python3-rich); skipped with the reason printed where it is missing.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { Bidirectional, Concatenate, Dense, Embedding, GRU, Input, LSTM, Model, Sequential, SimpleRNN, ready, type ModelBase, type SymbolicTensor } from '../dist/index.js';

const PYTHON = process.env.PYTHON ?? '/usr/bin/python3';
const SCRIPT = fileURLToPath(new URL('./python/keras3_summary_table.py', import.meta.url));

function richMissing(): string | null {
  try {
    execFileSync(PYTHON, ['-c', 'import rich'], { stdio: 'ignore' });
    return null;
  } catch {
    return `${PYTHON} cannot import rich (apt-get install -y python3-rich)`;
  }
}

const missing = richMissing();
if (missing !== null) console.warn(`[summary-rich] skipped: ${missing}`);

const models: Record<string, { sequential: boolean; make: () => ModelBase }> = {
  dense: {
    sequential: true,
    make: () => new Sequential({ name: 'sequential', layers: [new Dense({ units: 2, inputShape: [3], name: 'dense' }), new Dense({ units: 1, name: 'dense_1' })] }),
  },
  readme: {
    sequential: true,
    make: () => new Sequential({
      name: 'sequential_readme',
      layers: [new Embedding({ inputDim: 5000, outputDim: 100, name: 'embedding' }), new SimpleRNN({ units: 128, name: 'simple_rnn' }), new Dense({ units: 1, activation: 'sigmoid', name: 'dense' })],
    }),
  },
  bidirectional: {
    sequential: true,
    make: () => new Sequential({ name: 'bi', layers: [new Bidirectional(new LSTM({ units: 8, returnSequences: true }), { inputShape: [100, 64], name: 'bidirectional_lstm_encoder' }), new GRU({ units: 300, recurrentInitializer: 'zeros', name: 'gru' })] }),
  },
  twoInputs: {
    sequential: false,
    make: () => {
      const a = Input({ shape: [5, 3], name: 'in_a' });
      const b = Input({ shape: [4, 2], name: 'in_b_with_a_long_name' });
      const encA = new LSTM({ units: 4, name: 'a_very_long_encoder_name' }).apply(a) as SymbolicTensor;
      const encB = new GRU({ units: 2, name: 'enc_b' }).apply(b) as SymbolicTensor;
      const joined = new Concatenate({ name: 'joined' }).apply([encA, encB, encA]);
      return new Model({ inputs: [a, b], outputs: new Dense({ units: 1, name: 'score' }).apply(joined), name: 'pair' });
    },
  },
  states: {
    sequential: true,
    make: () => {
      const inp = Input({ shape: [5, 1], name: 'seed_in' });
      return new Model({ inputs: inp, outputs: new LSTM({ units: 3, returnState: true, name: 'seed_lstm' }).apply(inp), name: 'seed_state' });
    },
  },
};

// [80, [0.3, 0.6, 0.9]] leaves an excess of 2 for three columns: Python's round(0.5) is 0, so the halves rule shows.
const widths: [number, (readonly number[])?][] = [[76], [88], [108], [40], [61], [97], [130], [60, [0.5, 0.75, 1]], [80, [0.3, 0.6, 0.9]], [70, [0.2, 0.5, 0.6, 1]]];

describe.skipIf(missing !== null)("Keras 3's summary table against rich", () => {
  beforeAll(async () => {
    await ready();
  });

  it('renders every model at every width exactly as rich does', () => {
    const cases: Record<string, unknown>[] = [];
    const ours: Record<string, string> = {};
    for (const [key, { sequential, make }] of Object.entries(models)) {
      const model = make();
      // A Sequential whose first layer declares no input (an Embedding) traces its calls once needed, as Keras builds it.
      void model.outputs;
      for (const [lineLength, positions] of widths) {
        if (positions !== undefined && positions.length !== (sequential ? 3 : 4)) continue;
        const rows = model.layers.map((layer) => {
          const node = layer.inboundNodes[layer.inboundNodes.length - 1];
          const shapes = node.outputs.map((t) => `(${t.shape.map((d) => (d === null ? 'None' : d)).join(', ')})`);
          const fields = [`${layer.name} (${layer.className})`, shapes.length === 1 ? shapes[0] : `[${shapes.join(', ')}]`, layer.countParams().toLocaleString('en-US')];
          if (!sequential) fields.push(node.inputs.map((i) => `${i.layer.name}[${i.layer.inboundNodes.indexOf(i.node)}][${i.outputIndex}]`).join(', ') || '-');
          return fields;
        });
        const id = `${key} lineLength=${lineLength}${positions ? ` positions=${JSON.stringify(positions)}` : ''}`;
        cases.push({ id, name: model.name, sequential, lineLength, positions, rows, params: model.countParams() });
        ours[id] = `${model.summary({ print: false, lineLength, ...(positions ? { positions } : {}) })}\n`;
      }
    }
    const dir = mkdtempSync(join(tmpdir(), 'wasm-rnn-rich-'));
    try {
      writeFileSync(join(dir, 'cases.json'), JSON.stringify(cases));
      const theirs = JSON.parse(execFileSync(PYTHON, [SCRIPT, join(dir, 'cases.json')], { encoding: 'utf8' })) as Record<string, string>;
      expect(Object.keys(theirs)).toHaveLength(cases.length);
      for (const id of Object.keys(ours)) expect(ours[id], id).toBe(theirs[id]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
