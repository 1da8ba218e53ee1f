// RSA for the TPM (TPM 2.0 Part 1 "RSA"): key generation, the RSAEP/RSADP primitives with CRT,
// and the schemes the TPM uses — RSASSA-PKCS1-v1_5, RSASSA-PSS, RSAES-PKCS1-v1_5, RSAES-OAEP
// (PKCS #1 v2.2 = RFC 8017) and the NULL scheme (raw RSA, TPM2_RSA_Encrypt/TPM2_RSA_Decrypt).
// BigInt only; the TPM signs the digest it is given, so the signature functions take digests.
import { bigintToBytes, bytesEqual, bytesToBigint, concatBytes, hexToBytes } from './bytes.js';
import type { Rng } from './drbg.js';
import { TPM_ALG_SHA1, TPM_ALG_SHA256, TPM_ALG_SHA384, TPM_ALG_SHA512, TPM_ALG_SM3_256, type HashAlgorithm } from './hash.js';
import { mgf1 } from './kdf.js';
import { CryptoError, type CryptoErrorReason } from './errors.js';

const fail = (reason: CryptoErrorReason, message: string): CryptoError => new CryptoError(reason, message);

export interface RsaPublicKey {
  n: bigint;
  e: bigint;
}

/** Private key with the CRT parameters (PKCS #1 v2.2 A.1.2; qinv = q^-1 mod p). */
export interface RsaPrivateKey extends RsaPublicKey {
  p: bigint;
  q: bigint;
  d: bigint;
  dp: bigint;
  dq: bigint;
  qinv: bigint;
}

// ---------------------------------------------------------------------------------------------
// Arithmetic

function bitLength(n: bigint): number {
  return n === 0n ? 0 : n.toString(2).length;
}

/** Modulus length k in octets. */
export function rsaModulusBytes(key: RsaPublicKey): number {
  return Math.ceil(bitLength(key.n) / 8);
}

function gcd(a: bigint, b: bigint): bigint {
  while (b !== 0n) [a, b] = [b, a % b];
  return a;
}

/** a^-1 mod m (extended Euclid); throws when not invertible. */
function modInverse(a: bigint, m: bigint): bigint {
  let [r0, r1] = [((a % m) + m) % m, m];
  let [s0, s1] = [1n, 0n];
  while (r1 !== 0n) {
    const q = r0 / r1;
    [r0, r1] = [r1, r0 - q * r1];
    [s0, s1] = [s1, s0 - q * s1];
  }
  if (r0 !== 1n) throw fail('key', 'value not invertible');
  return ((s0 % m) + m) % m;
}

/**
 * base^exp mod m. Short exponents (public e) use left-to-right square-and-multiply; long ones a
 * sliding window over a table of odd powers (window 5 up to 512 bits, 6 above).
 */
export function modPow(base: bigint, exp: bigint, m: bigint): bigint {
  if (m === 1n) return 0n;
  let b = base % m;
  if (b < 0n) b += m;
  if (exp === 0n) return 1n;
  const bits = exp.toString(2);
  const L = bits.length;
  if (L <= 64) {
    let r = b;
    for (let i = 1; i < L; i++) {
      r = (r * r) % m;
      if (bits.charCodeAt(i) === 49) r = (r * b) % m;
    }
    return r;
  }
  const w = L > 512 ? 6 : 5;
  const odd: bigint[] = new Array(1 << (w - 1));
  odd[0] = b;
  const b2 = (b * b) % m;
  for (let i = 1; i < odd.length; i++) odd[i] = (odd[i - 1] * b2) % m;
  let r = 1n;
  let started = false;
  let i = 0;
  while (i < L) {
    if (bits.charCodeAt(i) === 48) {
      if (started) r = (r * r) % m;
      i++;
      continue;
    }
    // longest window [i, j) of at most w bits that ends in a 1
    let j = Math.min(i + w, L);
    while (bits.charCodeAt(j - 1) === 48) j--;
    const val = parseInt(bits.slice(i, j), 2);
    if (started) {
      for (let t = i; t < j; t++) r = (r * r) % m;
      r = (r * odd[(val - 1) >> 1]) % m;
    } else {
      r = odd[(val - 1) >> 1];
      started = true;
    }
    i = j;
  }
  return r;
}

