/**
 * Cryptographic self-tests (TPM 2.0 Part 1 "Self-Test Modes"; Part 3 "Testing"): a known-answer
 * or pairwise-consistency test per algorithm, run on demand (TPM2_SelfTest,
 * TPM2_IncrementalSelfTest) or before first use. Which algorithms have a test follows the
 * reference's TestAlgorithm(): hashes, HMAC, block ciphers and modes, KDFa, RSA and ECC schemes.
 * A failing test puts the TPM in failure mode.
 */
import { bytesEqual, hexToBytes, utf8 } from '../../../crypto/bytes.js';
import type { Rng } from '../../../crypto/drbg.js';
import { ecdh, ecdsaSign, ecdsaVerify, eccDerivePrivate, eccPublicFromPrivate, ecSchnorrSign, ecSchnorrVerify, type Curve } from '../../../crypto/ecc.js';
import type { HashAlgorithm } from '../../../crypto/hash.js';
import { hmac } from '../../../crypto/hmac.js';
import { kdfa } from '../../../crypto/kdf.js';
import {
  oaepDecrypt,
  oaepEncrypt,
  rsaDecryptRaw,
  rsaEncryptRaw,
  rsaesDecrypt,
  rsaesEncrypt,
  rsaPrivateKeyFromPrimes,
  rsapssSign,
  rsapssVerify,
  rsassaSign,
  rsassaVerify,
  type RsaPrivateKey,
} from '../../../crypto/rsa.js';
import { sm2SignDigest, sm2VerifyDigest } from '../../../crypto/sm2.js';
import { decrypt, encrypt } from '../../../crypto/symmetric.js';
import { TPM_ALG, TPM_ECC, TPM_RC } from '../../../gen/constants.js';
import type { CommandContext } from '../../context.js';
import { tpmError } from '../../errors.js';
import type { Profile } from '../../profile.js';

const ABC = utf8('abc');

