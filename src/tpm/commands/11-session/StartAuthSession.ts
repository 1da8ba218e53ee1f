import { TPM_ALG, TPM_HC, TPM_HT, TPM_RC, TPM_RH, TPM_SE } from '../../../gen/constants.js';
import { handleName, sessionKey } from '../../../protocol/session.js';
import { authValueOf, nameOf } from '../../dispatch/entities.js';
import { tpmError } from '../../errors.js';
import type { AuthSession } from '../../state/types.js';
import { currentTime } from '../../state/lifecycle.js';
import type { Handler } from '../handler.js';

/**
 * TPM2_StartAuthSession (Part 3 "TPM2_StartAuthSession"): an HMAC, policy or trial session,
 * optionally bound to an entity. Salting with a tpmKey needs loaded keys (not yet available).
 */
export const StartAuthSession: Handler<'StartAuthSession'> = (ctx, input) => {
  const { tpmKey, bind, nonceCaller, encryptedSalt, sessionType, symmetric, authHash } = input;
  const hash = ctx.crypto.hash(authHash);
  if (!hash) throw tpmError(TPM_RC.HASH).at('authHash');
  // nonceCaller: at least 16 octets and no longer than the session hash (Part 3 "TPM2_StartAuthSession").
  if (nonceCaller.length < 16 || nonceCaller.length > hash.digestSize) throw tpmError(TPM_RC.SIZE).at('nonceCaller');
  if (tpmKey === TPM_RH.NULL) {
    if (encryptedSalt.length !== 0) throw tpmError(TPM_RC.VALUE).at('encryptedSalt');
  } else {
    throw tpmError(TPM_RC.KEY).at('tpmKey');
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
    sessionKey: sessionKey(hash, bindAuth, new Uint8Array(0), nonceTPM, nonceCaller),
    boundEntity,
    symmetric: { algorithm: symmetric.algorithm, keyBits: (symmetric.keyBits as number | null) ?? null, mode: (symmetric.mode as number | null) ?? null },
    policyDigest: new Uint8Array(hash.digestSize),
    startTime: currentTime(ctx.machine),
  };
  sessions[handle] = session;
  return { sessionHandle: handle, nonceTPM };
};
