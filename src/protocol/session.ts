/**
 * Session arithmetic shared by the emulator and the client (TPM 2.0 Part 1 "Session-Based
 * Authorization"): Names of handles, cpHash and rpHash, the session key, the HMAC and parameter
 * encryption.
 */
import { concatBytes, u32be } from '../crypto/bytes.js';
import type { HashAlgorithm } from '../crypto/hash.js';
import { hmac } from '../crypto/hmac.js';
import { kdfa } from '../crypto/kdf.js';
import { cfbDecrypt, cfbEncrypt, createBlockCipher, symBlockSize, xorObfuscate } from '../crypto/symmetric.js';
import { TPM_ALG } from '../gen/constants.js';

/** The Name of a PCR, session or permanent handle is the handle itself (Part 1 "Names"). */
export function handleName(handle: number): Uint8Array {
  return u32be(handle >>> 0);
}

/** cpHash := H(commandCode ‖ Name1 ‖ Name2 ‖ Name3 ‖ parameters) (Part 1 "cpHash"). */
export function cpHash(hash: HashAlgorithm, commandCode: number, names: readonly Uint8Array[], parameters: Uint8Array): Uint8Array {
  return hash.digest(u32be(commandCode), ...names, parameters);
}

/** rpHash := H(responseCode ‖ commandCode ‖ parameters) (Part 1 "rpHash"). */
export function rpHash(hash: HashAlgorithm, responseCode: number, commandCode: number, parameters: Uint8Array): Uint8Array {
  return hash.digest(u32be(responseCode), u32be(commandCode), parameters);
}

/**
 * sessionKey := KDFa(sessionAlg, bind.authValue ‖ salt, "ATH", nonceTPM, nonceCaller, bits)
 * when the session is bound or salted; otherwise empty (Part 1 "Session Key Creation").
 */
export function sessionKey(hash: HashAlgorithm, bindAuth: Uint8Array, salt: Uint8Array, nonceTPM: Uint8Array, nonceCaller: Uint8Array): Uint8Array {
  if (bindAuth.length === 0 && salt.length === 0) return new Uint8Array(0);
  return kdfa(hash, concatBytes(bindAuth, salt), 'ATH', nonceTPM, nonceCaller, hash.digestSize * 8);
}

/**
 * The authorization HMAC (Part 1 "HMAC Computation"):
 * HMAC_sessionAlg(sessionKey ‖ authValue, pHash ‖ nonceNewer ‖ nonceOlder ‖ nonceDecrypt ‖ nonceEncrypt ‖ sessionAttributes).
 */
export function sessionHmac(
  hash: HashAlgorithm,
  key: Uint8Array,
  pHash: Uint8Array,
  nonceNewer: Uint8Array,
  nonceOlder: Uint8Array,
  nonceDecrypt: Uint8Array,
  nonceEncrypt: Uint8Array,
  sessionAttributes: number,
): Uint8Array {
  return hmac(hash, key, pHash, nonceNewer, nonceOlder, nonceDecrypt, nonceEncrypt, Uint8Array.of(sessionAttributes));
}

/** A session's symmetric definition for parameter encryption (TPMT_SYM_DEF). */
export interface SessionSymmetric {
  algorithm: number;
  keyBits: number | null;
  mode: number | null;
}

/**
 * Parameter encryption (Part 1 "Session-based encryption"): the data of the first TPM2B
 * parameter, with sessionValue = sessionKey ‖ authValue. XOR: data ⊕ KDFa(hash, sessionValue,
 * "XOR", nonceNewer, nonceOlder, bits); CFB: key ‖ iv = KDFa(hash, sessionValue, "CFB",
 * nonceNewer, nonceOlder, keyBits + blockBits). nonceNewer is nonceCaller for a command and the
 * new nonceTPM for a response.
 */
export function parameterCrypt(
  hash: HashAlgorithm,
  symmetric: SessionSymmetric,
  sessionValue: Uint8Array,
  nonceNewer: Uint8Array,
  nonceOlder: Uint8Array,
  data: Uint8Array,
  decrypt: boolean,
): Uint8Array {
  if (symmetric.algorithm === TPM_ALG.XOR) return xorObfuscate(hash, sessionValue, nonceNewer, nonceOlder, data);
  const keyBits = symmetric.keyBits ?? 0;
  const block = symBlockSize(symmetric.algorithm);
  const bits = kdfa(hash, sessionValue, 'CFB', nonceNewer, nonceOlder, keyBits + block * 8);
  const cipher = createBlockCipher(symmetric.algorithm, bits.subarray(0, keyBits / 8));
  const iv = bits.subarray(keyBits / 8);
  return decrypt ? cfbDecrypt(cipher, iv, data) : cfbEncrypt(cipher, iv, data);
}
