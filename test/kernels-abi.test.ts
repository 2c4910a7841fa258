// The host's mirrors of the module's ids and layouts agree with the module:
// the cell table, activation and merge ids, and the run descriptor's fields,
// read from the globals each build exports; and the generated cell dispatch
// is what the cell table gives.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { setFlagsFromString } from 'node:v8';
import { describe, expect, it } from 'vitest';
import { CELL_LIST } from '../dist/kernels/cells.js';
import { ActivationId, MergeId } from '../dist/kernels/ids.js';
import { BWD, BWD_FLAG, DIR, FLAG, RUN } from '../dist/kernels/run-descriptor.js';
import { PACKED_INTERLEAVED, STREAM_OP } from '../dist/kernels/stream-program.js';
import { RANDOM_STATE_BYTES } from '../dist/kernels/orthonormal.js';
import { CONV, PoolMode } from '../dist/kernels/conv.js';
import { CONV_LSTM_WORDS, ConvLstmFlag } from '../dist/kernels/conv-lstm.js';

// Node 20 compiles the relaxed-SIMD build only behind this flag.
setFlagsFromString('--experimental-wasm-relaxed-simd');

const ACTIVATION_GLOBALS: Record<keyof typeof ActivationId, string> = {
  linear: 'ACT_LINEAR', tanh: 'ACT_TANH', sigmoid: 'ACT_SIGMOID', hardSigmoidKeras3: 'ACT_HARD_SIGMOID_K3',
  hardSigmoidKeras2: 'ACT_HARD_SIGMOID_K2', relu: 'ACT_RELU', relu6: 'ACT_RELU6', elu: 'ACT_ELU', selu: 'ACT_SELU',
  softsign: 'ACT_SOFTSIGN', exponential: 'ACT_EXPONENTIAL', silu: 'ACT_SILU',
};

for (const build of ['wasm-rnn.wasm', 'wasm-rnn.relaxed.wasm']) {
  describe(`${build} agrees with the host's tables`, () => {
    const module = new WebAssembly.Module(readFileSync(new URL(`../dist/${build}`, import.meta.url)));
    const { exports } = new WebAssembly.Instance(module, {});
    const global = (name: string): number => {
      const value = exports[name];
      if (!(value instanceof WebAssembly.Global)) throw new Error(`${build} exports no global ${name}`);
      return value.value as number;
    };
    const call = (name: string, ...args: number[]): number => (exports[name] as (...a: number[]) => number)(...args);

    it.each(CELL_LIST.map((cell) => [cell.kernel, cell] as const))('cell %s: id, gates, states and step work', (_name, cell) => {
      expect(global(`CELL_${cell.kernel.toUpperCase()}`)).toBe(cell.id);
      expect(call('cell_gate_count', cell.id)).toBe(cell.gates.length);
      expect(call('cell_state_count', cell.id)).toBe(cell.states.length);
      expect(call('cell_work_blocks', cell.id)).toBe(cell.workBlocks);
    });

    it('cell ids are the row indices', () => {
      expect(CELL_LIST.map((cell) => cell.id)).toEqual(CELL_LIST.map((_, i) => i));
    });

    it('activation ids', () => {
      for (const [name, id] of Object.entries(ActivationId)) {
        expect(global(ACTIVATION_GLOBALS[name as keyof typeof ActivationId]), name).toBe(id);
      }
    });

    it('merge ids', () => {
      for (const [name, id] of Object.entries(MergeId)) expect(global(`MERGE_${name.toUpperCase()}`), name).toBe(id);
    });

    it('run descriptor fields and flags', () => {
      const snake = (key: string) => key.replace(/([a-z])([A-Z])/g, '$1_$2').toUpperCase();
      for (const [key, word] of Object.entries(RUN)) expect(global(`RUN_${snake(key)}`), `RUN.${key}`).toBe(word);
      for (const [key, word] of Object.entries(DIR)) expect(global(`DIR_${snake(key)}`), `DIR.${key}`).toBe(word);
      for (const [key, bit] of Object.entries(FLAG)) expect(global(`FLAG_${snake(key)}`), `FLAG.${key}`).toBe(bit);
      for (const [key, word] of Object.entries(BWD)) expect(global(`BWD_${key}`), `BWD.${key}`).toBe(word);
      for (const [key, bit] of Object.entries(BWD_FLAG)) expect(global(`BWD_FLAG_${key}`), `BWD_FLAG.${key}`).toBe(bit);
    });

    it('the random generator\'s state block size', () => {
      expect(global('RANDOM_STATE_BYTES')).toBe(RANDOM_STATE_BYTES);
    });

    it('convolution geometry words and pool modes', () => {
      for (const [key, word] of Object.entries(CONV)) expect(global(`CONV_${key}`), `CONV.${key}`).toBe(word);
      for (const [key, mode] of Object.entries(PoolMode)) expect(global(`POOL_${key.toUpperCase()}`), `PoolMode.${key}`).toBe(mode);
    });

    it('ConvLSTM run descriptor size and flags', () => {
      expect(global('CONV_LSTM_WORDS')).toBe(CONV_LSTM_WORDS);
      expect(global('CONV_LSTM_RETURN_SEQUENCES')).toBe(ConvLstmFlag.returnSequences);
      expect(global('CONV_LSTM_GO_BACKWARDS')).toBe(ConvLstmFlag.goBackwards);
    });

    it('the interleaved-weights tag of a packed pointer', () => {
      expect(global('PACKED_INTERLEAVED')).toBe(PACKED_INTERLEAVED);
    });

    it('stream program opcodes', () => {
      for (const [key, code] of Object.entries(STREAM_OP)) {
        const name = key === 'HEADER_WORDS' ? 'STREAM_OP_HEADER_WORDS' : `STREAM_OP_${key}`;
        expect(global(name), `STREAM_OP.${key}`).toBe(code);
      }
    });
  });
}

describe('assembly/cells/index.ts', () => {
  it('is what scripts/generate-cells.mjs writes from the cell table', () => {
    expect(() => execFileSync(process.execPath, ['scripts/generate-cells.mjs', '--check'], { stdio: 'pipe' })).not.toThrow();
  });
});

describe('assembly/', () => {
  it('keeps no static buffers: all memory a kernel uses is passed in by the host (one instance, many streams or calls)', async () => {
    const { readdirSync } = await import('node:fs');
    const root = new URL('../assembly/', import.meta.url);
    const files = readdirSync(root, { recursive: true, encoding: 'utf8' }).filter((file) => file.endsWith('.ts'));
    const offenders = files.filter((file) => /memory\.data\s*[<(]/.test(readFileSync(new URL(file, root), 'utf8')));
    expect(offenders).toEqual([]);
  });
});
