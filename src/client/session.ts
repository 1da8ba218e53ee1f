/**
 * Client-side authorization sessions (Part 1 "Session-Based Authorization"): the caller's half
 * of the HMAC protocol, with the same arithmetic (src/protocol/session.ts) the emulator uses.
 */
import { concatBytes } from '../crypto/bytes.js';
import { systemRng, type Rng } from '../crypto/drbg.js';
import { hashByAlg, type HashAlgorithm } from '../crypto/hash.js';
import { TPM_ALG } from '../gen/constants.js';
import { sessionHmac, sessionKey, type SessionSymmetric } from '../protocol/session.js';

export type SessionType = 'hmac' | 'policy' | 'trial';

/** A session the TPM started; `run()` keeps its nonces in step. */
export class AuthSessionHandle {
  readonly handle: number;
  readonly type: SessionType;
  readonly hash: HashAlgorithm;
  nonceTPM: Uint8Array;
  nonceCaller: Uint8Array;
  readonly sessionKey: Uint8Array;
  /** The session's symmetric algorithm for parameter encryption (TPM_ALG_NULL: none). */
  readonly symmetric: SessionSymmetric;
  /** Keep the session loaded after each command (TPMA_SESSION.continueSession). */
  continueSession = true;
  /** Encrypt the first command parameter (TPMA_SESSION.decrypt) / have the TPM encrypt the first response parameter (TPMA_SESSION.encrypt). */
  decrypt = false;
  encrypt = false;
  /**
   * Session audit (Part 1 "Session Audit"): `audit` asks the TPM to extend this session's audit
   * digest with each command (TPMA_SESSION.audit); `auditExclusive` makes the command fail with
   * TPM_RC_EXCLUSIVE unless this is the TPM's exclusive audit session; `auditReset` restarts
   * the digest, for the next command only (cleared once sent with an audited command).
   */
  audit = false;
  auditExclusive = false;
  auditReset = false;
  /** The audit digest as the TPM keeps it, H(digest ‖ cpHash ‖ rpHash) per audited command; null before the first. */
  auditDigest: Uint8Array | null = null;
  /** The TPM reported this session as the exclusive audit session in the last audited response. */
  exclusive = false;
  /** An audit session is no longer bound once its digest starts (the reference's InitAuditSession). */
  private unbound = false;
  /** The bind entity's Name and authValue, when bound. */
  readonly bind: { name: Uint8Array; authValue: Uint8Array } | null;
  readonly rng: Rng;
  /** Set when a command ended the session. */
  closed = false;
  /** Policy sessions: PolicyAuthValue / PolicyPassword were run (set by the client's policy helpers). */
  authValueNeeded = false;
  passwordNeeded = false;

  constructor(init: {
    handle: number;
    type: SessionType;
    hashAlg: number;
    nonceTPM: Uint8Array;
    nonceCaller: Uint8Array;
    bind?: { name: Uint8Array; authValue: Uint8Array } | null;
    salt?: Uint8Array;
    symmetric?: SessionSymmetric;
    rng?: Rng;
  }) {
    const hash = hashByAlg(init.hashAlg);
    if (!hash) throw new Error(`session hash 0x${init.hashAlg.toString(16)} is not available`);
    this.handle = init.handle;
    this.type = init.type;
    this.hash = hash;
    this.nonceTPM = init.nonceTPM;
    this.nonceCaller = init.nonceCaller;
    this.bind = init.bind ?? null;
    this.rng = init.rng ?? systemRng();
    this.symmetric = init.symmetric ?? { algorithm: TPM_ALG.NULL, keyBits: null, mode: null };
    this.sessionKey = sessionKey(hash, trimZeros(this.bind?.authValue ?? new Uint8Array(0)), init.salt ?? new Uint8Array(0), init.nonceTPM, init.nonceCaller);
  }

  /** TPMA_SESSION for the next command. */
  attributes(): number {
    const audit = this.audit ? 0x80 | (this.auditExclusive ? 0x02 : 0) | (this.auditReset ? 0x04 : 0) : 0;
    return (this.continueSession ? 0x01 : 0) | audit | (this.decrypt ? 0x20 : 0) | (this.encrypt ? 0x40 : 0);
  }

