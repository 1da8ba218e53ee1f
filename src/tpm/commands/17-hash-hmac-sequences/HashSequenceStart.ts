import { TPM_ALG, TPM_HC, TPM_RC } from '../../../gen/constants.js';
import { tpmError } from '../../errors.js';
import type { Handler } from '../handler.js';
import { ensureTested } from '../10-testing/self-test.js';

/**
 * TPM2_HashSequenceStart (Part 3 "TPM2_HashSequenceStart"): a hash sequence object, or with
 * hashAlg TPM_ALG_NULL an Event sequence (one running digest per implemented hash). The object
 * takes a transient slot: TPM_RC_OBJECT_MEMORY when MAX_LOADED_OBJECTS are loaded.
 */
export const HashSequenceStart: Handler<'HashSequenceStart'> = (ctx, { auth, hashAlg }) => {
  const objects = ctx.read('volatile').objects;
  let sequenceHandle = -1;
  for (let n = 0; n < ctx.profile.limits.MAX_LOADED_OBJECTS; n++) {
    if (!((TPM_HC.TRANSIENT_FIRST + n) in objects)) {
      sequenceHandle = TPM_HC.TRANSIENT_FIRST + n;
      break;
    }
  }
  if (sequenceHandle < 0) throw tpmError(TPM_RC.OBJECT_MEMORY, 'no free object slot');
  const event = hashAlg === TPM_ALG.NULL;
  const hashes = event ? ctx.crypto.hashes : [ctx.crypto.hash(hashAlg)!];
  ensureTested(ctx, hashes.map((h) => h.alg));
  ctx.write('volatile').objects[sequenceHandle] = {
    kind: event ? 'event' : 'hash',
    auth: auth.slice(),
    contexts: hashes.map((h) => h.create()),
    hashAlg,
    firstBlock: null,
  };
  return { sequenceHandle };
};
