import type { HashAlgorithm, HashContext } from '../../../crypto/hash.js';
import { freeTransientHandle } from '../../object.js';
import type { Handler } from '../handler.js';
import { hmacKey } from '../15-symmetric/hmac-key.js';

/**
 * The running HMAC of a sequence as two hash contexts (RFC 2104): inner = H(K ⊕ ipad ‖ …) takes
 * the data, outer = H(K ⊕ opad) takes the inner digest at the end. Plain hash contexts, so that
 * snapshots and TPM2_ContextSave keep them without the key.
 */
export function hmacContexts(hash: HashAlgorithm, key: Uint8Array): [HashContext, HashContext] {
  const b = hash.blockSize;
  const k = key.length > b ? hash.digest(key) : key;
  const ipad = new Uint8Array(b);
  const opad = new Uint8Array(b);
  for (let i = 0; i < b; i++) {
    ipad[i] = (k[i] ?? 0) ^ 0x36;
    opad[i] = (k[i] ?? 0) ^ 0x5c;
  }
  return [hash.create().update(ipad), hash.create().update(opad)];
}

/**
 * TPM2_HMAC_Start (Part 3 "TPM2_HMAC_Start"): an HMAC sequence keyed by a loaded keyedHash
 * signing key (the key checks of TPM2_HMAC), continued with TPM2_SequenceUpdate and finished by
 * TPM2_SequenceComplete; TPM_RC_OBJECT_MEMORY when no object slot is free.
 */
export const HMAC_Start: Handler<'HMAC_Start'> = (ctx, { handle, auth, hashAlg }) => {
  const { hash, key } = hmacKey(ctx, handle, hashAlg);
  const sequenceHandle = freeTransientHandle(ctx);
  ctx.write('volatile').objects[sequenceHandle] = {
    kind: 'hmac',
    auth: auth.slice(),
    contexts: hmacContexts(hash, key),
    hashAlg: hash.alg,
    firstBlock: null,
  };
  return { sequenceHandle };
};