/** RSAEP / RSAVP1 (RFC 8017 5.1.1, 5.2.2): m^e mod n, m in [0, n-1]. */
export function rsaPublic(key: RsaPublicKey, m: bigint): bigint {
  if (m < 0n || m >= key.n) throw fail('value', 'RSA input out of range');
  return modPow(m, key.e, key.n);
}

/** RSADP / RSASP1 (RFC 8017 5.1.2, 5.2.1) with the CRT (second form of the private key). */
export function rsaPrivate(key: RsaPrivateKey, c: bigint): bigint {
  if (c < 0n || c >= key.n) throw fail('value', 'RSA input out of range');
  const m1 = modPow(c % key.p, key.dp, key.p);
  const m2 = modPow(c % key.q, key.dq, key.q);
  let h = ((m1 - m2) * key.qinv) % key.p;
  if (h < 0n) h += key.p;
  return m2 + h * key.q;
}

// ---------------------------------------------------------------------------------------------
// Key generation (FIPS 186-5 A.1.3 "Generation of Random Primes that are Probably Prime", with a
// sieve-accelerated incremental search from the random start; all randomness from `rng`, so a
// deterministic rng — a primary seed's KDF stream — gives the same key every time).

let SMALL_PRIMES: Uint32Array | undefined;
let MORE_PRIMES: Uint32Array | undefined;

/** Odd primes below 2^18 (23 000 of them) for trial division; the first 2 046 (below 17 900) form the original sieve. */
function sievePrimes(): { small: Uint32Array; more: Uint32Array } {
  if (SMALL_PRIMES === undefined || MORE_PRIMES === undefined) {
    const LIMIT = 1 << 18;
    const sieve = new Uint8Array(LIMIT);
    const small: number[] = [];
    const more: number[] = [];
    for (let i = 3; i < LIMIT; i += 2) {
      if (sieve[i]) continue;
      (i < 17900 ? small : more).push(i);
      for (let j = i * i; j < LIMIT; j += 2 * i) sieve[j] = 1;
    }
    SMALL_PRIMES = Uint32Array.from(small);
    MORE_PRIMES = Uint32Array.from(more);
  }
  return { small: SMALL_PRIMES, more: MORE_PRIMES };
}

/**
 * Miller-Rabin rounds for a prime of `bits` bits: FIPS 186-5 Table B.1 (larger-error-bound
 * column) gives 5 for 1024-bit, 4 for 1536- and 2048-bit primes; 7 below that (RSA-1024,
 * outside FIPS 186-5's range).
 */
function millerRabinRounds(bits: number): number {
  if (bits >= 1536) return 4;
  if (bits >= 1024) return 5;
  return 7;
}

/** Uniform integer in [lo, hi] from the rng (rejection sampling on bit length). */
function randomInRange(rng: Rng, lo: bigint, hi: bigint): bigint {
  const span = hi - lo;
  const bits = bitLength(span);
  const bytes = Math.ceil(bits / 8);
  const mask = (1n << BigInt(bits)) - 1n;
  for (;;) {
    const v = bytesToBigint(rng.bytes(bytes)) & mask;
    if (v <= span) return lo + v;
  }
}

/** Miller-Rabin probabilistic primality test (FIPS 186-5 B.3.1) with bases from the rng. */
function millerRabin(w: bigint, rounds: number, rng: Rng): boolean {
  const w1 = w - 1n;
  let m = w1;
  let a = 0;
  while ((m & 1n) === 0n) {
    m >>= 1n;
    a++;
  }
  for (let i = 0; i < rounds; i++) {
    const b = randomInRange(rng, 2n, w - 2n);
    let z = modPow(b, m, w);
    if (z === 1n || z === w1) continue;
    let composite = true;
    for (let j = 1; j < a; j++) {
      z = (z * z) % w;
      if (z === w1) {
        composite = false;
        break;
      }
      if (z === 1n) break;
    }
    if (composite) return false;
  }
  return true;
}

/**
 * Fermat test to base 2, 2^(w-1) ≡ 1 (mod w): square and double, no multiplications by a base,
 * so about 15% cheaper than a Miller-Rabin round. A pre-test only: false proves w composite.
 */
function fermatBase2(w: bigint): boolean {
  const bits = (w - 1n).toString(2);
  let r = 2n;
  for (let i = 1; i < bits.length; i++) {
    r = (r * r) % w;
    if (bits.charCodeAt(i) === 49) {
      r <<= 1n;
      if (r >= w) r -= w;
    }
  }
  return r === 1n;
}

const SIEVE_WINDOW = 4096; // candidates start + 2i, i < SIEVE_WINDOW

