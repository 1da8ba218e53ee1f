export { Reader } from './reader.js';
export { Writer } from './writer.js';
export { WireError, WIRE_RC } from './errors.js';
export { evaluateBound } from './expr.js';
export { createCodec, type Codec, type CodecOptions } from './codec.js';
export type * from './descriptor.js';
export * from './frame.js';
