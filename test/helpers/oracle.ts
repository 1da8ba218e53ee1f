/**
 * Comparing vtpm with another TPM (swtpm) command by command: resending on TPM_RC_RETRY, the
 * algorithms, curves and key sizes each side implements (TPM2_GetCapability, TPM2_TestParms),
 * and those a public area uses, so that a comparison can leave out what only one side has.
 */
import type { Client } from '../../src/client/client.js';
import { TPM_ALG, TPM_CAP, TPM_RC } from '../../src/gen/constants.js';
import type { TPML_ALG_PROPERTY, TPML_ECC_CURVE, TPMT_PUBLIC, TPMT_PUBLIC_PARMS } from '../../src/gen/types.js';

export type Send = (bytes: Uint8Array) => Promise<Uint8Array>;

export const rcOfResponse = (r: Uint8Array) => new DataView(r.buffer, r.byteOffset).getUint32(6);

/**
 * Sends, and sends again while the TPM answers TPM_RC_RETRY (swtpm answers it the first time
 * it uses an algorithm, while it tests it: Part 1 "Self-Test Modes").
 */
export async function sendRetrying(send: Send, bytes: Uint8Array, tries = 5): Promise<Uint8Array> {
  let r = await send(bytes);
  for (let i = 1; i < tries && rcOfResponse(r) === TPM_RC.RETRY; i++) r = await send(bytes);
  return r;
}

export interface Implemented {
  algorithms: Set<number>;
  curves: Set<number>;
  /** Key sizes as `alg:bits` (symmetric algorithms and RSA). */
  keySizes: Set<string>;
}

/** Key sizes Part 2 defines for each algorithm (TPMI_AES_KEY_BITS, TPMI_RSA_KEY_BITS...). */
const KEY_SIZES: [number, number[]][] = [
  [TPM_ALG.AES, [128, 192, 256]],
  [TPM_ALG.SM4, [128]],
  [TPM_ALG.CAMELLIA, [128, 192, 256]],
  [TPM_ALG.TDES, [128, 192]],
  [TPM_ALG.RSA, [1024, 2048, 3072, 4096, 16384]],
];

/**
 * The algorithms and curves a TPM reports (TPM_CAP_ALGS, TPM_CAP_ECC_CURVES), and the key sizes
 * it accepts in TPM2_TestParms (no capability lists those).
 */
export async function implementedBy(send: Send, encoder: Client): Promise<Implemented> {
  const ask = async (capability: number) => {
    const r = await sendRetrying(send, encoder.encode('GetCapability', { capability, property: 0, propertyCount: 1024 }));
    return encoder.decode('GetCapability', r).capabilityData.data;
  };
  const algs = (await ask(TPM_CAP.ALGS)) as TPML_ALG_PROPERTY;
  const curves = (await ask(TPM_CAP.ECC_CURVES)) as TPML_ECC_CURVE;
  const keySizes = new Set<string>();
  for (const [alg, sizes] of KEY_SIZES) {
    for (const bits of sizes) {
      const parameters =
        alg === TPM_ALG.RSA
          ? { symmetric: { algorithm: TPM_ALG.NULL, keyBits: null, mode: null }, scheme: { scheme: TPM_ALG.NULL, details: null }, keyBits: bits, exponent: 0 }
          : { sym: { algorithm: alg, keyBits: bits, mode: TPM_ALG.CFB } };
      const type = alg === TPM_ALG.RSA ? TPM_ALG.RSA : TPM_ALG.SYMCIPHER;
      const r = await sendRetrying(send, encoder.encode('TestParms', { parameters: { type, parameters } as TPMT_PUBLIC_PARMS }));
      if (rcOfResponse(r) === 0) keySizes.add(`${alg}:${bits}`);
    }
  }
  return { algorithms: new Set(algs.algProperties.map((p) => p.alg)), curves: new Set(curves.eccCurves), keySizes };
}

/** What exactly one of two TPMs implements. */
export function onlyOne(a: Implemented, b: Implemented): Implemented {
  const xor = <T>(x: Set<T>, y: Set<T>) => new Set([...x, ...y].filter((v) => x.has(v) !== y.has(v)));
  return { algorithms: xor(a.algorithms, b.algorithms), curves: xor(a.curves, b.curves), keySizes: xor(a.keySizes, b.keySizes) };
}

/** Every algorithm identifier and curve a public area names (type, nameAlg, symmetric, schemes, KDFs, curve). */
export function algorithmsOf(pub: TPMT_PUBLIC): Implemented {
  const algorithms = new Set<number>([pub.type, pub.nameAlg]);
  const curves = new Set<number>();
  const keySizes = new Set<string>();
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const p = pub.parameters as any;
  const sym = p.symmetric ?? p.sym;
  if (sym) {
    algorithms.add(sym.algorithm);
    if (typeof sym.mode === 'number') algorithms.add(sym.mode);
    if (typeof sym.keyBits === 'number') keySizes.add(`${sym.algorithm}:${sym.keyBits}`);
  }
  for (const s of [p.scheme, p.kdf]) {
    if (!s) continue;
    algorithms.add(s.scheme);
    if (typeof s.details?.hashAlg === 'number') algorithms.add(s.details.hashAlg);
    if (typeof s.details?.kdf === 'number') algorithms.add(s.details.kdf);
  }
  if (typeof p.curveID === 'number') curves.add(p.curveID);
  if (pub.type === TPM_ALG.RSA) keySizes.add(`${TPM_ALG.RSA}:${p.keyBits}`);
  algorithms.delete(TPM_ALG.NULL);
  return { algorithms, curves, keySizes };
}

/** Does the public area name something only one side implements? */
export function usesOnlyOne(pub: TPMT_PUBLIC, only: Implemented): boolean {
  const used = algorithmsOf(pub);
  return [...used.algorithms].some((a) => only.algorithms.has(a)) || [...used.curves].some((c) => only.curves.has(c)) || [...used.keySizes].some((k) => only.keySizes.has(k));
}

/**
 * Sends one command to both TPMs (resending on TPM_RC_RETRY) and returns both response codes,
 * flushing whatever object either side loaded (the handle after the response header).
 */
export async function bothCodes(local: Send, remote: Send, bytes: Uint8Array, flush: (handle: number) => Uint8Array): Promise<[number, number]> {
  const out: number[] = [];
  for (const send of [local, remote]) {
    const r = await sendRetrying(send, bytes);
    if (rcOfResponse(r) === 0 && r.length > 14) await send(flush(new DataView(r.buffer, r.byteOffset).getUint32(10)));
    out.push(rcOfResponse(r));
  }
  return [out[0], out[1]];
}

/** What only one of the two TPMs implements: areas naming it are left out of a comparison (a profile difference, not a check). */
export async function profileDifference(local: Send, remote: Send, encoder: Client): Promise<Implemented> {
  return onlyOne(await implementedBy(local, encoder), await implementedBy(remote, encoder));
}

/** JSON with octet strings in hex, for disagreement reports. */
export const showValue = (v: unknown): string => JSON.stringify(v, (_, x) => (x instanceof Uint8Array ? Buffer.from(x).toString('hex') : x));
