import type { Handler } from '../handler.js';
import { encryptDecrypt } from './encrypt-decrypt.js';

/**
 * TPM2_EncryptDecrypt (Part 3 "TPM2_EncryptDecrypt"): symmetric encryption or decryption with a
 * loaded symmetric key; ivOut chains into the next call. Deprecated in favour of
 * TPM2_EncryptDecrypt2, which puts inData first so that it can be encrypted as a parameter.
 */
export const EncryptDecrypt: Handler<'EncryptDecrypt'> = (ctx, input) => encryptDecrypt(ctx, input);
