import { TPM_ALG, TPM_RC, TPMA_OBJECT } from '../../../gen/constants.js';
import { tpmError } from '../../errors.js';
import { objectOf } from '../../object.js';
import type { Handler } from '../handler.js';

const KEY_USES = TPMA_OBJECT.decrypt | TPMA_OBJECT.sign_encrypt | TPMA_OBJECT.restricted;

/**
 * TPM2_Unseal (Part 3 "TPM2_Unseal"): the data of a loaded sealed data object, a keyedHash
 * object with decrypt, sign and restricted CLEAR (TPM_RC_TYPE for another type, a sequence
 * included; TPM_RC_ATTRIBUTES for a key).
 */
export const Unseal: Handler<'Unseal'> = (ctx, { itemHandle }) => {
  const o = objectOf(ctx, itemHandle);
  if (!o || o.public.type !== TPM_ALG.KEYEDHASH) throw tpmError(TPM_RC.TYPE, 'not a data object').at('itemHandle');
  if (o.public.objectAttributes & KEY_USES) throw tpmError(TPM_RC.ATTRIBUTES, 'a key, not sealed data').at('itemHandle');
  return { outData: (o.sensitive?.sensitive as Uint8Array | undefined) ?? new Uint8Array(0) };
};
