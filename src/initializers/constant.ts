/** The deterministic initializers: Zeros, Ones, Constant and Identity. */
import { ShapeError, formatShape } from '../errors.js';
import { shapeSize, type Initializer } from './initializer.js';
import { checkKeys, readNumber, type OptionBag } from './validate.js';

class Fill implements Initializer {
  constructor(
    readonly className: 'Zeros' | 'Ones' | 'Constant',
    private readonly value: number,
  ) {}

  getConfig(): Record<string, unknown> {
    return this.className === 'Constant' ? { value: this.value } : {};
  }

  generate(shape: readonly number[]): Float32Array {
    return new Float32Array(shapeSize(shape)).fill(this.value);
  }
}

class Identity implements Initializer {
  readonly className = 'Identity';

  constructor(private readonly gain: number) {}

  getConfig(): Record<string, unknown> {
    return { gain: this.gain };
  }

  /** `gain` on the main diagonal, like Keras' `gain * eye(rows, cols)`; non-square is allowed. */
  generate(shape: readonly number[]): Float32Array {
    const size = shapeSize(shape);
    if (shape.length !== 2) {
      throw new ShapeError(`Identity initializer: expected a 2-D shape, received ${formatShape(shape)} of rank ${shape.length}.`);
    }
    const [rows, cols] = shape as readonly [number, number];
    const values = new Float32Array(size);
    for (let i = 0; i < Math.min(rows, cols); i++) values[i * cols + i] = this.gain;
    return values;
  }
}

export function createZeros(options: OptionBag, where: string): Initializer {
  checkKeys(options, [], where);
  return new Fill('Zeros', 0);
}

export function createOnes(options: OptionBag, where: string): Initializer {
  checkKeys(options, [], where);
  return new Fill('Ones', 1);
}

export function createConstant(options: OptionBag, where: string): Initializer {
  checkKeys(options, ['value'], where);
  return new Fill('Constant', readNumber(options, 'value', 0, where));
}

export function createIdentity(options: OptionBag, where: string): Initializer {
  checkKeys(options, ['gain'], where);
  return new Identity(readNumber(options, 'gain', 1, where));
}
