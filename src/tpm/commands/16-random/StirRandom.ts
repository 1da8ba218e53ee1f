import type { Handler } from '../handler.js';

/** TPM2_StirRandom (Part 3 "TPM2_StirRandom"): mix caller data into the DRBG state. */
export const StirRandom: Handler<'StirRandom'> = (ctx, { inData }) => {
  ctx.rng.stir(inData);
  return {};
};
