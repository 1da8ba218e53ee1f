/**
 * Entities a handle can name and their authValues (TPM 2.0 Part 1 "Entity Types" and
 * "authValue"): hierarchies, PCRs, loaded objects.
 */
import { TPM_ALG, TPM_HT, TPM_RC, TPM_RH } from '../../gen/constants.js';
import { handleName } from '../../protocol/session.js';
import type { CommandContext } from '../context.js';
import { hierarchyEnabled, hierarchyPolicyOf } from '../hierarchy.js';
import { nvAuthorizationRc, nvAuthPolicy, nvIndexOf, nvIsDaProtected, nvName } from '../nv.js';
import { objectOf, sequenceOf } from '../object.js';
import { TPMA_NV, TPMA_OBJECT } from '../../gen/constants.js';

const EMPTY = new Uint8Array(0);

/** authValue with trailing zero octets removed, as comparisons use it (Part 1 "Password Authorizations"). */
export function trimTrailingZeros(v: Uint8Array): Uint8Array {
  let n = v.length;
  while (n > 0 && v[n - 1] === 0) n--;
  return n === v.length ? v : v.subarray(0, n);
}

/** The authValue of the entity a handle names, or undefined when there is no such entity. */
export function authValueOf(ctx: CommandContext, handle: number): Uint8Array | undefined {
  const p = ctx.read('persistent');
  switch (handle) {
    case TPM_RH.OWNER:
      return p.hierarchyAuth.owner;
    case TPM_RH.ENDORSEMENT:
      return p.hierarchyAuth.endorsement;
    case TPM_RH.LOCKOUT:
      return p.hierarchyAuth.lockout;
    case TPM_RH.PLATFORM:
      return ctx.read('stateClear').platformAuth;
    case TPM_RH.NULL:
      return EMPTY;
  }
  switch (handle >>> 24) {
    case TPM_HT.PCR: {
      if (handle >= ctx.profile.pcrCount) return undefined;
      const group = ctx.profile.pcrAttributes[handle].authGroup ?? 0;
      return group > 0 ? ctx.read('stateClear').pcrAuthValues[group - 1] : EMPTY;
    }
    case TPM_HT.TRANSIENT:
    case TPM_HT.PERSISTENT: {
      const seq = sequenceOf(ctx, handle);
      if (seq) return seq.auth;
      const o = objectOf(ctx, handle);
      return o ? (o.sensitive?.authValue ?? EMPTY) : undefined;
    }
    case TPM_HT.NV_INDEX:
      return nvIndexOf(ctx, handle)?.authValue;
  }
  return undefined;
}

/**
 * The Name of the entity a handle names (Part 1 "Names"): the handle for PCRs, sessions and
 * permanent handles; for sequence objects the Empty Buffer (they have no nameAlg).
 */
export function nameOf(ctx: CommandContext, handle: number): Uint8Array {
  if (handle >>> 24 === TPM_HT.TRANSIENT && sequenceOf(ctx, handle)) return EMPTY;
  const o = objectOf(ctx, handle);
  if (o) return o.name;
  if (handle >>> 24 === TPM_HT.NV_INDEX) {
    const x = nvIndexOf(ctx, handle);
    if (x) return nvName(ctx, x.public);
  }
  return handleName(handle);
}

/** The authPolicy of an entity, or undefined when it has none (Part 1 "authPolicy"). */
export function authPolicyOf(ctx: CommandContext, handle: number): { hashAlg: number; digest: Uint8Array } | undefined {
  if (handle >>> 24 === TPM_HT.PCR && handle < ctx.profile.pcrCount) {
    const group = ctx.profile.pcrAttributes[handle].policyGroup ?? 0;
    const policies = ctx.read('persistent').pcrPolicies;
    const p = group > 0 ? policies?.[group - 1] : undefined;
    return p && p.digest.length ? p : undefined;
  }
  if (handle >>> 24 === TPM_HT.NV_INDEX) return nvAuthPolicy(ctx, handle);
  // Objects: policy is always available, an empty authPolicy then never matches (Part 1 "authPolicy").
  const o = objectOf(ctx, handle);
  if (o) return { hashAlg: o.public.nameAlg, digest: o.public.authPolicy };
  // Hierarchies: the policy TPM2_SetPrimaryPolicy set, if any.
  const hp = hierarchyPolicyOf(ctx, handle);
  if (hp) return hp.hashAlg !== TPM_ALG.NULL ? hp : undefined;
  return undefined;
}

