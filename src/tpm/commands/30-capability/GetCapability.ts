import { TPM_ALG, TPM_CAP, TPM_HT, TPM_PT, TPM_RC, TPM_RH } from '../../../gen/constants.js';
import type { TPMS_CAPABILITY_DATA, TPMU_CAPABILITIES } from '../../../gen/types.js';
import { tpmError } from '../../errors.js';
import {
  algorithmProperties,
  commandAttributes,
  fixedProperties,
  PERMANENT_HANDLES,
  pcrProperties,
  physicalPresenceRequired,
  POLICY_HANDLES,
  transientHandles,
  variableProperties,
} from '../../properties.js';
import { hierarchyPolicyOf } from '../../hierarchy.js';
import type { Handler } from '../handler.js';
import { nvHandles } from '../../nv.js';
import { auditedCommands } from '../../audit.js';

/**
 * Entries whose key is at least `start`, at most `count` and at most `max` of them; moreData
 * is YES when an entry is left over (Part 3 "TPM2_GetCapability").
 */
function page<T>(items: readonly T[], key: (x: T) => number, start: number, count: number, max: number): { more: boolean; list: T[] } {
  const from = items.filter((x) => key(x) >>> 0 >= start >>> 0);
  const n = Math.min(count, max);
  return { more: from.length > n, list: from.slice(0, n) };
}

const PT_GROUP = TPM_PT.PT_GROUP;

/**
 * TPM2_GetCapability (Part 3 "TPM2_GetCapability"): one capability group, from `property` on,
 * at most `propertyCount` entries (and what fits in MAX_CAP_BUFFER). TPM properties do not
 * cross from the fixed to the variable group, as the reference's TPMCapGetProperties.
 */
