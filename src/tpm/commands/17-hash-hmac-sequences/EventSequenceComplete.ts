import { TPM_RC, TPM_RH } from '../../../gen/constants.js';
import { tpmError } from '../../errors.js';
import { extendPcr, pcrExtendAllowed } from '../../pcr.js';
import { sequenceOf } from '../../object.js';
import type { SequenceObject } from '../../state/types.js';
import type { Handler } from '../handler.js';

/**
 * TPM2_EventSequenceComplete (Part 3 "TPM2_EventSequenceComplete"): the digests of an Event
 * sequence in every implemented hash; unless pcrHandle is TPM_RH_NULL each extends that PCR in
 * its bank when allocated (TPM_RC_LOCALITY when the PCR may not be extended from this
 * locality). The sequence is flushed. A hash sequence is TPM_RC_MODE on handle 2.
 */
export const EventSequenceComplete: Handler<'EventSequenceComplete'> = (ctx, { pcrHandle, sequenceHandle, buffer }) => {
  const found = sequenceOf(ctx, sequenceHandle);
  if (!found || found.kind !== 'event') throw tpmError(TPM_RC.MODE, 'not an Event sequence').at('sequenceHandle');
  const extend = pcrHandle !== TPM_RH.NULL;
  if (extend && !pcrExtendAllowed(ctx.profile, pcrHandle, ctx.locality)) {
    throw tpmError(TPM_RC.LOCALITY, `PCR ${pcrHandle} cannot be extended from locality ${ctx.locality}`);
  }
  const v = ctx.write('volatile');
  const seq = v.objects[sequenceHandle] as SequenceObject;
  delete v.objects[sequenceHandle];
  const digests = seq.contexts
    .map((c) => ({ hashAlg: c.hash.alg, digest: c.update(buffer).digest() }))
    .sort((a, b) => a.hashAlg - b.hashAlg);
  if (extend) {
    const allocation = ctx.read('persistent').pcrAllocation;
    const clear = ctx.write('stateClear');
    for (const d of digests) extendPcr(ctx.profile, allocation, clear, pcrHandle, d.hashAlg, d.digest);
  }
  return { results: { digests } };
};
