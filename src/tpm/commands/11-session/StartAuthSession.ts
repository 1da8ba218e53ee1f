import { TPM_ALG, TPM_HC, TPM_HT, TPM_RC, TPM_RH, TPM_SE, TPMA_OBJECT } from '../../../gen/constants.js';
import { handleName, sessionKey } from '../../../protocol/session.js';
import { authValueOf, nameOf, trimTrailingZeros } from '../../dispatch/entities.js';
import { decryptSecret } from '../../../protocol/secret.js';
import { objectOf, requireObject } from '../../object.js';
import { isPinIndex, nvIndexOf } from '../../nv.js';
import { tpmError } from '../../errors.js';
import type { AuthSession } from '../../state/types.js';
import { currentTime } from '../../state/lifecycle.js';
import type { Handler } from '../handler.js';

/**
 * TPM2_StartAuthSession (Part 3 "TPM2_StartAuthSession"): an HMAC, policy or trial session,
 * optionally bound to an entity and salted with a secret encrypted to a loaded RSA or ECC key.
 */
export const StartAuthSession: Handler<'StartAuthSession'> = (ctx, input) => {
  const { tpmKey, bind, nonceCaller, encryptedSalt, sessionType, symmetric, authHash } = input;
  const hash = ctx.crypto.hash(authHash);
  if (!hash) throw tpmError(TPM_RC.HASH).at('authHash');
  // nonceCaller: at least 16 octets and no longer than the session hash (Part 3 "TPM2_StartAuthSession").
  if (nonceCaller.length < 16 || nonceCaller.length > hash.digestSize) throw tpmError(TPM_RC.SIZE).at('nonceCaller');
  // The salt, decrypted with tpmKey (Part 1 "Salted Session"; the reference's checks and order).
  let salt: Uint8Array = new Uint8Array(0);
  if (tpmKey !== TPM_RH.NULL) {
    const key = requireObject(ctx, tpmKey, 'tpmKey');
    if (key.public.type !== TPM_ALG.RSA && key.public.type !== TPM_ALG.ECC) throw tpmError(TPM_RC.KEY, 'the salt key is not asymmetric').at('tpmKey');
    if (encryptedSalt.length === 0) throw tpmError(TPM_RC.VALUE, 'no encrypted salt').at('encryptedSalt');
    if (!key.sensitive) throw tpmError(TPM_RC.HANDLE, 'the salt key has no private part').at('tpmKey');
    if (!(key.public.objectAttributes & TPMA_OBJECT.decrypt)) throw tpmError(TPM_RC.ATTRIBUTES, 'the salt key does not decrypt').at('tpmKey');
    try {
      salt = decryptSecret(key.public, key.sensitive, 'SECRET', encryptedSalt, nonceCaller);
    } catch {
      throw tpmError(TPM_RC.VALUE, 'the salt does not decrypt').at('encryptedSalt');
    }
  } else if (encryptedSalt.length !== 0) {
    throw tpmError(TPM_RC.VALUE).at('encryptedSalt');
  }
  if (symmetric.algorithm !== TPM_ALG.NULL && symmetric.algorithm !== TPM_ALG.XOR && symmetric.mode !== TPM_ALG.CFB) {
    throw tpmError(TPM_RC.MODE).at('symmetric');
  }

  const volatile = ctx.write('volatile');
  const sessions = (volatile.sessions ??= {});
  const limit = ctx.profile.limits.MAX_LOADED_SESSIONS;
  const active = ctx.profile.limits.MAX_ACTIVE_SESSIONS;
  const saved = Object.keys(volatile.savedSessions ?? {});
  const loaded = Object.keys(sessions).length;
  if (loaded + saved.length >= active) throw tpmError(TPM_RC.SESSION_HANDLES);
  if (loaded >= limit) throw tpmError(TPM_RC.SESSION_MEMORY);
  const range = sessionType === TPM_SE.HMAC ? TPM_HC.HMAC_SESSION_FIRST : TPM_HC.POLICY_SESSION_FIRST;
  let slot = 0;
  const used = new Set([...Object.keys(sessions), ...saved].map((h) => Number(h) & 0xffffff));
  while (used.has(slot)) slot++;
  const handle = (range + slot) >>> 0;

  const nonceTPM = ctx.rng.bytes(hash.digestSize);
  let boundEntity: Uint8Array | null = null;
  let bindAuth: Uint8Array = new Uint8Array(0);
  if (bind !== TPM_RH.NULL) {
    // Not to a public-only object or a PIN index (the reference's StartAuthSession).
    const bound = objectOf(ctx, bind);
    if (bound && !bound.sensitive) throw tpmError(TPM_RC.HANDLE).at('bind');
    const index = bind >>> 24 === TPM_HT.NV_INDEX ? nvIndexOf(ctx, bind) : undefined;
    if (index && isPinIndex(index.public.attributes)) throw tpmError(TPM_RC.HANDLE).at('bind');
    const auth = authValueOf(ctx, bind);
    if (auth === undefined) throw tpmError(TPM_RC.HANDLE).at('bind');
    bindAuth = auth;
    // Binding to a permanent handle is the handle; otherwise Name and authValue (Part 1 "Bound Sessions").
    boundEntity = bind >>> 24 === TPM_HT.PERMANENT ? handleName(bind) : Uint8Array.from([...nameOf(ctx, bind), ...auth]);
  }
  const session: AuthSession = {
    type: sessionType === TPM_SE.HMAC ? 'hmac' : sessionType === TPM_SE.POLICY ? 'policy' : 'trial',
    hashAlg: authHash,
    nonceTPM,
    nonceCaller: nonceCaller.slice(),
    sessionKey: sessionKey(hash, trimTrailingZeros(bindAuth), salt, nonceTPM, nonceCaller),
    boundEntity,
    symmetric: { algorithm: symmetric.algorithm, keyBits: (symmetric.keyBits as number | null) ?? null, mode: (symmetric.mode as number | null) ?? null },
    policyDigest: new Uint8Array(hash.digestSize),
    startTime: currentTime(ctx.machine),
  };
  sessions[handle] = session;
  return { sessionHandle: handle, nonceTPM };
};
