/**
 * The attester side of a trusted instance, as a cloud host runs it for each VM: provision the
 * vTPM (an EK with its certificate, an AK made persistent), boot (measured boot into the PCRs
 * and a runtime IMA list), and answer a verifier's nonce with evidence (a quote over PCRs 0-10
 * of every allocated bank, the event log and the IMA list). The verifier side is
 * `createVerifier()`; enrolment of the AK is createEnrolmentChallenge/activateEnrolment.
 */
import type { AuthSessionHandle } from '../client/session.js';
import type { Client } from '../client/client.js';
import { manufacture, type ManufactureOptions, type ManufacturedEk, type ManufactureResult } from '../client/manufacture.js';
import { akTemplate } from '../client/templates.js';
import { TPM_ALG, TPM_RH } from '../gen/constants.js';
import type { TPMT_PUBLIC, TPMT_SIG_SCHEME } from '../gen/types.js';
import type { ImaEntry } from '../attest/ima.js';
import {
  allocatedBanks,
  measureBoot,
  measureRuntime,
  typicalLinuxVm,
  typicalRuntimeEvents,
  type BootChain,
  type RuntimeEvent,
} from '../attest/measured-boot.js';
import type { Evidence } from '../attest/verifier.js';

/** Where provisionInstance makes the AK persistent (owner range; the EKs keep theirs). */
export const AK_HANDLE = 0x81008000;

export interface InstanceIdentity {
  family: 'TPM' | 'TCM';
  ek: ManufacturedEk;
  manufactured: ManufactureResult;
  akHandle: number;
  akPublic: TPMT_PUBLIC;
  akName: Uint8Array;
}

export interface ProvisionOptions extends ManufactureOptions {
  /** Default AK_HANDLE. */
  akHandle?: number;
}

const EMPTY = new Uint8Array(0);

/**
 * Manufactures the vTPM (by default one EK: ECC P-256 L-2 on a TPM, SM2 H-5 on a TCM, with its
 * certificate) and creates an AK (tpm2_createak's attributes; ECDSA P-256/SHA-256, or SM2/SM3 on
 * a TCM) as a primary key in the endorsement hierarchy, made persistent. The TPM must be started.
 */
export async function provisionInstance(client: Client, options: ProvisionOptions = {}): Promise<InstanceIdentity> {
  const { akHandle = AK_HANDLE, ...manufactureOptions } = options;
  const probe = await allocatedBanks(client);
  const tcm = options.family === 'TCM' || (options.family === undefined && probe.length > 0 && probe.every((b) => b === TPM_ALG.SM3_256));
  const manufactured = await manufacture(client, { eks: [tcm ? 'H-5' : 'L-2'], ...manufactureOptions, family: tcm ? 'TCM' : 'TPM' });
  const created = await client.run('CreatePrimary', {
    primaryHandle: TPM_RH.ENDORSEMENT,
    inSensitive: { sensitive: { userAuth: EMPTY, data: EMPTY } },
    inPublic: { publicArea: akTemplate({ alg: tcm ? 'sm2-p256' : 'ecc-p256' }) },
    outsideInfo: EMPTY,
    creationPCR: { pcrSelections: [] },
  });
  await client.run('EvictControl', { auth: TPM_RH.OWNER, objectHandle: created.objectHandle, persistentHandle: akHandle }, { auth: { auth: EMPTY } });
  await client.run('FlushContext', { flushHandle: created.objectHandle });
  return { family: tcm ? 'TCM' : 'TPM', ek: manufactured.eks[0], manufactured, akHandle, akPublic: created.outPublic.publicArea, akName: created.name };
}

/** What a boot leaves for attestation: the event log and the IMA list so far. */
export interface BootRecord {
  eventLog: Uint8Array;
  ima: ImaEntry[];
  banks: number[];
}

export interface BootOptions {
  /** Default typicalLinuxVm(). */
  chain?: BootChain;
  /** Default typicalRuntimeEvents(). */
  runtime?: readonly RuntimeEvent[];
  /** Send TPM2_Startup(CLEAR) first (default true): the TPM was just reset or powered on. */
  startup?: boolean;
}

/** A measured boot: Startup(CLEAR), firmware to kernel into PCRs 0-9 and 14, then IMA into PCR 10. */
export async function bootInstance(client: Client, options: BootOptions = {}): Promise<BootRecord> {
  if (options.startup ?? true) await client.startup();
  const boot = await measureBoot(client, options.chain ?? typicalLinuxVm());
  const ima: ImaEntry[] = [];
  await measureRuntime(client, ima, options.runtime ?? typicalRuntimeEvents(), { banks: boot.banks });
  return { eventLog: boot.eventLog, ima, banks: boot.banks };
}

/** PCRs 0-10 of each bank: what Keylime-style verifiers quote for measured boot and IMA. */
export const QUOTED_PCRS = Uint8Array.of(0xff, 0x07, 0x00);

export interface EvidenceOptions {
  /** An authorization session for the AK (default: the empty password). */
  session?: AuthSessionHandle;
  /** Banks to quote; default the boot's banks. */
  banks?: readonly number[];
  /** Bitmap of PCRs (3 octets, PCR 0 = bit 0 of the first); default PCRs 0-10. */
  pcrSelect?: Uint8Array;
}

/** The evidence for a verifier's nonce: a quote by the AK with the boot's event log and IMA list. */
export async function collectEvidence(client: Client, identity: Pick<InstanceIdentity, 'akHandle' | 'akPublic'>, boot: BootRecord, nonce: Uint8Array, options: EvidenceOptions = {}): Promise<Evidence> {
  const banks = options.banks ?? boot.banks;
  const pcrSelect = options.pcrSelect ?? QUOTED_PCRS;
  const q = await client.run(
    'Quote',
    {
      signHandle: identity.akHandle,
      qualifyingData: nonce,
      inScheme: { scheme: TPM_ALG.NULL, details: null } as TPMT_SIG_SCHEME,
      PCRselect: { pcrSelections: banks.map((hash) => ({ hash, pcrSelect })) },
    },
    { auth: { signHandle: options.session ? { session: options.session } : EMPTY } },
  );
  return { akPublic: identity.akPublic, quoted: q.quoted, signature: q.signature, nonce, eventLog: boot.eventLog, ima: boot.ima.slice() };
}
