/**
 * TPMT_TK_VERIFIED (Part 2 "TPMT_TK_VERIFIED"; Part 1 "Tickets"): proof that this TPM checked a
 * signature over `digest` with the key of Name keyName. HMAC keyed with the hierarchy's proof
 * over TPM_ST_VERIFIED ‖ digest ‖ keyName, with the context-integrity hash (as the reference's
 * TicketComputeVerified).
 */
import { bytesEqual, u16be } from '../../../crypto/bytes.js';
import { hmac } from '../../../crypto/hmac.js';
import { TPM_RH, TPM_ST } from '../../../gen/constants.js';
import type { TPMT_TK_VERIFIED } from '../../../gen/types.js';
import type { CommandContext } from '../../context.js';
import { hierarchyProof } from '../../hierarchy.js';
import { contextHash } from '../../properties.js';

function verifiedHmac(ctx: CommandContext, proof: Uint8Array, digest: Uint8Array, keyName: Uint8Array): Uint8Array {
  return hmac(contextHash(ctx.profile), proof, u16be(TPM_ST.VERIFIED), digest, keyName);
}

/** The verified ticket for a key in `hierarchy`; TPM_RH_NULL gives the NULL ticket (empty digest). */
export function verifiedTicket(ctx: CommandContext, hierarchy: number, digest: Uint8Array, keyName: Uint8Array): TPMT_TK_VERIFIED {
  const proof = hierarchy === TPM_RH.NULL ? undefined : hierarchyProof(ctx, hierarchy);
  if (!proof) return { tag: TPM_ST.VERIFIED, hierarchy: TPM_RH.NULL, digest: new Uint8Array(0) };
  return { tag: TPM_ST.VERIFIED, hierarchy, digest: verifiedHmac(ctx, proof, digest, keyName) };
}

/** Is `ticket` a verified ticket this TPM gave for `digest` and keyName (for TPM2_PolicyAuthorize)? */
export function verifiedTicketValid(ctx: CommandContext, ticket: TPMT_TK_VERIFIED, digest: Uint8Array, keyName: Uint8Array): boolean {
  const proof = hierarchyProof(ctx, ticket.hierarchy);
  if (!proof || ticket.tag !== TPM_ST.VERIFIED) return false;
  return bytesEqual(verifiedHmac(ctx, proof, digest, keyName), ticket.digest);
}