  /** Is this session bound to the entity with this Name and authValue? */
  boundTo(name: Uint8Array, authValue: Uint8Array): boolean {
    if (!this.bind || this.unbound) return false;
    const same = (a: Uint8Array, b: Uint8Array) => a.length === b.length && a.every((x, i) => x === b[i]);
    return same(this.bind.name, name) && same(trimZeros(this.bind.authValue), trimZeros(authValue));
  }

  key(name: Uint8Array, authValue: Uint8Array): Uint8Array {
    return this.boundTo(name, authValue) ? this.sessionKey : concatBytes(this.sessionKey, trimZeros(authValue));
  }

  /** The HMAC key for the entity (Name, authValue) this session authorizes, or null for a session that only encrypts. */
  hmacKey(entity: { name: Uint8Array; authValue: Uint8Array } | null): Uint8Array {
    if (!entity) return this.sessionKey;
    if (this.type !== 'hmac' && !this.authValueNeeded) return this.sessionKey;
    return this.key(entity.name, entity.authValue);
  }

  /** sessionKey ‖ authValue: the key of parameter encryption (Part 1 "Session-based encryption"). */
  sessionValue(authValue: Uint8Array | null): Uint8Array {
    return authValue ? concatBytes(this.sessionKey, trimZeros(authValue)) : this.sessionKey;
  }

  /** A fresh caller nonce for the next command. */
  newNonce(): Uint8Array {
    this.nonceCaller = this.rng.bytes(this.hash.digestSize);
    return this.nonceCaller;
  }

  /**
   * The command HMAC over cpHash with the current caller nonce. It is sent even when the key is
   * empty (the TPM would accept an empty one then), so a replayed command still fails.
   */
  commandHmac(cpHash: Uint8Array, entity: { name: Uint8Array; authValue: Uint8Array } | null, attributes: number, nonceDecrypt = EMPTY, nonceEncrypt = EMPTY): Uint8Array {
    if (this.type !== 'hmac' && this.passwordNeeded && entity) return entity.authValue;
    const key = this.hmacKey(entity);
    return sessionHmac(this.hash, key, cpHash, this.nonceCaller, this.nonceTPM, nonceDecrypt, nonceEncrypt, attributes);
  }

  /** Checks the response HMAC over rpHash and takes the TPM's new nonce. */
  acceptResponse(rpHash: Uint8Array, entity: { name: Uint8Array; authValue: Uint8Array } | null, nonceTPM: Uint8Array, attributes: number, hmac: Uint8Array, sentHmac: Uint8Array): boolean {
    this.nonceTPM = nonceTPM;
    if (!(attributes & 1)) this.closed = true;
    if (this.type !== 'hmac' && this.passwordNeeded && entity) return true;
    const key = this.hmacKey(entity);
    if (key.length === 0 && sentHmac.length === 0) return hmac.length === 0;
    const expected = sessionHmac(this.hash, key, rpHash, nonceTPM, this.nonceCaller, EMPTY, EMPTY, attributes);
    return expected.length === hmac.length && expected.every((x, i) => x === hmac[i]);
  }

  /**
   * After a successful command sent with TPMA_SESSION.audit: the digest starts at zeros on first
   * use or auditReset, then digest := H(digest ‖ cpHash ‖ rpHash) (Part 1 "Session Audit").
   */
  recordAudit(cpHash: Uint8Array, rpHash: Uint8Array, sentAttributes: number, responseAttributes: number): void {
    if (!(sentAttributes & 0x80)) return;
    if (this.auditDigest === null || sentAttributes & 0x04) {
      this.auditDigest = new Uint8Array(this.hash.digestSize);
      this.unbound = true;
      this.auditReset = false;
    }
    this.auditDigest = this.hash.digest(this.auditDigest, cpHash, rpHash);
    this.exclusive = (responseAttributes & 0x02) !== 0;
  }
}

const EMPTY: Uint8Array = new Uint8Array(0);

function trimZeros(v: Uint8Array): Uint8Array {
  let n = v.length;
  while (n > 0 && v[n - 1] === 0) n--;
  return v.subarray(0, n);
}

export const DEFAULT_SESSION_HASH = TPM_ALG.SHA256;
