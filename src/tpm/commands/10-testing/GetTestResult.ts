import { utf8 } from '../../../crypto/bytes.js';
import { TPM_RC } from '../../../gen/constants.js';
import type { Handler } from '../handler.js';

/**
 * TPM2_GetTestResult (Part 3 "TPM2_GetTestResult"): TPM_RC_FAILURE with what failed (outData,
 * UTF-8) in failure mode, else TPM_RC_SUCCESS and no data (tests run synchronously, so there is
 * never a test in progress; untested algorithms are tested on first use, as the reference).
 */
export const GetTestResult: Handler<'GetTestResult'> = (ctx) => {
  const failure = ctx.read('volatile').failure;
  if (!failure) return { outData: new Uint8Array(0), testResult: TPM_RC.SUCCESS };
  return { outData: utf8(failure.detail).subarray(0, ctx.profile.limits.MAX_DIGEST_BUFFER), testResult: TPM_RC.FAILURE };
};
