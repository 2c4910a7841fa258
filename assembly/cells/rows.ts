// Helpers every cell step shares.

/** Row b of a step is valid when there is no mask (valid = 0) or its flag is set. */
// @ts-ignore: decorator
@inline export function row_is_valid(valid: usize, b: usize): bool {
  return valid == 0 || load<u8>(valid + b) != 0;
}
