/**
 * The body TPM2_EncryptDecrypt and TPM2_EncryptDecrypt2 share (Part 3 "TPM2_EncryptDecrypt",
 * "TPM2_EncryptDecrypt2"; the reference's EncryptDecryptShared): an unrestricted symmetric key
 * with decrypt SET to decrypt or sign SET to encrypt, the mode from the key or the command, an IV
 * of one block (empty for ECB), whole blocks for CBC and ECB. Errors name the fields, so each
 * command's own parameter numbers follow.
 */
import { symDecrypt, symEncrypt } from '../../../crypto/symmetric.js';
import { TPM_ALG, TPM_RC, TPMA_OBJECT } from '../../../gen/constants.js';
import type { TPMS_SYMCIPHER_PARMS } from '../../../gen/types.js';
import type { CommandContext } from '../../context.js';
import { tpmError } from '../../errors.js';
import { objectOf } from '../../object.js';
import { ensureTested } from '../10-testing/self-test.js';

export interface EncryptDecryptInput {
  keyHandle: number;
  decrypt: number;
  mode: number;
  ivIn: Uint8Array;
  inData: Uint8Array;
}

export function encryptDecrypt(ctx: CommandContext, input: EncryptDecryptInput): { outData: Uint8Array; ivOut: Uint8Array } {
  const key = objectOf(ctx, input.keyHandle);
  // A sequence object has no type (TPM_ALG_NULL in the reference): not a symmetric key either.
  if (!key || key.public.type !== TPM_ALG.SYMCIPHER) throw tpmError(TPM_RC.KEY, 'not a symmetric cipher key').at('keyHandle');
  const a = key.public.objectAttributes;
  const decrypt = input.decrypt !== 0;
  if (a & TPMA_OBJECT.restricted || !(a & (decrypt ? TPMA_OBJECT.decrypt : TPMA_OBJECT.sign_encrypt))) {
    throw tpmError(TPM_RC.ATTRIBUTES, decrypt ? 'the key may not decrypt' : 'the key may not encrypt').at('keyHandle');
  }
  const sym = (key.public.parameters as TPMS_SYMCIPHER_PARMS).sym;
  let mode = sym.mode ?? TPM_ALG.NULL;
  if (mode !== TPM_ALG.NULL) {
    if (input.mode !== TPM_ALG.NULL && input.mode !== mode) throw tpmError(TPM_RC.MODE, 'the key has another mode').at('mode');
  } else {
    if (input.mode === TPM_ALG.NULL) throw tpmError(TPM_RC.MODE, 'neither the key nor the command gives a mode').at('mode');
    mode = input.mode;
  }
  const blockSize = ctx.crypto.symmetricBlockSize(sym.algorithm);
  // A public-only key (TPM2_LoadExternal) has no key to use.
  if (!blockSize || !key.sensitive) throw tpmError(TPM_RC.KEY, 'no symmetric key').at('keyHandle');
  if (mode === TPM_ALG.ECB ? input.ivIn.length !== 0 : input.ivIn.length !== blockSize) {
    throw tpmError(TPM_RC.SIZE, 'ivIn is one block (empty for ECB)').at('ivIn');
  }
  if ((mode === TPM_ALG.CBC || mode === TPM_ALG.ECB) && input.inData.length % blockSize !== 0) {
    throw tpmError(TPM_RC.SIZE, 'CBC and ECB take whole blocks').at('inData');
  }
  ensureTested(ctx, [sym.algorithm, mode]);
  const cipher = ctx.crypto.cipher(sym.algorithm, key.sensitive.sensitive as Uint8Array);
  const result = (decrypt ? symDecrypt : symEncrypt)(mode, cipher, input.ivIn, input.inData);
  return { outData: result.data, ivOut: result.ivOut };
}
