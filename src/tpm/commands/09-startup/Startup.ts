import { startup } from '../../state/lifecycle.js';
import type { Handler } from '../handler.js';

/** TPM2_Startup (Part 3 "TPM2_Startup"): TPM Reset, Restart or Resume; see state/lifecycle.ts. */
export const Startup: Handler<'Startup'> = (ctx, { startupType }) => {
  startup(ctx, startupType);
  return {};
};
