import { TPM_HT, TPM_NT, TPM_RC, TPM_RH, TPMA_NV as A } from '../../../gen/constants.js';
import { trimTrailingZeros } from '../../dispatch/entities.js';
import { tpmError } from '../../errors.js';
import { has, nvEntrySize, nvRamSize, nvType, nvUsage, phEnableNV } from '../../nv.js';
import type { Handler } from '../handler.js';

/**
 * TPM2_NV_DefineSpace (Part 3 "TPM2_NV_DefineSpace"): checks in the order of the TCG
 * reference's NvDefineSpace, each blamed on the same handle or parameter; the index is
 * created unwritten, in NV (and in RAM when ORDERLY) if the profile's NV_MEMORY_SIZE and
 * RAM_INDEX_SPACE leave room (TPM_RC_NV_SPACE).
 */
export const NV_DefineSpace: Handler<'NV_DefineSpace'> = (ctx, { authHandle, auth, publicInfo }) => {
  const pub = publicInfo.nvPublic;
  const attrs = pub.attributes >>> 0;
  const bad = (why: string) => tpmError(TPM_RC.ATTRIBUTES, why).at('publicInfo');
  const badSize = (why: string) => tpmError(TPM_RC.SIZE, why).at('publicInfo');
  if (pub.nvIndex >>> 24 !== TPM_HT.NV_INDEX) throw tpmError(TPM_RC.HANDLE, 'not an NV index handle').at('publicInfo');
  const nameSize = ctx.crypto.hash(pub.nameAlg)?.digestSize ?? 0;
  if (pub.authPolicy.length !== 0 && pub.authPolicy.length !== nameSize) throw badSize('authPolicy is not a nameAlg digest');
  const authValue = trimTrailingZeros(auth);
  if (authValue.length > nameSize) throw tpmError(TPM_RC.SIZE, 'authValue is longer than a nameAlg digest').at('auth');
  if (authHandle === TPM_RH.PLATFORM && !phEnableNV(ctx)) throw tpmError(TPM_RC.HIERARCHY, 'phEnableNV is CLEAR').at('authHandle');

  const type = nvType(attrs);
  switch (type) {
    case TPM_NT.ORDINARY:
      if (pub.dataSize > ctx.profile.limits.MAX_NV_INDEX_SIZE) throw badSize('larger than MAX_NV_INDEX_SIZE');
      break;
    case TPM_NT.EXTEND:
      if (pub.dataSize !== nameSize) throw badSize('an extend index holds one nameAlg digest');
      break;
    case TPM_NT.COUNTER:
    case TPM_NT.BITS:
    case TPM_NT.PIN_FAIL:
    case TPM_NT.PIN_PASS:
      if (pub.dataSize !== 8) throw badSize('counter, bits and PIN indices hold 8 octets');
      break;
    default:
      throw bad(`TPM_NT ${type} is not a type`);
  }
  if (type === TPM_NT.COUNTER && has(attrs, A.CLEAR_STCLEAR)) throw bad('a counter cannot be CLEAR_STCLEAR');
  if (type === TPM_NT.PIN_FAIL && !has(attrs, A.NO_DA)) throw bad('a PIN fail index needs NO_DA');
  if ((type === TPM_NT.PIN_FAIL || type === TPM_NT.PIN_PASS) && has(attrs, A.AUTHWRITE | A.GLOBALLOCK | A.WRITEDEFINE)) {
    throw bad('a PIN index cannot have AUTHWRITE, GLOBALLOCK or WRITEDEFINE');
  }
  if (has(attrs, A.WRITTEN | A.WRITELOCKED | A.READLOCKED)) throw bad('WRITTEN, WRITELOCKED and READLOCKED are set by the TPM');
  if (!has(attrs, A.OWNERREAD | A.PPREAD | A.AUTHREAD | A.POLICYREAD)) throw bad('no way to read the index');
  if (!has(attrs, A.OWNERWRITE | A.PPWRITE | A.AUTHWRITE | A.POLICYWRITE)) throw bad('no way to write the index');
  if (has(attrs, A.CLEAR_STCLEAR) && has(attrs, A.WRITEDEFINE)) throw bad('CLEAR_STCLEAR with WRITEDEFINE');
  if (has(attrs, A.PLATFORMCREATE) !== (authHandle === TPM_RH.PLATFORM)) {
    throw tpmError(TPM_RC.ATTRIBUTES, 'PLATFORMCREATE must match the hierarchy that defines the index').at('authHandle');
  }
  if (has(attrs, A.POLICY_DELETE) && authHandle !== TPM_RH.PLATFORM) throw bad('POLICY_DELETE indices are defined by the platform');
  if (pub.dataSize > ctx.profile.limits.MAX_NV_BUFFER_SIZE && has(attrs, A.WRITEALL)) throw badSize('WRITEALL larger than MAX_NV_BUFFER_SIZE');
  if (ctx.read('persistent').nvIndices?.[pub.nvIndex]) throw tpmError(TPM_RC.NV_DEFINED, 'the index exists');

  const record = { nvIndex: pub.nvIndex, nameAlg: pub.nameAlg, attributes: attrs, authPolicy: pub.authPolicy.slice(), dataSize: pub.dataSize };
  const used = nvUsage(ctx.profile, ctx.read('persistent'));
  if (used.nv + nvEntrySize(ctx.profile, record) > ctx.profile.limits.NV_MEMORY_SIZE || used.ram + nvRamSize(record) > ctx.profile.limits.RAM_INDEX_SPACE) {
    throw tpmError(TPM_RC.NV_SPACE, 'NV is full');
  }
  const p = ctx.write('persistent');
  p.nvIndices ??= {};
  p.nvIndices[pub.nvIndex] = { public: record, authValue: authValue.slice(), data: new Uint8Array(pub.dataSize) };
  return {};
};