/** Marks start + 2i divisible by one of `primes` with `mark` (batched residues, products below 2^53). */
function markMultiples(composite: Uint8Array, start: bigint, primes: Uint32Array, mark: number): void {
  let k = 0;
  while (k < primes.length) {
    let prod = 1;
    let end = k;
    while (end < primes.length && prod * primes[end] < 2 ** 53) prod *= primes[end++];
    const big = Number(start % BigInt(prod));
    for (let t = k; t < end; t++) {
      const pr = primes[t];
      const r = big % pr;
      // start + 2i ≡ 0 (mod pr)  ⇔  i ≡ -r · 2^-1 (mod pr); 2^-1 = (pr + 1) / 2
      let i = (((pr - r) % pr) * ((pr + 1) / 2)) % pr;
      for (; i < SIEVE_WINDOW; i += pr) if (!composite[i]) composite[i] = mark;
    }
    k = end;
  }
}

/**
 * A random prime of exactly `bits` bits with the top two bits set (so p·q has the full length
 * and p ≥ √2·2^(bits-1)), gcd(p-1, e) = 1. Candidates divisible by a prime below 17 900 are
 * skipped; the others go to Miller-Rabin. Two cheaper filters reject composites first (trial
 * division by primes up to 2^18, a Fermat test to base 2); a candidate they reject draws the base
 * its first Miller-Rabin round would have drawn, so the random stream, and with it every key a
 * seed derives, is the same as with Miller-Rabin alone.
 */
function generatePrime(bits: number, e: bigint, rng: Rng): bigint {
  const { small, more } = sievePrimes();
  const top = 1n << BigInt(bits);
  const rounds = millerRabinRounds(bits);
  const bytes = Math.ceil(bits / 8);
  const excess = BigInt(bytes * 8 - bits);
  const composite = new Uint8Array(SIEVE_WINDOW);
  for (;;) {
    let start = bytesToBigint(rng.bytes(bytes)) >> excess;
    start |= (3n << BigInt(bits - 2)) | 1n;
    composite.fill(0);
    markMultiples(composite, start, small, 1);
    if (bits > 64) markMultiples(composite, start, more, 2);
    for (let i = 0; i < SIEVE_WINDOW; i++) {
      if (composite[i] === 1) continue;
      const p = start + 2n * BigInt(i);
      if (p >= top) break;
      if (gcd(p - 1n, e) !== 1n) continue;
      if (composite[i] === 2 || !fermatBase2(p)) {
        randomInRange(rng, 2n, p - 2n);
        continue;
      }
      if (millerRabin(p, rounds, rng)) return p;
    }
  }
}

/** Private key from its primes (e.g. TPM2_Load: the sensitive area keeps one prime). */
export function rsaPrivateKeyFromPrimes(p: bigint, q: bigint, e: bigint): RsaPrivateKey {
  const n = p * q;
  const p1 = p - 1n;
  const q1 = q - 1n;
  const lambda = (p1 / gcd(p1, q1)) * q1;
  const d = modInverse(e, lambda);
  return { n, e, p, q, d, dp: d % p1, dq: d % q1, qinv: modInverse(q, p) };
}

/** Private key from the public key and one prime factor; throws CryptoError('key') if p ∤ n. */
export function rsaPrivateKeyFromPrime(pub: RsaPublicKey, p: bigint): RsaPrivateKey {
  if (p <= 1n || p >= pub.n || pub.n % p !== 0n) throw fail('key', 'prime does not divide the modulus');
  return rsaPrivateKeyFromPrimes(p, pub.n / p, pub.e);
}

/**
 * New RSA key of `bits` bits (even, 1024..4096) and public exponent e (odd, > 1; default 65537).
 * FIPS 186-5 A.1.3 checks: |p - q| > 2^(bits/2 - 100) and d > 2^(bits/2).
 */
export function rsaGenerateKey(bits: number, rng: Rng, e: bigint = 65537n): RsaPrivateKey {
  if (!Number.isInteger(bits) || bits < 1024 || bits > 4096 || bits % 2 !== 0) {
    throw fail('size', 'unsupported RSA key size ' + bits);
  }
  if (e <= 1n || (e & 1n) === 0n) throw fail('value', 'RSA public exponent must be odd and > 1');
  const half = bits / 2;
  const minDiff = 1n << BigInt(half - 100);
  for (;;) {
    const p = generatePrime(half, e, rng);
    let q: bigint;
    do q = generatePrime(half, e, rng);
    while ((p > q ? p - q : q - p) <= minDiff);
    const key = rsaPrivateKeyFromPrimes(p, q, e);
    if (key.d > 1n << BigInt(half) && bitLength(key.n) === bits) return key;
  }
}

