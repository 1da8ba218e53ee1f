import { TPM_ST } from '../../../gen/constants.js';
import { clockInfo, timeNow } from '../29-clocks-timers/ReadClock.js';
import type { Handler } from '../handler.js';
import { attestInfo, attestSigner, firmwareVersionOf, signAttest } from './attest.js';

/**
 * TPM2_GetTime (Part 3 "TPM2_GetTime"): a signed Time, Clock and firmware version. The
 * attested TPMS_TIME_ATTEST_INFO carries them in clear; only the header's copy is obfuscated
 * for keys outside the endorsement and platform hierarchies, which is why the privacy
 * administrator (endorsement) authorizes this command.
 */
export const GetTime: Handler<'GetTime'> = (ctx, { signHandle, qualifyingData, inScheme }) => {
  const signer = attestSigner(ctx, signHandle, inScheme);
  const info = attestInfo(ctx, signer, qualifyingData, TPM_ST.ATTEST_TIME, {
    time: { time: timeNow(ctx), clockInfo: clockInfo(ctx) },
    firmwareVersion: firmwareVersionOf(ctx),
  });
  const { bytes, signature } = signAttest(ctx, signer, info, qualifyingData);
  return { timeInfo: bytes, signature };
};
