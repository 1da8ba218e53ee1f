/**
 * Creation data and tickets (Part 3 "TPM2_Create": creationData, creationHash, creationTicket;
 * Part 2 "TPMS_CREATION_DATA", "TPMT_TK_CREATION").
 */
import { u16be } from '../../../crypto/bytes.js';
import { hmac } from '../../../crypto/hmac.js';
import { TPM_ALG, TPM_HT, TPM_RC, TPM_ST } from '../../../gen/constants.js';
import type { TPM2B_CREATION_DATA, TPMS_CREATION_DATA, TPMS_PCR_SELECTION, TPMT_TK_CREATION } from '../../../gen/types.js';
import { handleName } from '../../../protocol/session.js';
import type { CommandContext } from '../../context.js';
import { tpmError } from '../../errors.js';
import { hierarchyProof } from '../../hierarchy.js';
import { localityBit, pcrCompositeDigest } from '../../pcr.js';
import { contextHash } from '../../properties.js';
import type { ObjectRecord } from '../../state/types.js';

export interface CreationOutputs {
  creationData: TPM2B_CREATION_DATA;
  creationHash: Uint8Array;
  creationTicket: TPMT_TK_CREATION;
}

/** TPMA_LOCALITY of the command's locality (extended localities are their own value). */
function localityAttribute(locality: number): number {
  return locality < 5 ? localityBit(locality) : locality;
}

/**
 * creationData (PCR digest of creationPCR in nameAlg, locality, parent Name and QN,
 * outsideInfo), its digest with nameAlg, and the creation ticket
 * HMAC(proof, TPM_ST_CREATION ‖ Name ‖ creationHash) in the parent's hierarchy.
 */
export function creationOutputs(
  ctx: CommandContext,
  parentHandle: number,
  parent: ObjectRecord | null,
  hierarchy: number,
  nameAlg: number,
  name: Uint8Array,
  creationPCR: readonly TPMS_PCR_SELECTION[],
  outsideInfo: Uint8Array,
): CreationOutputs {
  const hash = ctx.crypto.hash(nameAlg)!;
  for (const sel of creationPCR) {
    if (!ctx.crypto.hash(sel.hash)) throw tpmError(TPM_RC.HASH).at('creationPCR');
  }
  const pcrDigest = pcrCompositeDigest(hash, ctx.read('persistent').pcrAllocation, ctx.read('stateClear'), ctx.profile.pcrCount, creationPCR);
  const permanent = parentHandle >>> 24 === TPM_HT.PERMANENT;
  const data: TPMS_CREATION_DATA = {
    pcrSelect: { pcrSelections: creationPCR.map((s) => ({ hash: s.hash, pcrSelect: s.pcrSelect })) },
    pcrDigest,
    locality: localityAttribute(ctx.locality),
    parentNameAlg: permanent || !parent ? TPM_ALG.NULL : parent.public.nameAlg,
    parentName: permanent || !parent ? handleName(parentHandle) : parent.name,
    parentQualifiedName: permanent || !parent ? handleName(parentHandle) : parent.qualifiedName,
    outsideInfo,
  };
  const bytes = ctx.codec.encode('TPMS_CREATION_DATA', data);
  const creationHash = hash.digest(bytes);
  return {
    creationData: { creationData: data },
    creationHash,
    creationTicket: creationTicket(ctx, hierarchy, name, creationHash),
  };
}

/** TPMT_TK_CREATION (Part 2 "TPMT_TK_CREATION"): HMAC_contextAlg(proof, TPM_ST_CREATION ‖ Name ‖ creationHash). */
export function creationTicket(ctx: CommandContext, hierarchy: number, name: Uint8Array, creationHash: Uint8Array): TPMT_TK_CREATION {
  const proof = hierarchyProof(ctx, hierarchy);
  if (!proof) throw tpmError(TPM_RC.HIERARCHY);
  return { tag: TPM_ST.CREATION, hierarchy, digest: hmac(contextHash(ctx.profile), proof, u16be(TPM_ST.CREATION), name, creationHash) };
}
