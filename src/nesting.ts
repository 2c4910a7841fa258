// Configs are walked recursively (config copies, nested models, Bidirectional and TimeDistributed
// layers, nested initializers), so nesting is bounded before anything walks them: real Keras
// configs nest about 10 deep. The walk itself keeps its own stack, so it cannot overflow.

export const MAX_CONFIG_DEPTH = 64;
/** Values visited at most: a parsed object from the caller could be cyclic or absurdly wide. */
const MAX_CONFIG_VALUES = 5_000_000;

/** Why a config (parsed JSON, or an object a caller built) is too deep or too large to walk, or null. */
export function configNestingProblem(value: unknown): string | null {
  const stack: [unknown, number][] = [[value, 0]];
  let visited = 0;
  while (stack.length > 0) {
    const [current, depth] = stack.pop() as [unknown, number];
    if (typeof current !== 'object' || current === null) continue;
    if (depth >= MAX_CONFIG_DEPTH) return `nests deeper than ${MAX_CONFIG_DEPTH} levels, which no Keras model config does`;
    const children = Array.isArray(current) ? current : Object.values(current);
    visited += children.length;
    if (visited > MAX_CONFIG_VALUES) return `holds more than ${MAX_CONFIG_VALUES} values (or refers to itself)`;
    for (const child of children) stack.push([child, depth + 1]);
  }
  return null;
}
