/**
 * Client-side authorization sessions (Part 1 "Session-Based Authorization"): the caller's half
 * of the HMAC protocol, with the same arithmetic (src/protocol/session.ts) the emulator uses.
 */
import { concatBytes } from '../crypto/bytes.js';
import { systemRng, type Rng } from '../crypto/drbg.js';
import { hashByAlg, type HashAlgorithm } from '../crypto/hash.js';
import { TPM_ALG } from '../gen/constants.js';
import { sessionHmac, sessionKey } from '../protocol/session.js';

export type SessionType = 'hmac' | 'policy' | 'trial';

/** A session the TPM started; `run()` keeps its nonces in step. */
export class AuthSessionHandle {
  readonly handle: number;
  readonly type: SessionType;
  readonly hash: HashAlgorithm;
  nonceTPM: Uint8Array;
  nonceCaller: Uint8Array;
  readonly sessionKey: Uint8Array;
  /** Keep the session loaded after each command (TPMA_SESSION.continueSession). */
  continueSession = true;
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
    this.sessionKey = sessionKey(hash, trimZeros(this.bind?.authValue ?? new Uint8Array(0)), init.salt ?? new Uint8Array(0), init.nonceTPM, init.nonceCaller);
  }

  /** Is this session bound to the entity with this Name and authValue? */
  boundTo(name: Uint8Array, authValue: Uint8Array): boolean {
    if (!this.bind) return false;
    const same = (a: Uint8Array, b: Uint8Array) => a.length === b.length && a.every((x, i) => x === b[i]);
    return same(this.bind.name, name) && same(trimZeros(this.bind.authValue), trimZeros(authValue));
  }

  key(name: Uint8Array, authValue: Uint8Array): Uint8Array {
    return this.boundTo(name, authValue) ? this.sessionKey : concatBytes(this.sessionKey, trimZeros(authValue));
  }

  /** The command HMAC over cpHash with a fresh caller nonce. */
  commandHmac(cpHash: Uint8Array, name: Uint8Array, authValue: Uint8Array, attributes: number): { nonce: Uint8Array; hmac: Uint8Array } {
    this.nonceCaller = this.rng.bytes(this.hash.digestSize);
    if (this.type !== 'hmac') {
      if (this.passwordNeeded) return { nonce: this.nonceCaller, hmac: authValue };
      if (!this.authValueNeeded) return { nonce: this.nonceCaller, hmac: new Uint8Array(0) };
    }
    return { nonce: this.nonceCaller, hmac: sessionHmac(this.hash, this.key(name, authValue), cpHash, this.nonceCaller, this.nonceTPM, EMPTY, EMPTY, attributes) };
  }

  /** Checks the response HMAC over rpHash and takes the TPM's new nonce. */
  acceptResponse(rpHash: Uint8Array, name: Uint8Array, authValue: Uint8Array, nonceTPM: Uint8Array, attributes: number, hmac: Uint8Array): boolean {
    this.nonceTPM = nonceTPM;
    if (!(attributes & 1)) this.closed = true;
    if (this.type !== 'hmac' && this.passwordNeeded) return true;
    const key = this.type === 'hmac' || this.authValueNeeded ? this.key(name, authValue) : this.sessionKey;
    const expected = sessionHmac(this.hash, key, rpHash, nonceTPM, this.nonceCaller, EMPTY, EMPTY, attributes);
    return expected.length === hmac.length && expected.every((x, i) => x === hmac[i]);
  }
}

const EMPTY = new Uint8Array(0);

function trimZeros(v: Uint8Array): Uint8Array {
  let n = v.length;
  while (n > 0 && v[n - 1] === 0) n--;
  return v.subarray(0, n);
}

export const DEFAULT_SESSION_HASH = TPM_ALG.SHA256;
