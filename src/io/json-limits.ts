// Model JSON from a file is bounded before anything walks it (see ../nesting.ts).
import { configNestingProblem } from '../nesting.js';
import { ModelFileError } from './errors.js';

export function checkJsonDepth(value: unknown, where: { file?: string; part?: string }): void {
  const problem = configNestingProblem(value);
  if (problem !== null) throw new ModelFileError(problem, where);
}
