// The part of jsfive 0.4 (a pure-JavaScript HDF5 reader) the loaders use; the package ships no types.
declare module 'jsfive' {
  export class Group {
    readonly name: string;
    /** Names of the links in this group, in the file's storage order. */
    readonly keys: string[];
    readonly attrs: Record<string, unknown>;
    /** A member by relative path; throws (often a plain string) when missing, null for dangling soft links. */
    get(path: string): Group | Dataset | null;
  }
  export class File extends Group {
    constructor(buffer: ArrayBuffer, filename?: string);
  }
  export class Dataset {
    readonly name: string;
    readonly shape: number[];
    /** A NumPy-style type string such as '<f4', or an array for compound/vlen types. */
    readonly dtype: unknown;
    readonly value: unknown;
    readonly attrs: Record<string, unknown>;
  }
}
