import { shutdown } from '../../state/lifecycle.js';
import type { Handler } from '../handler.js';

/** TPM2_Shutdown (Part 3 "TPM2_Shutdown"): prepare for loss of power; STATE saves PCRs for a Resume. */
export const Shutdown: Handler<'Shutdown'> = (ctx, { shutdownType }) => {
  shutdown(ctx, ctx.machine, shutdownType);
  return {};
};
