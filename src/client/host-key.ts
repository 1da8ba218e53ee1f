/**
 * A host's migration key kept by a host vTPM: a 32-octet random secret sealed under the storage
 * hierarchy (a keyedhash sealed data object, Part 1 "Sealed Data Objects") and made persistent
 * with TPM2_EvictControl. The first call creates it; later calls unseal it. Optionally the
 * unseal is bound to PCR values (TPM2_PolicyPCR, as they are when the key is created).
 */
import { TPM_ALG, TPM_CAP, TPM_RC, TPM_RH } from '../gen/constants.js';
import type { TPML_ALG_PROPERTY, TPMS_PCR_SELECTION } from '../gen/types.js';
import type { Client } from './client.js';
import { TpmError } from './errors.js';
import { sealedDataTemplate, srkTemplate } from './templates.js';

/** Where hostKeyFromTpm() keeps the sealed key by default (owner persistent range). */
export const HOST_KEY_HANDLE = 0x81000100;

export interface HostKeyOptions {
  /** Persistent handle of the sealed key (default 0x81000100). */
  handle?: number;
  /**
   * Bind the key to these PCRs (of the SHA-256 bank, SM3 on a TCM) as they are when it is
   * created: it unseals only while they hold the same values. Pass the same list on every call.
   */
  pcrs?: readonly number[];
  /** Owner hierarchy authorization, to create the key (default empty). */
  ownerAuth?: Uint8Array | string;
}

const EMPTY = new Uint8Array(0);
const noCreation = { outsideInfo: EMPTY, creationPCR: { pcrSelections: [] } };

function selection(hash: number, pcrs: readonly number[]): TPMS_PCR_SELECTION[] {
  const pcrSelect = new Uint8Array(3);
  for (const n of pcrs) {
    if (!Number.isInteger(n) || n < 0 || n > 23) throw new RangeError(`hostKeyFromTpm: PCR ${n} is not 0-23`);
    pcrSelect[n >> 3] |= 1 << (n & 7);
  }
  return [{ hash, pcrSelect }];
}

/**
 * The host key from a host vTPM (created and sealed the first time). A TPM without SHA-256 is
 * taken for a TCM: SM2 storage key, SM3 names and PCR bank.
 */
export async function hostKeyFromTpm(client: Client, options: HostKeyOptions = {}): Promise<Uint8Array> {
  const handle = options.handle ?? HOST_KEY_HANDLE;
  const algs = await client.run('GetCapability', { capability: TPM_CAP.ALGS, property: TPM_ALG.SHA256, propertyCount: 1 });
  const tpm2 = (algs.capabilityData.data as TPML_ALG_PROPERTY).algProperties[0]?.alg === TPM_ALG.SHA256;
  const hash = tpm2 ? TPM_ALG.SHA256 : TPM_ALG.SM3_256;
  const pcrs = options.pcrs?.length ? selection(hash, options.pcrs) : undefined;

  /** A policy session that has run PolicyPCR (a trial one computes the digest to seal with). */
  const pcrSession = async (type: 'policy' | 'trial') => {
    const session = await client.startAuthSession({ type, hash });
    await client.run('PolicyPCR', { policySession: session.handle, pcrDigest: EMPTY, pcrs: { pcrSelections: pcrs! } });
    return session;
  };

  let existing = true;
  try {
    const p = await client.run('ReadPublic', { objectHandle: handle });
    if (p.outPublic.publicArea.type !== TPM_ALG.KEYEDHASH) throw new Error(`hostKeyFromTpm: 0x${handle.toString(16)} holds an object that is not sealed data`);
  } catch (e) {
    if (!(e instanceof TpmError) || e.base !== TPM_RC.HANDLE) throw e;
    existing = false;
  }

  if (existing) {
    if (!pcrs) return (await client.run('Unseal', { itemHandle: handle })).outData;
    const session = await pcrSession('policy');
    try {
      return (await client.run('Unseal', { itemHandle: handle }, { auth: { itemHandle: { session } } })).outData;
    } finally {
      await client.flush(session).catch(() => {});
    }
  }

  let authPolicy: Uint8Array | undefined;
  if (pcrs) {
    const trial = await pcrSession('trial');
    authPolicy = (await client.run('PolicyGetDigest', { policySession: trial.handle })).policyDigest;
    await client.flush(trial);
  }
  const secret = (await client.run('GetRandom', { bytesRequested: 32 })).randomBytes;
  if (secret.length !== 32) throw new Error('hostKeyFromTpm: the TPM gave fewer than 32 random octets');
  const owner = { auth: { primaryHandle: options.ownerAuth ?? EMPTY } };
  const srk = await client.run(
    'CreatePrimary',
    { primaryHandle: TPM_RH.OWNER, inSensitive: { sensitive: { userAuth: EMPTY, data: EMPTY } }, inPublic: { publicArea: srkTemplate({ alg: tpm2 ? 'ecc-p256' : 'sm2-p256' }) }, ...noCreation },
    owner,
  );
  try {
    const template = sealedDataTemplate({ nameAlg: hash, authPolicy, noDA: true });
    const c = await client.run('Create', { parentHandle: srk.objectHandle, inSensitive: { sensitive: { userAuth: EMPTY, data: secret } }, inPublic: { publicArea: template }, ...noCreation });
    const loaded = await client.run('Load', { parentHandle: srk.objectHandle, inPrivate: c.outPrivate, inPublic: c.outPublic });
    try {
      await client.run('EvictControl', { auth: TPM_RH.OWNER, objectHandle: loaded.objectHandle, persistentHandle: handle }, { auth: { auth: options.ownerAuth ?? EMPTY } });
    } finally {
      await client.flush(loaded.objectHandle);
    }
  } finally {
    await client.flush(srk.objectHandle);
  }
  return secret;
}
