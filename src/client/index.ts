export { createClient, passwordSession, type Client, type RunOptions } from './client.js';
export { inProcess, type Transport } from './transport.js';
export { TpmError, decodeRc, type DecodedRc } from './errors.js';