/**
 * TPM_RC_HIERARCHY (or 0) for a handle that names a disabled hierarchy (Part 1 "Hierarchy
 * Control"; the reference's EntityGetLoadStatus and ValidateHierarchy): TPM_RH_OWNER while
 * shEnable is CLEAR, TPM_RH_ENDORSEMENT while ehEnable is, TPM_RH_PLATFORM while phEnable is.
 */
export function hierarchyCheck(ctx: CommandContext, handle: number): number {
  if (handle !== TPM_RH.OWNER && handle !== TPM_RH.ENDORSEMENT && handle !== TPM_RH.PLATFORM) return 0;
  return hierarchyEnabled(ctx.read('stateClear'), handle) ? 0 : TPM_RC.HIERARCHY;
}

/**
 * Is the entity subject to dictionary-attack protection (Part 1 "Dictionary Attack
 * Protection")? Hierarchies, PCRs and sequence objects are not; NV indices and objects without
 * noDA are, once they exist.
 */
export function isDaProtected(ctx: CommandContext, handle: number): boolean {
  // lockoutAuth is the one permanent entity under DA protection (the reference's IsDAExempted).
  if (handle === TPM_RH.LOCKOUT) return true;
  if (handle >>> 24 === TPM_HT.NV_INDEX) return nvIsDaProtected(ctx, handle);
  const o = objectOf(ctx, handle);
  return !!o && (o.public.objectAttributes & TPMA_OBJECT.noDA) === 0;
}

/**
 * For the dispatcher, before it compares an authValue: a code when this entity's authValue (or,
 * for a policy session, its policy) may not authorize this command, else 0 (Part 1 "NV
 * Indices"; the reference's IsPolicySessionRequired and IsAuthValueAvailable).
 */
export function authUnavailable(ctx: CommandContext, handle: number, kind: 'password' | 'hmac' | 'policy', role: 'USER' | 'ADMIN' | 'DUP'): number {
  const o = objectOf(ctx, handle);
  if (!o) {
    if (kind !== 'policy' && role === 'DUP') return TPM_RC.AUTH_TYPE;
    if (kind === 'policy' && sequenceOf(ctx, handle)) return TPM_RC.AUTH_UNAVAILABLE;
    return nvAuthorizationRc(ctx, handle, kind);
  }
  // Policy authorization needs the object's sensitive area loaded (the reference's IsAuthPolicyAvailable).
  if (kind === 'policy') return o.sensitive ? 0 : TPM_RC.AUTH_UNAVAILABLE;
  // The DUP role, and the ADMIN role of an object with adminWithPolicy, need a policy session;
  // the USER role may use the authValue only with userWithAuth (the reference's IsPolicySessionRequired, IsAuthValueAvailable).
  const a = o.public.objectAttributes;
  if (role === 'DUP' || (role === 'ADMIN' && a & TPMA_OBJECT.adminWithPolicy)) return TPM_RC.AUTH_TYPE;
  if (!o.sensitive) return TPM_RC.AUTH_UNAVAILABLE;
  if (role === 'USER' && !(a & TPMA_OBJECT.userWithAuth)) return TPM_RC.AUTH_UNAVAILABLE;
  return 0;
}

/** The hierarchy an object belongs to, for the hierarchy-enabled check of its handle. */
export function objectHierarchy(ctx: CommandContext, handle: number): number | undefined {
  return objectOf(ctx, handle)?.hierarchy;
}

/**
 * The hierarchy an entity belongs to (the reference's EntityGetHierarchy): a hierarchy handle
 * itself, an object's hierarchy, the platform for platform-created NV indices, else the owner.
 */
export function entityHierarchy(ctx: CommandContext, handle: number): number {
  if (handle === TPM_RH.PLATFORM || handle === TPM_RH.ENDORSEMENT || handle === TPM_RH.NULL || handle === TPM_RH.OWNER) return handle;
  const o = objectOf(ctx, handle);
  if (o) return o.hierarchy;
  if (handle >>> 24 === TPM_HT.NV_INDEX) {
    const x = nvIndexOf(ctx, handle);
    if (x && x.public.attributes & TPMA_NV.PLATFORMCREATE) return TPM_RH.PLATFORM;
  }
  return TPM_RH.OWNER;
}
