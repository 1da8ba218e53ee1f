import { testableAlgorithms, runSelfTests, untestedAlgorithms } from './self-test.js';
import type { Handler } from '../handler.js';

/**
 * TPM2_SelfTest (Part 3 "TPM2_SelfTest"): fullTest YES tests every algorithm, NO only those not
 * yet tested. The tests run before the command returns (no TPM_RC_TESTING); a failure puts the
 * TPM in failure mode (TPM_RC_FAILURE).
 */
export const SelfTest: Handler<'SelfTest'> = (ctx, { fullTest }) => {
  runSelfTests(ctx, fullTest ? testableAlgorithms(ctx.profile) : untestedAlgorithms(ctx), { rerun: true });
  ctx.write('volatile').selfTested = true;
  return {};
};