export const GetCapability: Handler<'GetCapability'> = (ctx, { capability, property, propertyCount }) => {
  const profile = ctx.profile;
  const limits = profile.limits;
  const ident = (x: number) => x;
  let result: { more: boolean; list: unknown[] };
  let data: TPMU_CAPABILITIES;

  switch (capability) {
    case TPM_CAP.ALGS: {
      const r = page(algorithmProperties(profile), (x) => x.alg, property, propertyCount, limits.MAX_CAP_ALGS);
      result = r;
      data = { algProperties: r.list };
      break;
    }
    case TPM_CAP.HANDLES: {
      let handles: number[];
      switch (property >>> 24) {
        case TPM_HT.PCR:
          handles = Array.from({ length: profile.pcrCount }, (_, i) => i);
          break;
        case TPM_HT.PERMANENT:
          handles = [...PERMANENT_HANDLES];
          break;
        case TPM_HT.TRANSIENT:
          handles = transientHandles({ volatile: ctx.read('volatile') });
          break;
        case TPM_HT.NV_INDEX:
          handles = nvHandles({ persistent: ctx.read('persistent') });
          break;
        case TPM_HT.LOADED_SESSION:
          handles = Object.keys(ctx.read('volatile').sessions ?? {}).map(Number).sort((a, b) => (a & 0xffffff) - (b & 0xffffff));
          break;
        case TPM_HT.SAVED_SESSION:
          handles = Object.keys(ctx.read('volatile').savedSessions ?? {}).map(Number).sort((a, b) => (a & 0xffffff) - (b & 0xffffff));
          break;
        case TPM_HT.PERSISTENT:
          handles = Object.keys(ctx.read('persistent').objects ?? {}).map(Number).sort((a, b) => a - b);
          break;
        default:
          throw tpmError(TPM_RC.HANDLE, `no handles of type 0x${(property >>> 24).toString(16)}`).at('property');
      }
      // Sessions are listed by their slot (the low 24 bits), whatever their type (HMAC or policy).
      const isSessions = property >>> 24 === TPM_HT.LOADED_SESSION || property >>> 24 === TPM_HT.SAVED_SESSION;
      const r = isSessions
        ? page(handles, (h) => h & 0xffffff, property & 0xffffff, propertyCount, limits.MAX_CAP_HANDLES)
        : page(handles, ident, property, propertyCount, limits.MAX_CAP_HANDLES);
      result = r;
      data = { handle: r.list };
      break;
    }
    case TPM_CAP.COMMANDS: {
      const descs = [...profile.commands.values()].sort((a, b) => a.code - b.code);
      const r = page(descs, (d) => d.code, property, propertyCount, limits.MAX_CAP_CC);
      result = r;
      data = { commandAttributes: r.list.map(commandAttributes) };
      break;
    }
    case TPM_CAP.PP_COMMANDS: {
      const pp = ctx.read('persistent').ppCommands;
      const codes = [...profile.commands.keys()].filter((c) => physicalPresenceRequired(c, pp)).sort((a, b) => a - b);
      const r = page(codes, ident, property, propertyCount, limits.MAX_CAP_CC);
      result = r;
      data = { commandCodes: r.list };
      break;
    }
    case TPM_CAP.AUDIT_COMMANDS: {
      const r = page(auditedCommands(profile, ctx.read('persistent')), ident, property, propertyCount, limits.MAX_CAP_CC);
      result = r;
      data = { commandCodes: r.list };
      break;
    }
    case TPM_CAP.PCRS: {
      if (property !== 0) throw tpmError(TPM_RC.VALUE, 'TPM_CAP_PCRS takes property 0').at('property');
      // Every implemented hash, allocated or not (as the reference's pcrAllocated); a count of 0
      // returns no list and moreData YES.
      const allocation = ctx.read('persistent').pcrAllocation;
      const size = Math.ceil(profile.pcrCount / 8);
      const pcrSelections = profile.crypto.hashes.map((h) => {
        const select = allocation.find((b) => b.hash === h.alg)?.select ?? 0;
        return { hash: h.alg, pcrSelect: Uint8Array.from({ length: size }, (_, i) => (select >>> (8 * i)) & 0xff) };
      });
      result = propertyCount === 0 ? { more: true, list: [] } : { more: false, list: pcrSelections };
      data = { pcrSelections: result.list as typeof pcrSelections };
      break;
    }
    case TPM_CAP.TPM_PROPERTIES: {
      const start = Math.max(property >>> 0, TPM_PT.PT_FIXED);
      const groupEnd = Math.floor(start / PT_GROUP) * PT_GROUP + PT_GROUP;
      const all = start >= TPM_PT.PT_VAR + PT_GROUP ? [] : [...fixedProperties(profile), ...variableProperties(profile, { persistent: ctx.read('persistent'), volatile: ctx.read('volatile'), stateClear: ctx.read('stateClear') })];
      const group = all.filter((p) => p.property < groupEnd);
      const r = page(group, (p) => p.property, start, propertyCount, limits.MAX_TPM_PROPERTIES);
      result = r;
      data = { tpmProperty: r.list };
      break;
    }
    case TPM_CAP.PCR_PROPERTIES: {
      const r = page(pcrProperties(profile), (p) => p.tag, property, propertyCount, limits.MAX_PCR_PROPERTIES);
      result = r;
      data = { pcrProperty: r.list };
      break;
    }
    case TPM_CAP.ECC_CURVES: {
      if (!profile.algorithms.has(TPM_ALG.ECC)) throw tpmError(TPM_RC.VALUE, 'ECC is not implemented').at('capability');
      const r = page([...profile.curves].sort((a, b) => a - b), ident, property, propertyCount, limits.MAX_ECC_CURVES);
      result = r;
      data = { eccCurves: r.list };
      break;
    }
    case TPM_CAP.AUTH_POLICIES: {
      if (property >>> 24 !== TPM_HT.PERMANENT) throw tpmError(TPM_RC.VALUE, 'TPM_CAP_AUTH_POLICIES takes a permanent handle').at('property');
      // Hierarchy policies (TPM2_SetPrimaryPolicy): TPM_ALG_NULL with no digest when none is set.
      const policies = POLICY_HANDLES.map((handle) => {
        const p = hierarchyPolicyOf(ctx, handle);
        const set = p && p.hashAlg !== TPM_ALG.NULL;
        return { handle, policyHash: set ? { hashAlg: p.hashAlg, digest: p.digest } : { hashAlg: TPM_ALG.NULL, digest: null } };
      });
      const r = page(policies, (p) => p.handle, property, propertyCount, limits.MAX_TAGGED_POLICIES);
      result = r;
      data = { policies: r.list };
      break;
    }
    case TPM_CAP.ACT: {
      if (property < TPM_RH.ACT_0 || property > TPM_RH.ACT_F) throw tpmError(TPM_RC.VALUE, 'TPM_CAP_ACT takes an ACT handle').at('property');
      // No Authenticated Countdown Timers are implemented.
      result = { more: false, list: [] };
      data = { actData: [] };
      break;
    }
    default:
      throw tpmError(TPM_RC.VALUE, `capability 0x${capability.toString(16)} is not supported`).at('capability');
  }

  const capabilityData: TPMS_CAPABILITY_DATA = { capability, data };
  return { moreData: result.more ? 1 : 0, capabilityData };
};
