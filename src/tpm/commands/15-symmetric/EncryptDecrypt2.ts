import type { Handler } from '../handler.js';
import { encryptDecrypt } from './encrypt-decrypt.js';

/**
 * TPM2_EncryptDecrypt2 (Part 3 "TPM2_EncryptDecrypt2"): TPM2_EncryptDecrypt with inData as the
 * first parameter; the response codes carry this command's parameter numbers.
 */
export const EncryptDecrypt2: Handler<'EncryptDecrypt2'> = (ctx, input) => encryptDecrypt(ctx, input);
