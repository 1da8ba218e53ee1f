/**
 * TPMT_TK_HASHCHECK (Part 2 "TPMT_TK_HASHCHECK"; Part 1 "Tickets"): proof that the TPM digested
 * data that did not begin with TPM_GENERATED_VALUE. HMAC keyed with the hierarchy's proof, over
 * TPM_ST_HASHCHECK ‖ hashAlg ‖ digest, with the context-integrity hash (as the reference's
 * TicketComputeHashCheck).
 */
import { bytesEqual, u16be } from '../../../crypto/bytes.js';
import { hmac } from '../../../crypto/hmac.js';
import { TPM_GENERATED, TPM_RC, TPM_RH, TPM_ST } from '../../../gen/constants.js';
import type { TPMT_TK_HASHCHECK } from '../../../gen/types.js';
import type { CommandContext } from '../../context.js';
import { tpmError } from '../../errors.js';
import { contextHash } from '../../properties.js';
import { hierarchyProof } from '../../hierarchy.js';

/** The ticket that says nothing: hierarchy TPM_RH_NULL and an empty digest. */
export function nullHashCheckTicket(): TPMT_TK_HASHCHECK {
  return { tag: TPM_ST.HASHCHECK, hierarchy: TPM_RH.NULL, digest: new Uint8Array(0) };
}

/** TicketIsSafe: the block holds at least 4 octets and they are not TPM_GENERATED_VALUE. */
export function ticketSafe(firstBlock: Uint8Array): boolean {
  if (firstBlock.length < 4) return false;
  const v = ((firstBlock[0] << 24) | (firstBlock[1] << 16) | (firstBlock[2] << 8) | firstBlock[3]) >>> 0;
  return v !== TPM_GENERATED.VALUE;
}

/** The hierarchy's proof value (Part 1 "Hierarchy Proofs"). */
function proofOf(ctx: CommandContext, hierarchy: number): Uint8Array {
  const proof = hierarchy === TPM_RH.NULL ? undefined : hierarchyProof(ctx, hierarchy);
  if (!proof) throw tpmError(TPM_RC.HIERARCHY, `no proof for hierarchy 0x${hierarchy.toString(16)}`);
  return proof;
}

/** A hash-check ticket for `digest` (of hashAlg) in `hierarchy`; TPM_RH_NULL gives the NULL ticket. */
export function hashCheckTicket(ctx: CommandContext, hierarchy: number, hashAlg: number, digest: Uint8Array): TPMT_TK_HASHCHECK {
  if (hierarchy === TPM_RH.NULL) return nullHashCheckTicket();
  const mac = hmac(contextHash(ctx.profile), proofOf(ctx, hierarchy), u16be(TPM_ST.HASHCHECK), u16be(hashAlg), digest);
  return { tag: TPM_ST.HASHCHECK, hierarchy, digest: mac };
}

/**
 * Is `ticket` the hash-check ticket this TPM gives `digest` of hashAlg (Part 3 "TPM2_Sign": the
 * reference recomputes TicketComputeHashCheck for the ticket's hierarchy and compares)? A
 * TPM_RH_NULL ticket is computed with the nullProof, so the NULL ticket never matches.
 */
export function hashCheckTicketValid(ctx: CommandContext, ticket: TPMT_TK_HASHCHECK, hashAlg: number, digest: Uint8Array): boolean {
  const proof = hierarchyProof(ctx, ticket.hierarchy);
  if (!proof || ticket.tag !== TPM_ST.HASHCHECK) return false;
  const mac = hmac(contextHash(ctx.profile), proof, u16be(TPM_ST.HASHCHECK), u16be(hashAlg), digest);
  return bytesEqual(mac, ticket.digest);
}
