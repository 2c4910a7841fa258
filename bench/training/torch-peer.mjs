// The PyTorch peer: one child process (/usr/bin/python3 bench/training/torch_train.py) for the
// whole run, fed the same Keras-layout weights and data through raw float32 files. It times
// its own steps (perf_counter around each step), so the pipe costs nothing measured.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const SCRIPT = fileURLToPath(new URL('./torch_train.py', import.meta.url));
export const PYTHON = process.env.WASM_RNN_BENCH_PYTHON ?? '/usr/bin/python3';

export class TorchPeer {
  constructor() {
    this.child = spawn(PYTHON, [SCRIPT], { stdio: ['pipe', 'pipe', 'pipe'] });
    this.stderr = '';
    this.child.stderr.on('data', (chunk) => { this.stderr += chunk; });
    this.pending = [];
    this.exited = new Promise((resolve) => this.child.on('close', resolve));
    this.child.on('error', (error) => { this.stderr += String(error); });
    createInterface({ input: this.child.stdout }).on('line', (line) => this.pending.shift()?.resolve(JSON.parse(line)));
    this.child.on('close', () => {
      for (const p of this.pending.splice(0)) p.reject(new Error(`python exited: ${this.stderr.trim().split('\n').pop()}`));
    });
    this.directory = mkdtempSync(path.join(os.tmpdir(), 'wasm-rnn-torch-'));
  }

  async request(message) {
    const reply = await new Promise((resolve, reject) => {
      this.pending.push({ resolve, reject });
      this.child.stdin.write(`${JSON.stringify(message)}\n`);
    });
    if (reply.error) throw new Error(reply.error);
    return reply;
  }

  info() {
    return this.request({ op: 'info' });
  }

  /** Builds the layer on these weights and data; resolves to the losses of two steps. */
  async setup(cell, weights, x, y, shape, epsilon) {
    const [kernel, recurrent, bias] = weights;
    for (const [name, data] of [['kernel', kernel.data], ['recurrent', recurrent.data], ['bias', bias.data], ['x', x], ['y', y]]) {
      writeFileSync(path.join(this.directory, `${name}.f32`), Buffer.from(data.buffer, data.byteOffset, data.byteLength));
    }
    return (await this.request({ op: 'setup', cell, ...shape, eps: epsilon, dir: this.directory })).losses;
  }

  /** Times `runs` more train steps; resolves to their ms. */
  async time(runs) {
    return (await this.request({ op: 'time', runs })).ms;
  }

  async close() {
    this.child.stdin.end();
    await this.exited;
    rmSync(this.directory, { recursive: true, force: true });
  }
}
