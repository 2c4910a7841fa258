// Model JSON is walked recursively (config copies, nested Bidirectional and
// TimeDistributed layers), so nesting is bounded before anything walks it:
// real Keras configs nest about 10 deep.
import { ModelFileError } from './errors.js';

export const MAX_JSON_DEPTH = 64;
/** Values visited at most: a parsed object from the caller could be cyclic or absurdly wide. */
const MAX_JSON_VALUES = 5_000_000;

export function checkJsonDepth(value: unknown, where: { file?: string; part?: string }): void {
  const stack: [unknown, number][] = [[value, 0]];
  let visited = 0;
  while (stack.length > 0) {
    const [current, depth] = stack.pop() as [unknown, number];
    if (typeof current !== 'object' || current === null) continue;
    if (depth >= MAX_JSON_DEPTH) {
      throw new ModelFileError(`nests deeper than ${MAX_JSON_DEPTH} levels, which no Keras model config does`, where);
    }
    const children = Array.isArray(current) ? current : Object.values(current);
    visited += children.length;
    if (visited > MAX_JSON_VALUES) throw new ModelFileError(`holds more than ${MAX_JSON_VALUES} JSON values`, where);
    for (const child of children) stack.push([child, depth + 1]);
  }
}