/** Digests of "abc" (FIPS 180-4 examples; GB/T 32905-2016 example 1). */
const HASH_KAT: ReadonlyMap<number, string> = new Map([
  [TPM_ALG.SHA1, 'a9993e364706816aba3e25717850c26c9cd0d89d'],
  [TPM_ALG.SHA256, 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad'],
  [TPM_ALG.SHA384, 'cb00753f45a35e8bb5a03d699ac65007272c32ab0eded1631a8b605a43ff5bed8086072ba1e7cc2358baeca134c825a7'],
  [TPM_ALG.SHA512, 'ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f'],
  [TPM_ALG.SM3_256, '66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0'],
]);

/** HMAC(key "Jefe", "what do ya want for nothing?"): RFC 4231 test case 2 for SHA-256; HMAC-SM3 by OpenSSL. */
const HMAC_KAT: ReadonlyMap<number, string> = new Map([
  [TPM_ALG.SHA256, '5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843'],
  [TPM_ALG.SM3_256, '2e87f1d16862e6d964b50a5200bf2b10b764faa9680a296a2405f24bec39f882'],
]);

/** One block: FIPS-197 appendix C.1 (AES-128) and GB/T 32907-2016 example 1 (SM4). */
const BLOCK_KAT: ReadonlyMap<number, { key: string; pt: string; ct: string }> = new Map([
  [TPM_ALG.AES, { key: '000102030405060708090a0b0c0d0e0f', pt: '00112233445566778899aabbccddeeff', ct: '69c4e0d86a7b0430d8cdb78070b4c55a' }],
  [TPM_ALG.SM4, { key: '0123456789abcdeffedcba9876543210', pt: '0123456789abcdeffedcba9876543210', ct: '681edf34d206965e86b3e94f536e4246' }],
]);

/** Two blocks in each mode (key 00..0f, IV f0..ff, SP 800-38A plaintext), by OpenSSL. */
const MODE_KEY = '000102030405060708090a0b0c0d0e0f';
const MODE_IV = 'f0f1f2f3f4f5f6f7f8f9fafbfcfdfeff';
const MODE_PT = '6bc1bee22e409f96e93d7e117393172aae2d8a571e03ac9c9eb76fac45af8e51';
const MODE_KAT: ReadonlyMap<number, ReadonlyMap<number, string>> = new Map([
  [
    TPM_ALG.AES,
    new Map([
      [TPM_ALG.CTR, '0d66790a1a12aede7e6ca0164085ba871cac5d57a99d90313a1a1c172b3391bb'],
      [TPM_ALG.OFB, '0d66790a1a12aede7e6ca0164085ba87c04c13ed48d620ce95d90abab4650ffb'],
      [TPM_ALG.CBC, '8d05a8efed4bbfabe47a181228c69197f77aa64205aa2cf019541a1c6ac70e7b'],
      [TPM_ALG.CFB, '0d66790a1a12aede7e6ca0164085ba87b2179eecbe279633f4fbf13b3f4526ee'],
      [TPM_ALG.ECB, '47c58d5e21caaf840d015b7d9b9109815c051c31e4a777747c38eba4dc62e073'],
    ]),
  ],
  [
    TPM_ALG.SM4,
    new Map([
      [TPM_ALG.CTR, '25bf97a0cf334c055fb2eec510c64411d8e2fee246416a1db7d28ece528f6a6b'],
      [TPM_ALG.OFB, '25bf97a0cf334c055fb2eec510c6441185d13d45bdba3bd4ed64e839f95c5806'],
      [TPM_ALG.CBC, '7dfcf756a007c3fa81fc237f456648da1dd549c275619217893b1d965dac867a'],
      [TPM_ALG.CFB, '25bf97a0cf334c055fb2eec510c64411bb3e6b06f7f516180c791255e8fd13e8'],
      [TPM_ALG.ECB, '19a74c71033245200e47d1006d211573daef80ba203c6b4a1ca291dd2bcb2d46'],
    ]),
  ],
]);

/** KDFa(key 00..13, "KDFSELFTESTLABEL", 0001..07, 0809..0f, 256 bits), by an independent SP 800-108 implementation. */
const KDFA_KAT: ReadonlyMap<number, string> = new Map([
  [TPM_ALG.SHA256, '6d2326820de13a02ed32ee8271c547bcd8737e231ce23cc891e6886017306486'],
  [TPM_ALG.SM3_256, '9b7be8d8324c341c419d12142dd0c4985da5f8ae724fffad7566f3b5e654bbac'],
]);

/** A fixed 1024-bit RSA test key (primes only; e = 65537). */
const RSA_P = 'f09f302fb891235376c141c808ea452d264ede44636352b51315d60aa4917d922810506179521c8bc86d402441e117cd46668cacdbfc090af8e423cdd6158b0b';
const RSA_Q = 'ed28ee29d52b6ce1e1609a4dd53acaa9f8b8199818ba7c3904d9b79de79936bcdf89de12aab88d0fcb5359f3d4cdc50564e8029d8bd934e6104afad7f36d206f';

/** A deterministic byte source for the tests' padding and salts (the TPM's DRBG stays untouched). */
function testRng(hash: HashAlgorithm): Rng {
  let counter = 0;
  const bytes = (n: number): Uint8Array => {
    const out = new Uint8Array(n);
    for (let i = 0; i < n; i += hash.digestSize) out.set(hash.digest(Uint8Array.of(counter >>> 8, counter++ & 0xff)).subarray(0, n - i), i);
    return out;
  };
  return { bytes, fill: (out) => out.set(bytes(out.length)) };
}

/** The hash the HMAC, KDF and signature tests use (the reference's DEFAULT_TEST_HASH). */
function testHash(profile: Profile): HashAlgorithm {
  return profile.crypto.hash(TPM_ALG.SHA256) ?? profile.crypto.hash(TPM_ALG.SM3_256) ?? profile.crypto.hashes[0];
}

/** The block cipher the mode tests use. */
function testCipher(profile: Profile): number | undefined {
  return [TPM_ALG.AES, TPM_ALG.SM4].find((a) => profile.crypto.symmetricKeyBits(a).length > 0);
}

/** The curve the ECC tests use: NIST P-256 when implemented (ECDSA/Schnorr), else SM2 P-256. */
function testCurve(profile: Profile, alg: number): Curve | undefined {
  const order = alg === TPM_ALG.SM2 ? [TPM_ECC.SM2_P256] : [TPM_ECC.NIST_P256, TPM_ECC.SM2_P256, ...profile.curves];
  for (const id of order) {
    const c = profile.crypto.curve(id);
    if (c) return c;
  }
  return undefined;
}

function rsaKey(): RsaPrivateKey {
  return rsaPrivateKeyFromPrimes(BigInt('0x' + RSA_P), BigInt('0x' + RSA_Q), 65537n);
}

const hex = (b: Uint8Array) => Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');

/** The test of one algorithm: true when it passes. */
type Test = (profile: Profile) => boolean;

function hashTest(alg: number): Test {
  return (profile) => hex(profile.crypto.hash(alg)!.digest(ABC)) === HASH_KAT.get(alg);
}

function modeTest(mode: number): Test {
  return (profile) => {
    const alg = testCipher(profile);
    if (alg === undefined) return true;
    const cipher = profile.crypto.cipher(alg, hexToBytes(MODE_KEY));
    const iv = hexToBytes(MODE_IV);
    const pt = hexToBytes(MODE_PT);
    const ct = encrypt(mode, cipher, iv, pt).data;
    return hex(ct) === MODE_KAT.get(alg)!.get(mode) && bytesEqual(decrypt(mode, cipher, iv, ct).data, pt);
  };
}

function rsaSchemeTest(alg: number): Test {
  return (profile) => {
    const key = rsaKey();
    const h = testHash(profile);
    const rng = testRng(h);
    const digest = h.digest(ABC);
    const msg = utf8('vtpm self-test');
    switch (alg) {
      case TPM_ALG.RSA:
        return bytesEqual(rsaDecryptRaw(key, rsaEncryptRaw(key, digest)).subarray(-digest.length), digest);
      case TPM_ALG.RSASSA:
        return rsassaVerify(key, h, digest, rsassaSign(key, h, digest));
      case TPM_ALG.RSAPSS:
        return rsapssVerify(key, h, digest, rsapssSign(key, h, digest, rng));
      case TPM_ALG.RSAES:
        return bytesEqual(rsaesDecrypt(key, rsaesEncrypt(key, msg, rng)), msg);
      case TPM_ALG.OAEP: {
        const label = utf8('TEST\0');
        return bytesEqual(oaepDecrypt(key, h, oaepEncrypt(key, h, msg, label, rng), label), msg);
      }
    }
    return false;
  };
}

function eccSchemeTest(alg: number): Test {
  return (profile) => {
    const curve = testCurve(profile, alg);
    if (!curve) return true;
    const h = testHash(profile);
    const d = eccDerivePrivate(curve, h.digest(utf8('vtpm self-test key'), Uint8Array.of(1)));
    const { x, y } = eccPublicFromPrivate(curve, d);
    const digest = h.digest(ABC);
    switch (alg) {
      case TPM_ALG.ECDSA: {
        const s = ecdsaSign(curve, d, digest);
        return ecdsaVerify(curve, x, y, digest, s.r, s.s);
      }
      case TPM_ALG.ECSCHNORR: {
        const s = ecSchnorrSign(curve, d, h, digest);
        return ecSchnorrVerify(curve, x, y, h, digest, s.r, s.s);
      }
      case TPM_ALG.SM2: {
        const s = sm2SignDigest(curve, d, digest);
        return sm2VerifyDigest(curve, x, y, digest, s.r, s.s);
      }
      case TPM_ALG.ECC:
      case TPM_ALG.ECDH: {
        // [d1]([d2]G) = [d2]([d1]G)
        const d2 = eccDerivePrivate(curve, h.digest(utf8('vtpm self-test key'), Uint8Array.of(2)));
        const q2 = eccPublicFromPrivate(curve, d2);
        const z1 = ecdh(curve, d, q2.x, q2.y);
        const z2 = ecdh(curve, d2, x, y);
        return bytesEqual(z1.x, z2.x) && bytesEqual(z1.y, z2.y);
      }
    }
    return false;
  };
}

/** Algorithms that have a test, and the test. The others need none and count as tested. */
const TESTS: ReadonlyMap<number, Test> = new Map<number, Test>([
  ...[...HASH_KAT.keys()].map((alg): [number, Test] => [alg, hashTest(alg)]),
  [
    TPM_ALG.HMAC,
    (profile) => {
      const h = testHash(profile);
      const expected = HMAC_KAT.get(h.alg);
      const mac = hmac(h, utf8('Jefe'), utf8('what do ya want for nothing?'));
      return expected === undefined ? mac.length === h.digestSize : hex(mac) === expected;
    },
  ],
  ...[...BLOCK_KAT.keys()].map((alg): [number, Test] => [
    alg,
    (profile) => {
      const v = BLOCK_KAT.get(alg)!;
      const cipher = profile.crypto.cipher(alg, hexToBytes(v.key));
      const ct = cipher.encryptBlock(hexToBytes(v.pt));
      return hex(ct) === v.ct && hex(cipher.decryptBlock(ct)) === v.pt;
    },
  ]),
  ...[TPM_ALG.CTR, TPM_ALG.OFB, TPM_ALG.CBC, TPM_ALG.CFB, TPM_ALG.ECB].map((mode): [number, Test] => [mode, modeTest(mode)]),
  [
    TPM_ALG.KDF1_SP800_108,
    (profile) => {
      const h = testHash(profile);
      const out = kdfa(h, hexToBytes('000102030405060708090a0b0c0d0e0f10111213'), 'KDFSELFTESTLABEL', hexToBytes('0001020304050607'), hexToBytes('08090a0b0c0d0e0f'), 256);
      const expected = KDFA_KAT.get(h.alg);
      return expected === undefined ? out.length === 32 : hex(out) === expected;
    },
  ],
  ...[TPM_ALG.RSA, TPM_ALG.RSASSA, TPM_ALG.RSAES, TPM_ALG.RSAPSS, TPM_ALG.OAEP].map((alg): [number, Test] => [alg, rsaSchemeTest(alg)]),
  ...[TPM_ALG.ECC, TPM_ALG.ECDSA, TPM_ALG.ECDH, TPM_ALG.ECSCHNORR, TPM_ALG.SM2].map((alg): [number, Test] => [alg, eccSchemeTest(alg)]),
]);

/** The profile's algorithms that have a self-test, in TPM_ALG_ID order. */
export function testableAlgorithms(profile: Profile): number[] {
  return [...profile.algorithms].filter((a) => TESTS.has(a)).sort((a, b) => a - b);
}

/** Algorithms still to be tested since _TPM_Init, in TPM_ALG_ID order. */
export function untestedAlgorithms(ctx: CommandContext): number[] {
  const tested = new Set(ctx.read('volatile').tested ?? []);
  return testableAlgorithms(ctx.profile).filter((a) => !tested.has(a));
}

/**
 * Failure mode (Part 1 "Failure Mode"): recorded on the machine directly, since the failing
 * command's drafts are discarded; from now on only GetTestResult and GetCapability answer.
 */
function enterFailureMode(ctx: CommandContext, alg: number, detail: string): never {
  const m = ctx.machine;
  m.state = { ...m.state, volatile: { ...m.state.volatile, failure: { code: alg, detail } } };
  throw tpmError(TPM_RC.FAILURE, detail);
}

/**
 * Algorithms whose known-answer tests passed, per profile object (its crypto is shared by every
 * TPM of the profile in this process): a TPM testing on first use (after each _TPM_Init) records
 * them as tested without computing them again. TPM2_SelfTest and TPM2_IncrementalSelfTest always run them.
 */
const PASSED = new WeakMap<object, Set<number>>();

/** Runs the tests of `algs` (those that have one), records them as tested; a failure is fatal. */
export function runSelfTests(ctx: CommandContext, algs: readonly number[], options: { rerun?: boolean } = {}): void {
  const todo = algs.filter((a) => TESTS.has(a) && ctx.profile.algorithms.has(a));
  if (todo.length === 0) return;
  let passed = PASSED.get(ctx.profile);
  if (!passed) PASSED.set(ctx.profile, (passed = new Set()));
  for (const alg of todo) {
    if (!options.rerun && passed.has(alg)) continue;
    let ok: boolean;
    try {
      ok = TESTS.get(alg)!(ctx.profile);
    } catch {
      ok = false;
    }
    if (!ok) enterFailureMode(ctx, alg, `self-test of algorithm 0x${alg.toString(16).padStart(4, '0')} failed`);
    passed.add(alg);
  }
  const v = ctx.write('volatile');
  v.tested = [...new Set([...(v.tested ?? []), ...todo])].sort((a, b) => a - b);
}

/** Tests the algorithms a command is about to use, if they were not tested yet (Part 1 "Self-Test Modes"). */
export function ensureTested(ctx: CommandContext, algs: readonly number[]): void {
  const tested = new Set(ctx.read('volatile').tested ?? []);
  const todo = algs.filter((a) => TESTS.has(a) && !tested.has(a));
  if (todo.length) runSelfTests(ctx, todo);
}
