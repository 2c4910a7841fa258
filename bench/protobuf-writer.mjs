// A minimal protocol-buffers encoder: just the wire types an ONNX model needs
// (varint, 32-bit float, length-delimited). Written here so the bench needs
// no protobuf dependency.

const WIRE_VARINT = 0;
const WIRE_LENGTH_DELIMITED = 2;
const WIRE_FIXED32 = 5;

/** Collects the encoded fields of one message; nested messages are finished writers. */
export class ProtoWriter {
  constructor() {
    this.chunks = [];
    this.length = 0;
  }

  #push(bytes) {
    this.chunks.push(bytes);
    this.length += bytes.length;
  }

  #tag(field, wireType) {
    this.#push(encodeVarint(field * 8 + wireType));
  }

  /** int32, int64 or enum field with a non-negative value. */
  varint(field, value) {
    this.#tag(field, WIRE_VARINT);
    this.#push(encodeVarint(value));
    return this;
  }

  float(field, value) {
    this.#tag(field, WIRE_FIXED32);
    const bytes = new Uint8Array(4);
    new DataView(bytes.buffer).setFloat32(0, value, true);
    this.#push(bytes);
    return this;
  }

  bytes(field, bytes) {
    this.#tag(field, WIRE_LENGTH_DELIMITED);
    this.#push(encodeVarint(bytes.length));
    this.#push(bytes);
    return this;
  }

  string(field, text) {
    return this.bytes(field, new TextEncoder().encode(text));
  }

  message(field, writer) {
    return this.bytes(field, writer.finish());
  }

  /** A repeated int64 field, one entry per value (the proto2 default, unpacked). */
  repeatedVarint(field, values) {
    for (const value of values) this.varint(field, value);
    return this;
  }

  finish() {
    const out = new Uint8Array(this.length);
    let offset = 0;
    for (const chunk of this.chunks) {
      out.set(chunk, offset);
      offset += chunk.length;
    }
    return out;
  }
}

/** Base-128 varint of a non-negative safe integer (ONNX dims and enums are never negative here). */
export function encodeVarint(value) {
  if (!Number.isSafeInteger(value) || value < 0) throw new RangeError(`varint needs a non-negative safe integer, received ${value}`);
  const bytes = [];
  let rest = value;
  while (rest >= 0x80) {
    bytes.push((rest % 0x80) | 0x80);
    rest = Math.floor(rest / 0x80);
  }
  bytes.push(rest);
  return Uint8Array.from(bytes);
}

/** Float32 values as little-endian bytes, as TensorProto.raw_data requires on any host. */
export function float32LittleEndian(values) {
  const bytes = new Uint8Array(values.length * 4);
  const view = new DataView(bytes.buffer);
  for (let i = 0; i < values.length; i++) view.setFloat32(i * 4, values[i], true);
  return bytes;
}
