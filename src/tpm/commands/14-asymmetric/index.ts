import type { HandlerTable } from '../handler.js';
import { ECC_Decrypt } from './ECC_Decrypt.js';
import { ECC_Encrypt } from './ECC_Encrypt.js';
import { ECC_Parameters } from './ECC_Parameters.js';
import { ECDH_KeyGen } from './ECDH_KeyGen.js';
import { ECDH_ZGen } from './ECDH_ZGen.js';
import { RSA_Decrypt } from './RSA_Decrypt.js';
import { RSA_Encrypt } from './RSA_Encrypt.js';
import { ZGen_2Phase } from './ZGen_2Phase.js';

/** Part 3 "Asymmetric Primitives". */
export const asymmetricHandlers: HandlerTable = { RSA_Encrypt, RSA_Decrypt, ECDH_KeyGen, ECDH_ZGen, ECC_Parameters, ZGen_2Phase, ECC_Encrypt, ECC_Decrypt };