// ---------------------------------------------------------------------------------------------
// NULL scheme: raw RSA (TPM2_RSA_Encrypt / TPM2_RSA_Decrypt with TPM_ALG_NULL)

/** Raw RSAEP on a big-endian octet string (leading zeros allowed); output k octets. */
export function rsaEncryptRaw(key: RsaPublicKey, m: Uint8Array): Uint8Array {
  const k = rsaModulusBytes(key);
  const v = bytesToBigint(m);
  if (v >= key.n) throw fail('value', 'RSA input is not less than the modulus');
  return bigintToBytes(modPow(v, key.e, key.n), k);
}

/** Raw RSADP; the ciphertext must be k octets (CryptoError 'size') and less than n ('value'). */
export function rsaDecryptRaw(key: RsaPrivateKey, c: Uint8Array): Uint8Array {
  const k = rsaModulusBytes(key);
  if (c.length !== k) throw fail('size', 'RSA ciphertext must be ' + k + ' octets');
  const v = bytesToBigint(c);
  if (v >= key.n) throw fail('value', 'RSA ciphertext is not less than the modulus');
  return bigintToBytes(rsaPrivate(key, v), k);
}

// ---------------------------------------------------------------------------------------------
// RSASSA-PKCS1-v1_5 (RFC 8017 8.2, EMSA-PKCS1-v1_5 9.2)

// DER DigestInfo prefixes (RFC 8017 9.2 note 1; SM3: OID 1.2.156.10197.1.401, GM/T 0006).
const DIGEST_INFO: ReadonlyMap<number, Uint8Array> = /* @__PURE__ */ new Map([
  [TPM_ALG_SHA1, hexToBytes('3021300906052b0e03021a05000414')],
  [TPM_ALG_SHA256, hexToBytes('3031300d060960864801650304020105000420')],
  [TPM_ALG_SHA384, hexToBytes('3041300d060960864801650304020205000430')],
  [TPM_ALG_SHA512, hexToBytes('3051300d060960864801650304020305000440')],
  [TPM_ALG_SM3_256, hexToBytes('3030300c06082a811ccf550183110500' + '0420')],
]);

function emsaPkcs1v15(hash: HashAlgorithm, digest: Uint8Array, emLen: number): Uint8Array {
  const prefix = DIGEST_INFO.get(hash.alg);
  if (prefix === undefined) throw fail('scheme', 'no DigestInfo for hash ' + hash.name);
  if (digest.length !== hash.digestSize) throw fail('value', 'digest size does not match ' + hash.name);
  const tLen = prefix.length + digest.length;
  if (emLen < tLen + 11) throw fail('size', 'RSA modulus too short for RSASSA with ' + hash.name);
  const em = new Uint8Array(emLen).fill(0xff);
  em[0] = 0x00;
  em[1] = 0x01;
  em[emLen - tLen - 1] = 0x00;
  em.set(prefix, emLen - tLen);
  em.set(digest, emLen - digest.length);
  return em;
}

/** RSASSA-PKCS1-v1_5 signature of a digest (k octets). */
export function rsassaSign(key: RsaPrivateKey, hash: HashAlgorithm, digest: Uint8Array): Uint8Array {
  const k = rsaModulusBytes(key);
  const em = emsaPkcs1v15(hash, digest, k);
  return bigintToBytes(rsaPrivate(key, bytesToBigint(em)), k);
}

/** RSASSA-PKCS1-v1_5 verification (re-encode and compare, RFC 8017 8.2.2). */
export function rsassaVerify(key: RsaPublicKey, hash: HashAlgorithm, digest: Uint8Array, sig: Uint8Array): boolean {
  const k = rsaModulusBytes(key);
  if (sig.length !== k) return false;
  const s = bytesToBigint(sig);
  if (s >= key.n) return false;
  let expected: Uint8Array;
  try {
    expected = emsaPkcs1v15(hash, digest, k);
  } catch {
    return false;
  }
  return bytesEqual(bigintToBytes(modPow(s, key.e, key.n), k), expected);
}

