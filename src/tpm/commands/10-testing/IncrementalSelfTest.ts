import { TPM_RC } from '../../../gen/constants.js';
import { tpmError } from '../../errors.js';
import type { Handler } from '../handler.js';
import { runSelfTests, untestedAlgorithms } from './self-test.js';

/**
 * TPM2_IncrementalSelfTest (Part 3 "TPM2_IncrementalSelfTest"): tests the algorithms of toTest
 * (an unimplemented one is TPM_RC_VALUE) and returns in toDoList every algorithm still untested,
 * as the reference's CryptIncrementalSelfTest does.
 */
export const IncrementalSelfTest: Handler<'IncrementalSelfTest'> = (ctx, { toTest }) => {
  for (const alg of toTest.algorithms) {
    if (!ctx.profile.algorithms.has(alg)) throw tpmError(TPM_RC.VALUE, `algorithm 0x${alg.toString(16)} is not implemented`).at('toTest');
  }
  runSelfTests(ctx, toTest.algorithms, { rerun: true });
  const max = ctx.profile.limits.MAX_ALG_LIST_SIZE;
  return { toDoList: { algorithms: untestedAlgorithms(ctx).slice(0, max) } };
};
