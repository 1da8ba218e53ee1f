/**
 * A profile resolved for use: names turned into TPM_ALG_IDs, the crypto registry filled, the
 * strict codec narrowed to what the profile implements, and the enabled command table.
 */
import { createCryptoRegistry, type CryptoBackend, type CryptoRegistry } from '../crypto/registry.js';
import { COMMANDS } from '../gen/commands.js';
import { TPM_ALG, TPM_ECC, TPM_PS } from '../gen/constants.js';
import { PROFILE_SPECS } from '../gen/profiles.js';
import { DEFAULT_LIMITS, SCHEMA } from '../gen/schemas.js';
import { createCodec, type Codec } from '../wire/codec.js';
import type { CommandDesc } from '../wire/descriptor.js';
import type { PcrAttributesSpec, ProfileSpec } from './profile-spec.js';

export type { PcrAttributesSpec, ProfileSpec } from './profile-spec.js';

export interface Profile {
  readonly spec: ProfileSpec;
  readonly name: string;
  readonly family: 'TPM' | 'TCM';
  readonly algorithms: ReadonlySet<number>;
  readonly curves: ReadonlySet<number>;
  readonly rsaKeyBits: ReadonlySet<number>;
  readonly pcrCount: number;
  readonly pcrAttributes: readonly PcrAttributesSpec[];
  /** PCR banks allocated at manufacture, in TPM_ALG_ID order. */
  readonly defaultBanks: readonly number[];
  readonly startupLocalityPcr: number;
  /** Implementation values: the spec defaults with the profile's overrides. */
  readonly limits: { readonly [name: string]: number };
  readonly crypto: CryptoRegistry;
  /** Strict codec: rejects what this profile does not implement. */
  readonly codec: Codec;
  /** Commands declared in Part 3 and enabled here, by command code. */
  readonly commands: ReadonlyMap<number, CommandDesc>;
  /** Is a value of a profile-filtered interface (algorithms, curves, key sizes) implemented? */
  accepts(type: string, value: number): boolean;
}

/**
 * Implementation values the generated limits do not carry yet, with the reference's defaults
 * (TpmProfile_Misc.h / TpmProfile_Common.h); a profile overrides any of them through `limits`.
 */
export const IMPLEMENTATION_DEFAULTS: { readonly [name: string]: number } = {
  MIN_EVICT_OBJECTS: 7,
  /** Persistent objects that fit in NV (an estimate, as Part 2 allows). */
  MAX_EVICT_OBJECTS: 64,
  /** Octets of NV for indices, and of RAM for ORDERLY index data (the reference's NV_MEMORY_SIZE, RAM_INDEX_SPACE). */
  NV_MEMORY_SIZE: 16384,
  RAM_INDEX_SPACE: 512,
  NV_CLOCK_UPDATE_INTERVAL: 12,
  MAX_ORDERLY_COUNT: 255,
  MAX_COMMAND_SIZE: 4096,
  MAX_RESPONSE_SIZE: 4096,
  /** 2^16 - 1: a 16-bit context slot (the smallest Part 2 allows). */
  CONTEXT_GAP_MAX: 0xffff,
  /** Dictionary-attack parameters as manufactured. */
  MAX_AUTH_FAIL: 3,
  LOCKOUT_INTERVAL: 1000,
  LOCKOUT_RECOVERY: 1000,
  /** The platform specification: PC Client (TPM_PS_PC), level 0, revision 1.05. */
  PS_FAMILY_INDICATOR: TPM_PS.PC,
  PS_LEVEL: 0,
  PS_REVISION: 0x105,
  PS_DAY_OF_YEAR: 0,
  PS_YEAR: 0,
};

const ALG_NAMES = TPM_ALG as Readonly<Record<string, number>>;
const CURVE_NAMES = TPM_ECC as Readonly<Record<string, number>>;

function algId(name: string): number {
  const v = ALG_NAMES[name.replace(/^TPM_ALG_/, '')];
  if (v === undefined) throw new Error(`profile: unknown algorithm '${name}'`);
  return v;
}

function curveId(name: string): number {
  const v = CURVE_NAMES[name.replace(/^TPM_ECC_/, '')];
  if (v === undefined) throw new Error(`profile: unknown curve '${name}'`);
  return v;
}

/** The profiles vtpm ships ('tpm2', 'tcm2', 'pc-client'), as declared in spec/profiles. */
export const profiles: { readonly [name: string]: ProfileSpec } = PROFILE_SPECS;

/**
 * Resolves a profile by name or from a custom declaration. `implemented` lists the command
 * codes that have handlers; only those are enabled.
 */
export function resolveProfile(spec: ProfileSpec | string, implemented: ReadonlySet<string>, backend?: CryptoBackend): Profile {
  const s = typeof spec === 'string' ? PROFILE_SPECS[spec] : spec;
  if (!s) throw new Error(`unknown profile '${String(spec)}' (known: ${Object.keys(PROFILE_SPECS).join(', ')})`);
  const algorithms = new Set(s.algorithms.map(algId));
  const curves = new Set(s.curves.map(curveId));
  const rsaKeyBits = new Set(s.rsaKeyBits);
  const limits: Record<string, number> = { ...DEFAULT_LIMITS, ...IMPLEMENTATION_DEFAULTS, ...s.limits };
  limits.IMPLEMENTATION_PCR = s.pcr.count;
  limits.PCR_SELECT_MAX = Math.ceil(s.pcr.count / 8);
  const crypto = createCryptoRegistry({ algorithms: [...algorithms], curves: [...curves], backend });
  limits.HASH_COUNT = crypto.hashes.length;

  const accepts = (type: string, value: number): boolean => {
    switch (type) {
      case 'TPMI_ECC_CURVE':
        return curves.has(value);
      case 'TPMI_RSA_KEY_BITS':
        return rsaKeyBits.has(value);
      case 'TPMI_AES_KEY_BITS':
        return crypto.symmetricKeyBits(TPM_ALG.AES).includes(value);
      case 'TPMI_SM4_KEY_BITS':
        return crypto.symmetricKeyBits(TPM_ALG.SM4).includes(value);
      case 'TPMI_CAMELLIA_KEY_BITS':
      case 'TPMI_TDES_KEY_BITS':
        return false;
      default:
        return algorithms.has(value);
    }
  };

  const enabled = s.commands === 'all' ? undefined : new Set(s.commands);
  const commands = new Map<number, CommandDesc>();
  for (const c of Object.values(COMMANDS) as CommandDesc[]) {
    if (!implemented.has(c.name)) continue;
    if (enabled && !enabled.has(c.name)) continue;
    if (!commands.has(c.code)) commands.set(c.code, c);
  }

  return {
    spec: s,
    name: s.name,
    family: s.family,
    algorithms,
    curves,
    rsaKeyBits,
    pcrCount: s.pcr.count,
    pcrAttributes: s.pcr.attributes,
    defaultBanks: s.pcr.banks.map(algId).sort((a, b) => a - b),
    startupLocalityPcr: s.pcr.startupLocalityPcr,
    limits,
    crypto,
    codec: createCodec({ schema: SCHEMA, limits, accepts }),
    commands,
    accepts,
  };
}
