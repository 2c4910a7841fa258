// Weight regularizers and constraints as a Keras user writes them: factories, classes, Keras names and configs.
import {
  Dense, LSTM, GRU, Conv1D, Embedding, BatchNormalization, Sequential, regularizers, constraints, L1, L2, L1L2, OrthogonalRegularizer,
  MaxNorm, NonNeg, UnitNorm, MinMaxNorm, type Regularizer, type Constraint, type RegularizerSpec, type ConstraintSpec,
} from 'wasm-rnn';

const dense = new Dense({ units: 4, kernelRegularizer: regularizers.l2(0.01) });
new Dense(64, { kernelRegularizer: regularizers.l1l2({ l1: 1e-5, l2: 1e-4 }), biasRegularizer: 'l1', kernelConstraint: constraints.maxNorm(3) });
new LSTM(32, { recurrentRegularizer: new L1(1e-4), kernelConstraint: 'max_norm', recurrentConstraint: constraints.unitNorm({ axis: 0 }) });
new GRU({ units: 8, kernelRegularizer: { class_name: 'L1L2', config: { l1: 0, l2: 0.001 } }, biasConstraint: { class_name: 'NonNeg', config: {} } });
new Conv1D(16, 3, { kernelRegularizer: new OrthogonalRegularizer({ factor: 0.01, mode: 'columns' }), kernelConstraint: new MaxNorm({ maxValue: 2, axis: [0, 1] }) });
new Embedding(100, 8, { embeddingsRegularizer: new L2(0.001), embeddingsConstraint: new NonNeg() });
new BatchNormalization({ gammaRegularizer: 'l2', betaConstraint: new MinMaxNorm({ minValue: 0, maxValue: 1, rate: 1 }) });
const reg: Regularizer | null = dense.kernelRegularizer;
const con: Constraint | null = new LSTM(2).recurrentConstraint;
const specs: RegularizerSpec[] = ['l1_l2', new L1L2(0.01, 0.01), null];
const constraintSpecs: ConstraintSpec[] = ['non_neg', new UnitNorm(), constraints.minMaxNorm(), constraints.nonNeg()];
const penalty: number = regularizers.l1(0.1).penalty(new Float32Array([1, -2]), [2]);
void [reg, con, specs, constraintSpecs, penalty, new Sequential([dense])];
// @ts-expect-error not a Keras regularizer name
new Dense({ units: 4, kernelRegularizer: 'l3' });
// @ts-expect-error Dense has no embeddings
new Dense({ units: 4, embeddingsRegularizer: 'l2' });
// @ts-expect-error a constraint is not a regularizer
new Dense({ units: 4, kernelRegularizer: constraints.nonNeg() });
