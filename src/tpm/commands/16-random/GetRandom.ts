import type { Handler } from '../handler.js';

/**
 * TPM2_GetRandom (Part 3 "TPM2_GetRandom"): up to one digest's worth of octets from the DRBG;
 * a larger request is answered with the largest digest size, not refused.
 */
export const GetRandom: Handler<'GetRandom'> = (ctx, { bytesRequested }) => {
  const max = Math.max(...ctx.crypto.hashes.map((h) => h.digestSize));
  return { randomBytes: ctx.rng.bytes(Math.min(bytesRequested, max)) };
};
