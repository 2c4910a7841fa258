// What the numbers were measured on: CPU, cores, Node, the versions of every peer, and
// which build of our kernels ran.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import os from 'node:os';

function cpuModel() {
  try {
    const line = readFileSync('/proc/cpuinfo', 'utf8').split('\n').find((l) => l.startsWith('model name'));
    if (line) return line.slice(line.indexOf(':') + 1).trim();
  } catch {
    // Not Linux: fall through to what Node reports.
  }
  return os.cpus()[0]?.model ?? 'unknown';
}

/** Read from node_modules directly: onnxruntime-web's exports map does not expose its package.json. */
function packageVersion(name) {
  try {
    return JSON.parse(readFileSync(new URL(`../node_modules/${name}/package.json`, import.meta.url), 'utf8')).version;
  } catch {
    return null;
  }
}

const PACKAGES = [
  '@tensorflow/tfjs-core', '@tensorflow/tfjs-layers', '@tensorflow/tfjs-backend-cpu',
  '@tensorflow/tfjs-backend-wasm', 'onnxruntime-web', 'onnxruntime-node',
];

/** 1, 5 and 15 minute load averages: other processes on the machine skew timings. */
export function loadAverage() {
  return os.loadavg().map((load) => Math.round(load * 100) / 100);
}

export function machineInfo() {
  const own = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
  return {
    cpuModel: cpuModel(),
    cores: os.cpus().length,
    totalMemoryGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    platform: `${os.platform()} ${os.release()} ${os.arch()}`,
    node: process.version,
    loadAverageAtStart: loadAverage(),
    v8: process.versions.v8,
    packages: { [own.name]: own.version, ...Object.fromEntries(PACKAGES.map((name) => [name, packageVersion(name)])) },
  };
}

/** Identifies the kernels that were timed: the package changes faster than its version number. */
export function buildInfo() {
  const dist = new URL('../dist/', import.meta.url);
  const wasmFiles = readdirSync(dist).filter((name) => name.endsWith('.wasm')).sort();
  return Object.fromEntries(wasmFiles.map((name) => {
    const bytes = readFileSync(new URL(name, dist));
    return [name, { bytes: bytes.length, sha256: createHash('sha256').update(bytes).digest('hex').slice(0, 16) }];
  }));
}
