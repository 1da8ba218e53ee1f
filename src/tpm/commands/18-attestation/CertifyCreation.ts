import { TPM_RC, TPM_ST } from '../../../gen/constants.js';
import { tpmError } from '../../errors.js';
import { requireObject } from '../../object.js';
import { bytesEqual } from '../../../crypto/bytes.js';
import { creationTicket } from '../12-object/creation.js';
import type { Handler } from '../handler.js';
import { attestInfo, attestSigner, signAttest } from './attest.js';

/**
 * TPM2_CertifyCreation (Part 3 "TPM2_CertifyCreation"): proves that an object was created by
 * this TPM with the given creation data, by checking the creation ticket
 * HMAC(proof, TPM_ST_CREATION ‖ Name ‖ creationHash) and signing the Name and creationHash.
 */
export const CertifyCreation: Handler<'CertifyCreation'> = (ctx, { signHandle, objectHandle, qualifyingData, creationHash, inScheme, creationTicket: ticket }) => {
  const signer = attestSigner(ctx, signHandle, inScheme);
  const object = requireObject(ctx, objectHandle, 'objectHandle');
  const expected = creationTicket(ctx, ticket.hierarchy, object.name, creationHash);
  if (!bytesEqual(expected.digest, ticket.digest)) throw tpmError(TPM_RC.TICKET, 'not the creation ticket of this object and creationHash').at('creationTicket');
  const info = attestInfo(ctx, signer, qualifyingData, TPM_ST.ATTEST_CREATION, { objectName: object.name, creationHash });
  const { bytes, signature } = signAttest(ctx, signer, info, qualifyingData);
  return { certifyInfo: bytes, signature };
};
