import type { Handler } from '../handler.js';

/**
 * TPM2_TestParms (Part 3 "TPM2_TestParms"): is this combination of algorithm parameters
 * supported? The strict, profile-narrowed decoding of TPMT_PUBLIC_PARMS is the whole test (as in
 * the reference): an unimplemented type is TPM_RC_TYPE, RSA key size or symmetric key size
 * TPM_RC_VALUE, curve TPM_RC_CURVE, symmetric algorithm TPM_RC_SYMMETRIC, mode TPM_RC_MODE,
 * scheme TPM_RC_SCHEME / TPM_RC_VALUE, hash TPM_RC_HASH, KDF TPM_RC_KDF, all on parameter 1.
 */
export const TestParms: Handler<'TestParms'> = () => ({});
