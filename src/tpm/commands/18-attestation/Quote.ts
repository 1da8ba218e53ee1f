import { TPM_RC, TPM_ST } from '../../../gen/constants.js';
import type { TPMS_PCR_SELECTION } from '../../../gen/types.js';
import { tpmError } from '../../errors.js';
import { pcrCompositeDigest } from '../../pcr.js';
import type { Handler } from '../handler.js';
import { attestInfo, attestSigner, signAttest, signerHash } from './attest.js';

/**
 * TPM2_Quote (Part 3 "TPM2_Quote"): signs the digest of the selected PCRs, hashed with the
 * scheme's hash. Selections are first filtered to the allocated PCRs of each bank (the
 * reference's FilterPcr), and the filtered selection is what the quote reports. Without a
 * signing scheme (TPM_RH_NULL) there is no hash: TPM_RC_SCHEME.
 */
export const Quote: Handler<'Quote'> = (ctx, { signHandle, qualifyingData, inScheme, PCRselect }) => {
  const signer = attestSigner(ctx, signHandle, inScheme);
  const hash = ctx.crypto.hash(signerHash(signer));
  if (!hash) throw tpmError(TPM_RC.SCHEME, 'a quote needs a signing scheme with a hash').at('inScheme');
  const allocation = ctx.read('persistent').pcrAllocation;
  const selections: TPMS_PCR_SELECTION[] = PCRselect.pcrSelections.map((s) => {
    const bank = allocation.find((a) => a.hash === s.hash);
    const pcrSelect = s.pcrSelect.map((byte, i) => (bank ? byte & ((bank.select >>> (8 * i)) & 0xff) : 0));
    return { hash: s.hash, pcrSelect };
  });
  const pcrDigest = pcrCompositeDigest(hash, allocation, ctx.read('stateClear'), ctx.profile.pcrCount, selections);
  const quoted = attestInfo(ctx, signer, qualifyingData, TPM_ST.ATTEST_QUOTE, { pcrSelect: { pcrSelections: selections }, pcrDigest });
  const { bytes, signature } = signAttest(ctx, signer, quoted, qualifyingData);
  return { quoted: bytes, signature };
};
