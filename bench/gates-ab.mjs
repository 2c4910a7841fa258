// Gate-math A/B: two kernel builds' row gate functions (lstm_gates, gru_gates_reset_after,
// gru_gates_reset_before_zr and _update, simple_rnn_gates) on
// the raw ABI, without the matrix products around them, interleaved in one process. Checks
// that both builds leave bit-identical states for the same pre-activations, over a range that
// reaches the clamps and for widths with a ragged tail, then times each width.
//
//   node bench/gates-ab.mjs /tmp/a.wasm /tmp/b.wasm
//
// Reports, per width, the 10th percentile and the median of ~1 ms batches, in ns per row call.
import { instantiateKernels } from './kernel-instance.mjs';

const [fileA, fileB] = process.argv.slice(2);
if (!fileA || !fileB) {
  console.error('usage: node bench/gates-ab.mjs <a.wasm> <b.wasm>');
  process.exit(2);
}
const ACT_TANH = 1;
const ACT_SIGMOID = 2;
const ROUNDS = Number(process.env.AB_ROUNDS ?? 200);
const CELLS = [
  { name: 'LSTM', G: 4, run: (k, m, Hp) => k.lstm_gates(m.h, m.c, m.pre, Hp, ACT_TANH, ACT_SIGMOID) },
  { name: 'GRU', G: 3, run: (k, m, Hp) => k.gru_gates_reset_after(m.h, m.pre, m.rec, Hp, ACT_TANH, ACT_SIGMOID) },
  { name: 'GRU-RB zr', G: 3, run: (k, m, Hp) => k.gru_gates_reset_before_zr(m.rh, m.rec, m.h, m.pre, Hp, ACT_SIGMOID) },
  { name: 'GRU-RB h', G: 3, run: (k, m, Hp) => k.gru_gates_reset_before_update(m.h, m.pre, m.rec, Hp, ACT_TANH) },
  { name: 'SimpleRNN', G: 1, run: (k, m, Hp) => k.simple_rnn_gates(m.h, m.pre, Hp, ACT_TANH) },
];
const builds = await Promise.all([fileA, fileB].map(instantiateKernels));

function seeded(n, seed, scale) {
  return Float32Array.from({ length: n }, (_, i) => Math.sin(i * 12.9898 + seed) * 43758.5453 % 1 * scale);
}

/** Buffers for one row of width Hp, filled with the same values in both builds. */
function rowBuffers({ kernels, alloc }, G, Hp, scale) {
  const m = { h: alloc(Hp * 4), c: alloc(Hp * 4), pre: alloc(G * Hp * 4), rec: alloc(G * Hp * 4), rh: alloc(Hp * 4) };
  const view = (ptr, n) => new Float32Array(kernels.memory.buffer, ptr, n);
  m.reset = () => {
    view(m.h, Hp).set(seeded(Hp, 1, 1));
    view(m.c, Hp).set(seeded(Hp, 2, 3));
    view(m.pre, G * Hp).set(seeded(G * Hp, 3, scale));
    view(m.rec, G * Hp).set(seeded(G * Hp, 4, scale));
    view(m.rh, Hp).fill(0);
  };
  m.states = () => [...view(m.h, Hp), ...view(m.c, Hp), ...view(m.pre, G * Hp), ...view(m.rec, G * Hp), ...view(m.rh, Hp)];
  return m;
}

let identical = true;
for (const cell of CELLS) {
  for (const Hp of [4, 8, 12, 36, 64, 68, 128, 256, 260]) {
    for (const scale of [0.5, 4, 40]) {
      const states = builds.map((build) => {
        const m = rowBuffers(build, cell.G, Hp, scale);
        m.reset();
        for (let t = 0; t < 5; t++) cell.run(build.kernels, m, Hp);
        return m.states();
      });
      if (!states[0].every((v, i) => Object.is(v, states[1][i]))) {
        identical = false;
        console.log(`${cell.name} Hp=${Hp} scale=${scale}: outputs differ`);
      }
    }
  }
}
console.log(identical ? 'bit-identical on every width and range' : 'OUTPUTS DIFFER');

const at = (list, q) => [...list].sort((x, y) => x - y)[Math.floor(q * (list.length - 1))];
for (const cell of CELLS) {
  for (const Hp of [64, 128, 256]) {
    const rows = builds.map((build) => {
      const m = rowBuffers(build, cell.G, Hp, 2);
      m.reset();
      return m;
    });
    const calls = Math.max(1, Math.round(4e5 / (cell.G * Hp)));
    const times = [[], []];
    for (let round = 0; round < ROUNDS; round++) {
      for (let which = 0; which < 2; which++) {
        const b = round % 2 === 0 ? which : 1 - which;
        const { kernels } = builds[b];
        const m = rows[b];
        const start = process.hrtime.bigint();
        for (let n = 0; n < calls; n++) cell.run(kernels, m, Hp);
        times[b].push(Number(process.hrtime.bigint() - start) / calls);
        m.reset();
      }
    }
    const [a, b] = times.map((list) => ({ p10: at(list, 0.1), median: at(list, 0.5) }));
    console.log(`${`${cell.name} Hp=${Hp}`.padEnd(18)} A ${a.p10.toFixed(0)} ns (median ${a.median.toFixed(0)})  B ${b.p10.toFixed(0)} ns (median ${b.median.toFixed(0)})  B/A ${(b.p10 / a.p10).toFixed(3)} (median ${(b.median / a.median).toFixed(3)})`);
  }
}