// ---------------------------------------------------------------------------------------------
// RSASSA-PSS (RFC 8017 8.1, EMSA-PSS 9.1; MGF1 with the signature hash).
//
// Salt length: TPM 2.0 Part 1 "RSASSA-PSS" / the reference CryptRsaPssSaltSize(): the largest
// salt FIPS 186-4 allows, i.e. min(hLen, emLen - hLen - 2) — hLen for every TPM key size
// except e.g. RSA-1024 with SHA-512, where it is 62. Verification, like the TPM's, recovers the
// salt length from the encoding unless one is given.

/** The TPM's PSS salt length for hash `hash` and a modulus of `modBits` bits. */
export function rsaPssSaltLength(hash: HashAlgorithm, modBits: number): number {
  const emLen = Math.ceil((modBits - 1) / 8);
  return Math.max(0, Math.min(hash.digestSize, emLen - hash.digestSize - 2));
}

function pssHash(hash: HashAlgorithm, digest: Uint8Array, salt: Uint8Array): Uint8Array {
  return hash.digest(new Uint8Array(8), digest, salt);
}

/** RSASSA-PSS signature of a digest; salt from rng, length saltLen (default: the TPM's choice). */
export function rsapssSign(
  key: RsaPrivateKey,
  hash: HashAlgorithm,
  digest: Uint8Array,
  rng: Rng,
  saltLen?: number,
): Uint8Array {
  const modBits = bitLength(key.n);
  const emBits = modBits - 1;
  const emLen = Math.ceil(emBits / 8);
  const hLen = hash.digestSize;
  if (digest.length !== hLen) throw fail('value', 'digest size does not match ' + hash.name);
  const sLen = saltLen ?? rsaPssSaltLength(hash, modBits);
  if (!Number.isInteger(sLen) || sLen < 0) throw fail('value', 'invalid PSS salt length');
  if (emLen < hLen + sLen + 2) throw fail('size', 'RSA modulus too short for PSS with ' + hash.name);
  const salt = rng.bytes(sLen);
  const H = pssHash(hash, digest, salt);
  const db = new Uint8Array(emLen - hLen - 1); // PS ‖ 0x01 ‖ salt
  db[db.length - sLen - 1] = 0x01;
  db.set(salt, db.length - sLen);
  const mask = mgf1(hash, H, db.length);
  for (let i = 0; i < db.length; i++) db[i] ^= mask[i];
  db[0] &= 0xff >>> (8 * emLen - emBits);
  const em = concatBytes(db, H, Uint8Array.of(0xbc));
  return bigintToBytes(rsaPrivate(key, bytesToBigint(em)), rsaModulusBytes(key));
}

/** RSASSA-PSS verification; saltLen undefined accepts any salt length (as the TPM does). */
export function rsapssVerify(
  key: RsaPublicKey,
  hash: HashAlgorithm,
  digest: Uint8Array,
  sig: Uint8Array,
  saltLen?: number,
): boolean {
  const k = rsaModulusBytes(key);
  const modBits = bitLength(key.n);
  const emBits = modBits - 1;
  const emLen = Math.ceil(emBits / 8);
  const hLen = hash.digestSize;
  if (sig.length !== k || digest.length !== hLen) return false;
  const s = bytesToBigint(sig);
  if (s >= key.n) return false;
  const m = modPow(s, key.e, key.n);
  if (bitLength(m) > emBits) return false;
  const em = bigintToBytes(m, emLen);
  if (emLen < hLen + 2 || em[emLen - 1] !== 0xbc) return false;
  const dbLen = emLen - hLen - 1;
  const H = em.subarray(dbLen, dbLen + hLen);
  const db = em.slice(0, dbLen);
  const mask = mgf1(hash, H, dbLen);
  for (let i = 0; i < dbLen; i++) db[i] ^= mask[i];
  db[0] &= 0xff >>> (8 * emLen - emBits);
  let i = 0;
  while (i < dbLen && db[i] === 0) i++;
  if (i === dbLen || db[i] !== 0x01) return false;
  const salt = db.subarray(i + 1);
  if (saltLen !== undefined && salt.length !== saltLen) return false;
  return bytesEqual(pssHash(hash, digest, salt), H);
}

// ---------------------------------------------------------------------------------------------
// RSAES-PKCS1-v1_5 (RFC 8017 7.2)

