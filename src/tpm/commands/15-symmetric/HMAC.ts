import { hmac } from '../../../crypto/hmac.js';
import type { Handler } from '../handler.js';
import { hmacKey } from './hmac-key.js';

/** TPM2_HMAC (Part 3 "TPM2_HMAC"): the HMAC of buffer with a loaded keyedHash signing key. */
export const HMAC: Handler<'HMAC'> = (ctx, { handle, buffer, hashAlg }) => {
  const { hash, key } = hmacKey(ctx, handle, hashAlg);
  return { outHMAC: hmac(hash, key, buffer) };
};
