// The type of a compiled kernel module in the public API, written so that the package's .d.ts
// compile in a Node project whose `lib` has no WebAssembly namespace (ES2022 alone, @types/node 20).

/** WebAssembly.Module where the program's types declare it (lib DOM or WebWorker, newer @types/node), else any object. */
export type CompiledWasmModule = typeof globalThis extends { WebAssembly: { Module: { prototype: infer M } } } ? M : object;