/** RSAES-PKCS1-v1_5 encryption: EM = 00 02 PS 00 M, PS ≥ 8 nonzero random octets. */
export function rsaesEncrypt(key: RsaPublicKey, msg: Uint8Array, rng: Rng): Uint8Array {
  const k = rsaModulusBytes(key);
  if (msg.length > k - 11) throw fail('value', 'message too long for RSAES-PKCS1-v1_5');
  const psLen = k - msg.length - 3;
  const ps = rng.bytes(psLen);
  for (let i = 0; i < psLen; i++) {
    while (ps[i] === 0) ps[i] = rng.bytes(1)[0];
  }
  const em = concatBytes(Uint8Array.of(0, 2), ps, Uint8Array.of(0), msg);
  return bigintToBytes(modPow(bytesToBigint(em), key.e, key.n), k);
}

/** RSAES-PKCS1-v1_5 decryption; any format error is CryptoError('value'). */
export function rsaesDecrypt(key: RsaPrivateKey, ct: Uint8Array): Uint8Array {
  const k = rsaModulusBytes(key);
  if (k < 11) throw fail('value', 'decryption error');
  const em = rsaDecryptRaw(key, ct);
  let bad = em[0] | (em[1] ^ 2);
  let sep = 0;
  for (let i = 2; i < k; i++) {
    if (em[i] === 0 && sep === 0) sep = i;
  }
  bad |= sep === 0 ? 1 : 0;
  bad |= sep < 10 ? 1 : 0; // at least 8 octets of PS
  if (bad !== 0) throw fail('value', 'decryption error');
  return em.slice(sep + 1);
}

// ---------------------------------------------------------------------------------------------
// RSAES-OAEP (RFC 8017 7.1; TPM 2.0 Part 1 "RSAES_OAEP"). The label is passed exactly as the
// TPM uses it, including the terminating zero octet (e.g. "DUPLICATE\0", "SECRET\0").

/** RSAES-OAEP encryption with hash `hash` (also MGF1's hash) and label bytes `label`. */
export function oaepEncrypt(
  key: RsaPublicKey,
  hash: HashAlgorithm,
  msg: Uint8Array,
  label: Uint8Array,
  rng: Rng,
): Uint8Array {
  const k = rsaModulusBytes(key);
  const hLen = hash.digestSize;
  if (k < 2 * hLen + 2 || msg.length > k - 2 * hLen - 2) throw fail('value', 'message too long for RSAES-OAEP');
  const db = new Uint8Array(k - hLen - 1); // lHash ‖ PS ‖ 0x01 ‖ M
  db.set(hash.digest(label), 0);
  db[db.length - msg.length - 1] = 0x01;
  db.set(msg, db.length - msg.length);
  const seed = rng.bytes(hLen);
  const dbMask = mgf1(hash, seed, db.length);
  for (let i = 0; i < db.length; i++) db[i] ^= dbMask[i];
  const seedMask = mgf1(hash, db, hLen);
  for (let i = 0; i < hLen; i++) seed[i] ^= seedMask[i];
  const em = concatBytes(Uint8Array.of(0), seed, db);
  return bigintToBytes(modPow(bytesToBigint(em), key.e, key.n), k);
}

/** RSAES-OAEP decryption; any format or label mismatch is CryptoError('value'). */
export function oaepDecrypt(key: RsaPrivateKey, hash: HashAlgorithm, ct: Uint8Array, label: Uint8Array): Uint8Array {
  const k = rsaModulusBytes(key);
  const hLen = hash.digestSize;
  if (k < 2 * hLen + 2) throw fail('value', 'decryption error');
  const em = rsaDecryptRaw(key, ct);
  const seed = em.slice(1, 1 + hLen);
  const db = em.slice(1 + hLen);
  const seedMask = mgf1(hash, db, hLen);
  for (let i = 0; i < hLen; i++) seed[i] ^= seedMask[i];
  const dbMask = mgf1(hash, seed, db.length);
  for (let i = 0; i < db.length; i++) db[i] ^= dbMask[i];
  let bad = em[0];
  const lHash = hash.digest(label);
  for (let i = 0; i < hLen; i++) bad |= db[i] ^ lHash[i];
  // first nonzero octet after lHash must be 0x01
  let sep = 0;
  let badPad = 0;
  for (let i = hLen; i < db.length; i++) {
    if (sep === 0) {
      if (db[i] === 0x01) sep = i;
      else if (db[i] !== 0) badPad = 1;
    }
  }
  if (bad !== 0 || badPad !== 0 || sep === 0) throw fail('value', 'decryption error');
  return db.slice(sep + 1);
}
