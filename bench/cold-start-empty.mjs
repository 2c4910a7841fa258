// Intentionally empty: bench/cold-start.mjs imports this module to time Node's own ESM loader.
