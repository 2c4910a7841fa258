import { readFileSync, readdirSync } from 'node:fs';

/** A tensor as stored in a fixture: row-major `data` whose length is the product of `shape`. */
export interface TensorJson {
  name?: string;
  shape: number[];
  data: number[];
}

export interface Tolerance {
  abs: number;
  rel: number;
}

/** One Keras recurrent-layer case; see ../../shared/fixtures/README.md for the schema. */
export interface Fixture {
  name: string;
  description: string;
  hard_sigmoid_variant?: 'keras2' | 'keras3';
  layer: { class_name: string; config: Record<string, unknown> };
  weights: TensorJson[];
  inputs: { x: TensorJson; mask?: TensorJson; initial_state?: TensorJson[] };
  expected: TensorJson[];
  tolerance: Tolerance;
}

/** The shared fixture folder, which lives outside the repository and is never copied into it. */
export function fixturesDir(): URL {
  return new URL('../../shared/fixtures/', import.meta.url);
}

/** Every `*.json` fixture, sorted by name so test order is stable across file systems. */
export function loadFixtures(): Fixture[] {
  const fileNames = readdirSync(fixturesDir())
    .filter((fileName) => fileName.endsWith('.json'))
    .sort();
  return fileNames.map((fileName) => readFixtureFile(fileName));
}

export function loadFixture(name: string): Fixture {
  return readFixtureFile(`${name}.json`);
}

/**
 * The largest `|a - e| / (abs + rel * |e|)` over all elements, so an output passes when `worst <= 1`.
 * A NaN anywhere counts as Infinity, because NaN compares false and would otherwise hide a failure.
 * Arrays of different lengths are a total failure reported at the first index only one of them has.
 */
export function maxViolation(
  actual: ArrayLike<number>,
  expected: ArrayLike<number>,
  tol: Tolerance,
): { worst: number; index: number } {
  if (actual.length !== expected.length) {
    return { worst: Infinity, index: Math.min(actual.length, expected.length) };
  }
  let worst = 0;
  let index = -1;
  for (let i = 0; i < actual.length; i++) {
    const ratio = violationRatio(actual[i], expected[i], tol);
    if (ratio > worst || index === -1) {
      worst = ratio;
      index = i;
    }
    if (worst === Infinity) break;
  }
  return { worst, index };
}

/** `|a - e| / (abs + rel * |e|)` for one element, with NaN mapped to Infinity. */
export function violationRatio(actual: number, expected: number, tol: Tolerance): number {
  const ratio = Math.abs(actual - expected) / (tol.abs + tol.rel * Math.abs(expected));
  return Number.isNaN(ratio) ? Infinity : ratio;
}

function readFixtureFile(fileName: string): Fixture {
  const url = new URL(fileName, fixturesDir());
  const parsed: unknown = JSON.parse(readFileSync(url, 'utf8'));
  return validateFixture(parsed, fileName);
}

// The JSON is validated rather than cast so that a malformed file fails loudly in the loader
// instead of producing a confusing numeric mismatch deep inside a test.
function validateFixture(value: unknown, where: string): Fixture {
  const root = expectRecord(value, where);
  const name = expectString(root.name, `${where}: name`);
  const description = expectString(root.description, `${where}: description`);

  let hardSigmoidVariant: 'keras2' | 'keras3' | undefined;
  if (root.hard_sigmoid_variant !== undefined) {
    if (root.hard_sigmoid_variant !== 'keras2' && root.hard_sigmoid_variant !== 'keras3') {
      throw new Error(`${where}: hard_sigmoid_variant must be "keras2" or "keras3"`);
    }
    hardSigmoidVariant = root.hard_sigmoid_variant;
  }

  const layerRecord = expectRecord(root.layer, `${where}: layer`);
  const layer = {
    class_name: expectString(layerRecord.class_name, `${where}: layer.class_name`),
    config: expectRecord(layerRecord.config, `${where}: layer.config`),
  };

  const weights = expectTensorList(root.weights, `${where}: weights`);

  const inputsRecord = expectRecord(root.inputs, `${where}: inputs`);
  const inputs: Fixture['inputs'] = { x: expectTensor(inputsRecord.x, `${where}: inputs.x`) };
  if (inputsRecord.mask !== undefined) {
    inputs.mask = expectTensor(inputsRecord.mask, `${where}: inputs.mask`);
  }
  if (inputsRecord.initial_state !== undefined) {
    inputs.initial_state = expectTensorList(inputsRecord.initial_state, `${where}: inputs.initial_state`);
  }

  const expected = expectTensorList(root.expected, `${where}: expected`);

  const toleranceRecord = expectRecord(root.tolerance, `${where}: tolerance`);
  const tolerance = {
    abs: expectNumber(toleranceRecord.abs, `${where}: tolerance.abs`),
    rel: expectNumber(toleranceRecord.rel, `${where}: tolerance.rel`),
  };

  const fixture: Fixture = { name, description, layer, weights, inputs, expected, tolerance };
  if (hardSigmoidVariant !== undefined) fixture.hard_sigmoid_variant = hardSigmoidVariant;
  return fixture;
}

function expectRecord(value: unknown, where: string): Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new Error(`${where}: expected an object`);
  }
  return value as Record<string, unknown>;
}

function expectString(value: unknown, where: string): string {
  if (typeof value !== 'string') throw new Error(`${where}: expected a string`);
  return value;
}

function expectNumber(value: unknown, where: string): number {
  if (typeof value !== 'number') throw new Error(`${where}: expected a number`);
  return value;
}

function expectTensorList(value: unknown, where: string): TensorJson[] {
  if (!Array.isArray(value)) throw new Error(`${where}: expected an array of tensors`);
  return value.map((item: unknown, i) => expectTensor(item, `${where}[${i}]`));
}

function expectTensor(value: unknown, where: string): TensorJson {
  const record = expectRecord(value, where);
  const shape = record.shape;
  const data = record.data;
  if (!Array.isArray(shape) || !shape.every((dim: unknown) => Number.isInteger(dim) && (dim as number) >= 0)) {
    throw new Error(`${where}.shape: expected an array of non-negative integers`);
  }
  if (!Array.isArray(data) || !data.every((element: unknown) => typeof element === 'number')) {
    throw new Error(`${where}.data: expected an array of numbers`);
  }
  const elementCount = (shape as number[]).reduce((product, dim) => product * dim, 1);
  if (data.length !== elementCount) {
    throw new Error(`${where}: data length ${data.length} != product of shape [${shape.join(', ')}]`);
  }
  const tensor: TensorJson = { shape: shape as number[], data: data as number[] };
  if (record.name !== undefined) tensor.name = expectString(record.name, `${where}.name`);
  return tensor;
}
