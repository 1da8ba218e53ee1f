/**
 * A measured-boot simulator: UEFI firmware, Secure Boot variables, shim, grub and the Linux
 * kernel measured into the PCRs of every allocated bank, with the TCG PC Client event log that
 * describes them (PC Client PFP "Measurement of UEFI …", shim README.tpm, grub "Measured Boot"),
 * and Linux IMA runtime measurements into PCR 10.
 *
 * Event order follows OVMF/edk2 with shim and grub: S-CRTM version and firmware volumes (PCR 0),
 * handoff tables (PCR 1), SecureBoot/PK/KEK/db/dbx and the PCR 7 separator, BootOrder/Boot####
 * (PCR 1), "Calling EFI Application from Boot Option" (PCR 4), separators 0-6, the GPT (PCR 5),
 * shim (PCR 4) with its db authority and SbatLevel (PCR 7) and MokList* (PCR 14), grub (PCR 4)
 * with the Shim authority (PCR 7), grub.cfg, grub commands, kernel and initrd (PCR 8/9), the
 * kernel image (PCR 4), and the two ExitBootServices actions (PCR 5).
 *
 * Digests: H(event data) where the PFP says so (S-CRTM version, separators, UEFI_VARIABLE_DATA
 * of DRIVER_CONFIG and AUTHORITY events, GPT, EFI actions); EV_EFI_VARIABLE_BOOT hashes the
 * variable contents only (as edk2 does); firmware blobs, handoff tables and PCR 9 files hash
 * their contents; PCR 8 strings hash the text after "grub_cmd: " / "kernel_cmdline: " without
 * the NUL; EFI applications hash the whole image — a stand-in for the PE/COFF Authenticode
 * digest real firmware computes (the images here are opaque bytes; pass `imageDigest` to supply
 * real Authenticode digests).
 */
import type { Client } from '../client/client.js';
import { bytesEqual, concatBytes, u32be, utf8 } from '../crypto/bytes.js';
import { hashByAlg, SHA256, type HashAlgorithm } from '../crypto/hash.js';
import { TPM_ALG, TPM_CAP } from '../gen/constants.js';
import type { TPML_PCR_SELECTION } from '../gen/types.js';
import {
  bootOrderData,
  createEventLogWriter,
  devicePath,
  devicePathFile,
  devicePathHardDrive,
  EFI_ACTION,
  EFI_GUID,
  efiActionData,
  efiLoadOption,
  efiSignatureData,
  efiSignatureList,
  EV_EFI_ACTION,
  EV_EFI_BOOT_SERVICES_APPLICATION,
  EV_EFI_GPT_EVENT,
  EV_EFI_HANDOFF_TABLES,
  EV_EFI_PLATFORM_FIRMWARE_BLOB,
  EV_EFI_PLATFORM_FIRMWARE_BLOB2,
  EV_EFI_VARIABLE_AUTHORITY,
  EV_EFI_VARIABLE_BOOT,
  EV_EFI_VARIABLE_DRIVER_CONFIG,
  EV_IPL,
  EV_NO_ACTION,
  EV_S_CRTM_VERSION,
  EV_SEPARATOR,
  iplData,
  pcrResetValue,
  scrtmVersionData,
  separatorData,
  uefiGptData,
  uefiHandoffTablePointers,
  uefiImageLoadEvent,
  uefiPlatformFirmwareBlob,
  uefiPlatformFirmwareBlob2,
  uefiVariableData,
  type EventLog,
  type EventLogWriter,
  type GptDisk,
  type PcrBankValues,
} from './eventlog.js';
import {
  IMA_PCR,
  imaAlgorithmName,
  imaBootAggregateEntry,
  imaEntry,
  imaTemplateDigest,
  imaViolation,
  type ImaEntry,
  type ImaTemplateName,
} from './ima.js';

// ---------------------------------------------------------------------------------------------
// The boot chain

/** A file grub reads (measured into PCR 9 as EV_IPL with its path). */
export interface BootFile {
  /** Path as grub names it, e.g. "/boot/vmlinuz-6.8.0-45-generic". */
  path: string;
  content: Uint8Array;
}

/** An EFI application (measured into PCR 4 as EV_EFI_BOOT_SERVICES_APPLICATION). */
export interface BootImage {
  /** EFI file path, e.g. "\\EFI\\ubuntu\\shimx64.efi". */
  efiPath: string;
  content: Uint8Array;
  /** ImageLocationInMemory (default: assigned in load order below 0x7f000000). */
  loadAddress?: number | bigint;
}

export interface FirmwareBlob {
  /** Given: EV_EFI_PLATFORM_FIRMWARE_BLOB2 with this description; absent: EV_EFI_PLATFORM_FIRMWARE_BLOB. */
  description?: string;
  base: number | bigint;
  /** The blob's octets (hashed); BlobLength is their length. */
  content: Uint8Array;
}

export interface SecureBootConfig {
  /** The SecureBoot variable (1 / 0); authority events are logged only when enabled. */
  enabled: boolean;
  /** Variable contents (EFI_SIGNATURE_LISTs; empty when not enrolled). */
  pk: Uint8Array;
  kek: Uint8Array;
  db: Uint8Array;
  dbx: Uint8Array;
  /** EFI_SIGNATURE_DATA of the db entry that verified the first application (PCR 7 "db" authority). */
  dbAuthority?: Uint8Array;
  /** EFI_SIGNATURE_DATA of shim's vendor certificate that verified grub and the kernel (PCR 7 "Shim" authority). */
  shimAuthority?: Uint8Array;
  /** shim's SbatLevel variable (PCR 7 authority), e.g. "sbat,1,2023012900\n". */
  sbatLevel?: string;
}

export interface BootChain {
  firmware: {
    /** EV_S_CRTM_VERSION (PCR 0). */
    scrtmVersion: string;
    /** Firmware volumes (PCR 0). */
    blobs: FirmwareBlob[];
    /** SMBIOS table contents, logged as EV_EFI_HANDOFF_TABLES (PCR 1). */
    smbios?: Uint8Array;
  };
  secureBoot: SecureBootConfig;
  /** BootOrder and Boot#### (PCR 1, EV_EFI_VARIABLE_BOOT). */
  bootOptions?: { order: number[]; options: { number: number; description: string; devicePath: Uint8Array }[] };
  /** The boot disk (PCR 5, EV_EFI_GPT_EVENT). */
  gpt: GptDisk;
  /** shim (PCR 4) and the MOK variables it measures into PCR 14. */
  shim?: BootImage & { mokList?: Uint8Array; mokListX?: Uint8Array; mokListTrusted?: Uint8Array };
  /** The boot loader (PCR 4). */
  grub: BootImage;
  /** grub's device prefix for the files it reads, e.g. "(hd0,gpt1)". */
  grubRoot?: string;
  /** grub.cfg (PCR 9). */
  grubConfig?: BootFile;
  /** Commands grub runs before `linux` / `initrd` (PCR 8 "grub_cmd: …"). */
  grubCommands: string[];
  /** The kernel file: PCR 9 (as read by grub) and PCR 4 (as an EFI application). */
  kernel: BootFile;
  initrd?: BootFile;
  /** Arguments after the kernel path (PCR 8 "kernel_cmdline: <path> <args>"). */
  kernelCommandLine: string;
}

export interface BootLogOptions {
  /**
   * Digest of an EFI application for a bank (default: H(image content), a stand-in for the
   * PE/COFF Authenticode digest).
   */
  imageDigest?: (image: BootImage, hash: HashAlgorithm) => Uint8Array;
  /** Log a StartupLocality EV_NO_ACTION event (PCR 0 then starts at 0…0 ‖ locality). */
  startupLocality?: number;
}

// Digests of large contents are cached per (array, algorithm): a fleet booting one chain hashes once.
const digestCache = new WeakMap<Uint8Array, Map<number, Uint8Array>>();
function cachedDigest(h: HashAlgorithm, content: Uint8Array): Uint8Array {
  let m = digestCache.get(content);
  if (!m) digestCache.set(content, (m = new Map()));
  let d = m.get(h.alg);
  if (!d) m.set(h.alg, (d = h.digest(content)));
  return d;
}

/**
 * The event log of booting `chain` on a TPM with these banks (no TPM involved): what
 * measureBoot extends, and what a verifier predicts for a known chain.
 */
export function bootEventLog(chain: BootChain, banks: readonly number[], options: BootLogOptions = {}): EventLogWriter {
  const w = createEventLogWriter(banks, { startupLocality: options.startupLocality });
  const hashes = w.banks.map((alg) => hashByAlg(alg)!);
  const ofContent = (content: Uint8Array) => Object.fromEntries(hashes.map((h) => [h.alg, cachedDigest(h, content)]));
  const measureContent = (pcr: number, type: number, data: Uint8Array, content: Uint8Array) => w.record(pcr, type, data, ofContent(content));
  const fw = chain.firmware;

  // PCR 0: S-CRTM version, firmware volumes.
  w.measure(0, EV_S_CRTM_VERSION, scrtmVersionData(fw.scrtmVersion));
  for (const b of fw.blobs) {
    const data = b.description !== undefined ? uefiPlatformFirmwareBlob2(b.description, b.base, b.content.length) : uefiPlatformFirmwareBlob(b.base, b.content.length);
    measureContent(0, b.description !== undefined ? EV_EFI_PLATFORM_FIRMWARE_BLOB2 : EV_EFI_PLATFORM_FIRMWARE_BLOB, data, b.content);
  }
  // PCR 1: handoff tables (SMBIOS).
  if (fw.smbios) measureContent(1, EV_EFI_HANDOFF_TABLES, uefiHandoffTablePointers([{ guid: EFI_GUID.smbios3Table, address: 0x7f6a6000 }]), fw.smbios);

  // PCR 7: Secure Boot policy, then its separator.
  const sb = chain.secureBoot;
  const driverConfig = (guid: string, name: string, data: Uint8Array) => w.measure(7, EV_EFI_VARIABLE_DRIVER_CONFIG, uefiVariableData(guid, name, data));
  driverConfig(EFI_GUID.globalVariable, 'SecureBoot', Uint8Array.of(sb.enabled ? 1 : 0));
  driverConfig(EFI_GUID.globalVariable, 'PK', sb.pk);
  driverConfig(EFI_GUID.globalVariable, 'KEK', sb.kek);
  driverConfig(EFI_GUID.imageSecurityDatabase, 'db', sb.db);
  driverConfig(EFI_GUID.imageSecurityDatabase, 'dbx', sb.dbx);
  w.measure(7, EV_SEPARATOR, separatorData());

  // PCR 1: boot variables (the digest covers the variable contents only).
  if (chain.bootOptions) {
    const order = bootOrderData(chain.bootOptions.order);
    measureContent(1, EV_EFI_VARIABLE_BOOT, uefiVariableData(EFI_GUID.globalVariable, 'BootOrder', order), order);
    for (const o of chain.bootOptions.options) {
      const opt = efiLoadOption({ description: o.description, devicePath: o.devicePath });
      const name = 'Boot' + o.number.toString(16).toUpperCase().padStart(4, '0');
      measureContent(1, EV_EFI_VARIABLE_BOOT, uefiVariableData(EFI_GUID.globalVariable, name, opt), opt);
    }
  }

  // ReadyToBoot: the boot attempt, separators 0-6, the GPT.
  w.measure(4, EV_EFI_ACTION, efiActionData(EFI_ACTION.callingEfiApplication));
  for (let pcr = 0; pcr <= 6; pcr++) w.measure(pcr, EV_SEPARATOR, separatorData());
  w.measure(5, EV_EFI_GPT_EVENT, uefiGptData(chain.gpt));

  // EFI applications.
  const esp = chain.gpt.partitions.findIndex((p) => p.typeGuid.toLowerCase() === EFI_GUID.espPartition);
  const espPath = (file: string) => {
    if (esp < 0) return devicePath(devicePathFile(file));
    const p = chain.gpt.partitions[esp];
    const hd = devicePathHardDrive({ partitionNumber: esp + 1, startLba: p.startLba, sizeLba: BigInt(p.endLba) - BigInt(p.startLba) + 1n, partitionGuid: p.uniqueGuid });
    return devicePath(hd, devicePathFile(file));
  };
  let nextAddress = 0x7f000000n;
  const loadImage = (image: BootImage, dp: Uint8Array) => {
    const size = BigInt(image.content.length);
    let at: bigint;
    if (image.loadAddress !== undefined) at = BigInt(image.loadAddress);
    else {
      nextAddress -= (size + 0xfffn) & ~0xfffn;
      at = nextAddress + 0x18n;
    }
    const data = uefiImageLoadEvent({ location: at, length: size, devicePath: dp });
    const digests = Object.fromEntries(hashes.map((h) => [h.alg, options.imageDigest ? options.imageDigest(image, h) : cachedDigest(h, image.content)]));
    w.record(4, EV_EFI_BOOT_SERVICES_APPLICATION, data, digests);
  };
  const authority = (guid: string, name: string, data: Uint8Array) => w.measure(7, EV_EFI_VARIABLE_AUTHORITY, uefiVariableData(guid, name, data));

  if (chain.shim) {
    loadImage(chain.shim, espPath(chain.shim.efiPath));
    if (sb.enabled && sb.dbAuthority) authority(EFI_GUID.imageSecurityDatabase, 'db', sb.dbAuthority);
    if (sb.enabled && sb.sbatLevel !== undefined) authority(EFI_GUID.shimLock, 'SbatLevel', utf8(sb.sbatLevel));
    const mok = (name: string, content: Uint8Array) => measureContent(14, EV_IPL, iplData(name), content);
    mok('MokList', chain.shim.mokList ?? new Uint8Array(0));
    mok('MokListX', chain.shim.mokListX ?? new Uint8Array(0));
    mok('MokListTrusted', chain.shim.mokListTrusted ?? Uint8Array.of(1));
  }
  loadImage(chain.grub, espPath(chain.grub.efiPath));
  if (sb.enabled) {
    if (chain.shim && sb.shimAuthority) authority(EFI_GUID.shimLock, 'Shim', sb.shimAuthority);
    else if (!chain.shim && sb.dbAuthority) authority(EFI_GUID.imageSecurityDatabase, 'db', sb.dbAuthority);
  }

  // grub: configuration, commands (PCR 8) and the files they read (PCR 9).
  const root = chain.grubRoot ?? '';
  const file = (f: BootFile) => measureContent(9, EV_IPL, iplData(root + f.path), f.content);
  const command = (prefix: string, text: string) => measureContent(8, EV_IPL, iplData(`${prefix} ${text}`), utf8(text));
  if (chain.grubConfig) file(chain.grubConfig);
  for (const c of chain.grubCommands) command('grub_cmd:', c);
  const args = chain.kernelCommandLine ? ' ' + chain.kernelCommandLine : '';
  command('grub_cmd:', `linux ${chain.kernel.path}${args}`);
  file(chain.kernel);
  command('kernel_cmdline:', `${chain.kernel.path}${args}`);
  if (chain.initrd) {
    command('grub_cmd:', `initrd ${chain.initrd.path}`);
    file(chain.initrd);
  }

  // The kernel as an EFI application (verified through shim), then ExitBootServices.
  loadImage({ efiPath: chain.kernel.path, content: chain.kernel.content }, devicePath(devicePathFile(chain.kernel.path.replace(/\//g, '\\'))));
  w.measure(5, EV_EFI_ACTION, efiActionData(EFI_ACTION.exitBootServicesInvocation));
  w.measure(5, EV_EFI_ACTION, efiActionData(EFI_ACTION.exitBootServicesSuccess));
  return w;
}

// ---------------------------------------------------------------------------------------------
// TPM access

/** The allocated PCR banks with an implemented hash (TPM2_GetCapability(TPM_CAP_PCRS)). */
export async function allocatedBanks(client: Client): Promise<number[]> {
  const r = await client.run('GetCapability', { capability: TPM_CAP.PCRS, property: 0, propertyCount: 16 });
  const list = r.capabilityData.data as TPML_PCR_SELECTION;
  return list.pcrSelections.filter((s) => s.pcrSelect.some((b) => b !== 0) && hashByAlg(s.hash)).map((s) => s.hash);
}

/** Reads PCRs of several banks (TPM2_PCR_Read answers at most eight digests per call). */
export async function readPcrBanks(client: Client, banks: readonly number[], pcrs: readonly number[]): Promise<PcrBankValues> {
  const out: PcrBankValues = {};
  for (const hash of banks) {
    const values: Uint8Array[] = [];
    let want = [...pcrs];
    while (want.length) {
      const select = new Uint8Array(3);
      for (const p of want) select[p >> 3] |= 1 << (p & 7);
      const r = await client.run('PCR_Read', { pcrSelectionIn: { pcrSelections: [{ hash, pcrSelect: select }] } });
      const got: number[] = [];
      const s = r.pcrSelectionOut.pcrSelections[0]?.pcrSelect ?? new Uint8Array(0);
      for (let i = 0; i < s.length * 8; i++) if ((s[i >> 3] >> (i & 7)) & 1) got.push(i);
      if (got.length === 0) throw new Error(`PCR_Read returned nothing for bank 0x${hash.toString(16)} PCRs ${want.join(',')}`);
      got.forEach((p, k) => (values[p] = r.pcrValues.digests[k]));
      want = want.filter((p) => !got.includes(p));
    }
    out[hash] = values;
  }
  return out;
}

/** TPM2_PCR_Extend of an event's digests (one per bank) into its PCR. */
async function extend(client: Client, pcr: number, digests: { hashAlg: number; digest: Uint8Array }[]): Promise<void> {
  await client.run('PCR_Extend', { pcrHandle: pcr, digests: { digests } }, { auth: { pcrHandle: '' } });
}

export interface MeasureBootOptions extends BootLogOptions {
  /** Banks to measure into (default: every allocated bank with an implemented hash). */
  banks?: number[];
  /**
   * Check first that the PCRs the chain extends hold their reset values (default true); the
   * StartupLocality event is then logged when PCR 0 shows a non-zero startup locality.
   */
  checkReset?: boolean;
}

export interface BootMeasurement {
  /** The binary event log (binary_bios_measurements). */
  eventLog: Uint8Array;
  log: EventLog;
  banks: number[];
}

/**
 * Measures `chain` into the TPM: every event of bootEventLog is extended (TPM2_PCR_Extend with
 * a digest for each bank) in log order; returns the event log. Run right after
 * TPM2_Startup(CLEAR), before anything else extends PCRs 0-9 or 14.
 */
export async function measureBoot(client: Client, chain: BootChain, options: MeasureBootOptions = {}): Promise<BootMeasurement> {
  const banks = options.banks ?? (await allocatedBanks(client));
  if (banks.length === 0) throw new Error('measureBoot: the TPM has no allocated PCR bank with an implemented hash');
  let startupLocality = options.startupLocality;
  let probe: ReturnType<typeof bootEventLog> | undefined;
  if (options.checkReset ?? true) {
    probe = bootEventLog(chain, banks, options);
    const pcrs = [...new Set(probe.events.filter((e) => e.type !== EV_NO_ACTION).map((e) => e.pcr))].sort((a, b) => a - b);
    const now = await readPcrBanks(client, banks, pcrs);
    for (const alg of banks) {
      const size = hashByAlg(alg)!.digestSize;
      for (const pcr of pcrs) {
        const v = now[alg][pcr];
        const locality = pcr === 0 ? v[size - 1] : 0;
        if (!bytesEqual(v, pcrResetValue(pcr, size, locality))) throw new Error(`measureBoot: PCR ${pcr} (bank 0x${alg.toString(16)}) was already extended; measure right after TPM2_Startup(CLEAR)`);
        if (pcr === 0 && locality !== 0) {
          if (startupLocality !== undefined && startupLocality !== locality) throw new Error(`measureBoot: PCR 0 shows startup locality ${locality}, not ${startupLocality}`);
          startupLocality = locality;
        }
      }
    }
  }
  const w = probe && startupLocality === options.startupLocality ? probe : bootEventLog(chain, banks, { ...options, startupLocality });
  for (const e of w.events) if (e.type !== EV_NO_ACTION) await extend(client, e.pcr, e.digests);
  return { eventLog: w.bytes(), log: w.log(), banks: [...w.banks] };
}

// ---------------------------------------------------------------------------------------------
// Runtime measurement (IMA)

/** Something the simulated kernel measures: a process start or a file access. */
export interface RuntimeEvent {
  path: string;
  /** The file's octets (hashed with the IMA hash), or its `digest`. */
  content?: Uint8Array;
  digest?: Uint8Array;
  /** Default: the option's template, else 'ima-ng'. */
  template?: ImaTemplateName;
  /** ima-sig: security.ima. */
  signature?: Uint8Array;
  /** ima-buf: the buffer (e.g. a key or kexec command line). */
  buffer?: Uint8Array;
  /** A ToMToU / open-writers violation: zero digest in the log, PCR extended with 0xFF…. */
  violation?: boolean;
}

export interface MeasureRuntimeOptions {
  /**
   * The IMA hash for file digests (ima_hash=; TPM_ALG_ID). Default: SHA-256 when that bank is
   * allocated, else SM3 when the SM3 bank is (a TCM), else SHA-256.
   */
  hashAlg?: number;
  /** Banks to extend (default: the allocated ones). */
  banks?: number[];
  /** Default 'ima-ng'. */
  template?: ImaTemplateName;
  /** Default 10. */
  pcr?: number;
  /** Skip events whose entry is already in the list, as the kernel does (default true). */
  dedupe?: boolean;
}

/** The default IMA hash for these banks (see MeasureRuntimeOptions.hashAlg). */
export function defaultImaHash(banks: readonly number[]): number {
  if (banks.includes(TPM_ALG.SHA256)) return TPM_ALG.SHA256;
  if (banks.includes(TPM_ALG.SM3_256)) return TPM_ALG.SM3_256;
  return TPM_ALG.SHA256;
}

/**
 * Appends measurements to `imaList` and extends them into PCR 10 of every bank (each bank gets
 * its own template digest; violations extend 0xFF…). An empty list starts with boot_aggregate,
 * computed from PCRs 0-9 as read from the TPM. Returns the entries added.
 */
export async function measureRuntime(client: Client, imaList: ImaEntry[], events: readonly RuntimeEvent[], options: MeasureRuntimeOptions = {}): Promise<ImaEntry[]> {
  const banks = options.banks ?? (await allocatedBanks(client));
  if (banks.length === 0) throw new Error('measureRuntime: the TPM has no allocated PCR bank with an implemented hash');
  const hashAlg = options.hashAlg ?? defaultImaHash(banks);
  const algorithm = imaAlgorithmName(hashAlg);
  const pcr = options.pcr ?? IMA_PCR;
  const template = options.template ?? 'ima-ng';
  const added: ImaEntry[] = [];
  const seen = new Set(imaList.map((e) => hexKey(e.templateHash)));
  const record = async (e: ImaEntry) => {
    await extend(client, e.pcr, banks.map((alg) => ({ hashAlg: alg, digest: imaTemplateDigest(e, alg) })));
    imaList.push(e);
    added.push(e);
    seen.add(hexKey(e.templateHash));
  };
  if (imaList.length === 0) {
    const pcrs = await readPcrBanks(client, banks, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    const agg = imaBootAggregateEntry(pcrs, hashAlg, template);
    await record(pcr === IMA_PCR ? agg : { ...agg, pcr });
  }
  for (const ev of events) {
    const t = ev.template ?? template;
    if (ev.violation) {
      await record(imaViolation(ev.path, algorithm, t, pcr));
      continue;
    }
    const e = imaEntry({ template: t, pcr, algorithm, name: ev.path, digest: ev.digest, content: ev.content, signature: ev.signature, buffer: ev.buffer });
    if ((options.dedupe ?? true) && seen.has(hexKey(e.templateHash))) continue;
    await record(e);
  }
  return added;
}

function hexKey(b: Uint8Array): string {
  let s = '';
  for (const x of b) s += x.toString(16).padStart(2, '0');
  return s;
}

// ---------------------------------------------------------------------------------------------
// A typical Linux VM

/** Deterministic stand-in octets: SHA-256(label ‖ counter) blocks. */
export function standInBytes(label: string, size: number): Uint8Array {
  const out = new Uint8Array(size);
  const l = utf8(label);
  for (let i = 0, off = 0; off < size; i++, off += 32) out.set(SHA256.digest(l, u32be(i)).subarray(0, Math.min(32, size - off)), off);
  return out;
}

/** A GUID derived from a label (version 4 / variant bits set). */
function standInGuid(label: string): string {
  const b = standInBytes('guid:' + label, 16);
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const h = Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/** A DER-looking stand-in certificate (SEQUENCE header, then deterministic octets): not parseable X.509. */
function standInCert(label: string, size: number): Uint8Array {
  const b = standInBytes('cert:' + label, size);
  b.set([0x30, 0x82, ((size - 4) >> 8) & 0xff, (size - 4) & 0xff]);
  return b;
}

// Secure Boot variables of the typical VM (shared; instance-independent).
let sbShared: { pk: Uint8Array; kek: Uint8Array; db: Uint8Array; dbx: Uint8Array; dbAuthority: Uint8Array; shimAuthority: Uint8Array } | undefined;
function secureBootStandIns() {
  if (sbShared) return sbShared;
  const ms = EFI_GUID.microsoft;
  const x509 = (owner: string, ...certs: Uint8Array[]) => concatBytes(...certs.map((c) => efiSignatureList(EFI_GUID.certX509, [{ owner, data: c }])));
  const dbUefi = standInCert('Microsoft Corporation UEFI CA 2011', 1556);
  sbShared = {
    pk: x509(standInGuid('pk-owner'), standInCert('Platform Key', 794)),
    kek: x509(ms, standInCert('Microsoft Corporation KEK CA 2011', 1516)),
    db: x509(ms, standInCert('Microsoft Windows Production PCA 2011', 1499), dbUefi),
    dbx: efiSignatureList(EFI_GUID.certSha256, Array.from({ length: 100 }, (_, i) => ({ owner: ms, data: standInBytes(`dbx:${i}`, 32) }))),
    dbAuthority: efiSignatureData(ms, dbUefi),
    shimAuthority: efiSignatureData(EFI_GUID.shimLock, standInCert('Canonical Ltd. Master Certificate Authority', 1080)),
  };
  return sbShared;
}

export interface TypicalLinuxVmOptions {
  /** Varies instance-specific measurements: SMBIOS (PCR 1) and disk/partition GUIDs (PCR 5). Default 'vm-0'. */
  instanceId?: string;
  /** Default '6.8.0-45-generic'. */
  kernelVersion?: string;
  /** Replace the kernel / initrd octets (e.g. to simulate an update or tampering). */
  kernel?: Uint8Array;
  initrd?: Uint8Array;
  /** Default true. */
  secureBoot?: boolean;
  /** Boot through shim (default true). */
  shim?: boolean;
  /** Kernel arguments after the path. */
  kernelCommandLine?: string;
}

// Large instance-independent stand-ins (images, firmware, certificates) are made once and shared,
// so a fleet of VMs holds one copy and hashes it once (see cachedDigest).
const shared = new Map<string, Uint8Array>();
function sharedBytes(label: string, size: number): Uint8Array {
  const key = `${label}\0${size}`;
  let b = shared.get(key);
  if (!b) {
    if (shared.size >= 256) shared.clear();
    shared.set(key, (b = standInBytes(label, size)));
  }
  return b;
}

/**
 * The boot chain of a typical UEFI Linux VM (OVMF firmware, Secure Boot with Microsoft-style
 * keys, shim → grub → kernel + initrd, a GPT disk with an ESP and a root partition). File and
 * certificate octets are deterministic stand-ins of modest size (not real binaries); variable,
 * GPT and event structures have realistic layout and sizes (the log stays well under 64 KiB,
 * the largest log tpm2-tools 5.4's tpm2_checkquote reads). The large octet strings are shared
 * between calls (do not mutate them), so a fleet holds and hashes its images once.
 */
export function typicalLinuxVm(options: TypicalLinuxVmOptions = {}): BootChain {
  const id = options.instanceId ?? 'vm-0';
  const version = options.kernelVersion ?? '6.8.0-45-generic';
  const secureBoot = options.secureBoot ?? true;
  const useShim = options.shim ?? true;
  const rootUuid = standInGuid(`${id}:rootfs`);
  const cmdline = options.kernelCommandLine ?? `root=UUID=${rootUuid} ro console=tty1 console=ttyS0 quiet`;
  const sbKeys = secureBootStandIns();
  const espGuid = standInGuid(`${id}:esp`);
  const gpt: GptDisk = {
    diskGuid: standInGuid(`${id}:disk`),
    sectors: 20971520, // 10 GiB
    partitions: [
      { typeGuid: EFI_GUID.espPartition, uniqueGuid: espGuid, startLba: 2048, endLba: 1050623, name: 'EFI System Partition' },
      { typeGuid: EFI_GUID.linuxFilesystemPartition, uniqueGuid: standInGuid(`${id}:rootfs-part`), startLba: 1050624, endLba: 20969471, name: 'root' },
    ],
  };
  const shimPath = '\\EFI\\ubuntu\\shimx64.efi';
  const grubPath = useShim ? '\\EFI\\ubuntu\\grubx64.efi' : '\\EFI\\BOOT\\BOOTX64.EFI';
  const espNode = devicePathHardDrive({ partitionNumber: 1, startLba: 2048, sizeLba: 1048576, partitionGuid: espGuid });
  const grubCfg = [
    'set default=0',
    'set timeout=0',
    'insmod part_gpt',
    'insmod ext2',
    `search --no-floppy --fs-uuid --set=root ${rootUuid}`,
    "menuentry 'Ubuntu' {",
    '  insmod gzio',
    `  linux /boot/vmlinuz-${version} ${cmdline}`,
    `  initrd /boot/initrd.img-${version}`,
    '}',
    '',
  ].join('\n');
  const chain: BootChain = {
    firmware: {
      scrtmVersion: 'edk2-stable202402',
      blobs: [
        { description: 'PEIFV', base: 0x820000, content: sharedBytes('ovmf:PEIFV', 4096) },
        { description: 'DXEFV', base: 0x900000, content: sharedBytes('ovmf:DXEFV', 16384) },
      ],
      smbios: concatBytes(utf8(`SMBIOS 3.0 QEMU Standard PC (Q35 + ICH9, 2009) serial=${id} uuid=${standInGuid(`${id}:smbios`)}\0`), standInBytes(`${id}:smbios`, 384)),
    },
    secureBoot: {
      enabled: secureBoot,
      pk: secureBoot ? sbKeys.pk : new Uint8Array(0),
      kek: secureBoot ? sbKeys.kek : new Uint8Array(0),
      db: secureBoot ? sbKeys.db : new Uint8Array(0),
      dbx: secureBoot ? sbKeys.dbx : new Uint8Array(0),
      dbAuthority: sbKeys.dbAuthority,
      shimAuthority: sbKeys.shimAuthority,
      sbatLevel: 'sbat,1,2023012900\nshim,2\ngrub,3\ngrub.debian,4\n',
    },
    bootOptions: {
      order: [1, 0],
      options: [
        { number: 1, description: 'ubuntu', devicePath: devicePath(espNode, devicePathFile(useShim ? shimPath : grubPath)) },
        { number: 0, description: 'UEFI Misc Device', devicePath: devicePath(devicePathFile('\\EFI\\BOOT\\BOOTX64.EFI')) },
      ],
    },
    gpt,
    shim: useShim ? { efiPath: shimPath, content: sharedBytes('shimx64.efi 15.8', 16384) } : undefined,
    grub: { efiPath: grubPath, content: sharedBytes('grubx64.efi 2.12', 32768) },
    grubRoot: '(hd0,gpt2)',
    grubConfig: { path: '/boot/grub/grub.cfg', content: utf8(grubCfg) },
    grubCommands: ['set default=0', 'set timeout=0', 'insmod part_gpt', 'insmod ext2', `search --no-floppy --fs-uuid --set=root ${rootUuid}`, 'insmod gzio'],
    kernel: { path: `/boot/vmlinuz-${version}`, content: options.kernel ?? sharedBytes(`vmlinuz-${version}`, 65536) },
    initrd: { path: `/boot/initrd.img-${version}`, content: options.initrd ?? sharedBytes(`initrd.img-${version}`, 131072) },
    kernelCommandLine: cmdline,
  };
  return chain;
}

/** Some events a running typical Linux VM reports to IMA (process starts and file reads); `image` labels the file contents. */
export function typicalRuntimeEvents(image = 'ubuntu-24.04'): RuntimeEvent[] {
  const files = ['/usr/lib/systemd/systemd', '/usr/lib/x86_64-linux-gnu/libc.so.6', '/usr/bin/bash', '/usr/sbin/sshd', '/etc/ssh/sshd_config', '/usr/bin/python3.12', '/usr/lib/systemd/systemd-journald', '/usr/bin/cloud-init'];
  return files.map((path) => ({ path, content: sharedBytes(`${image}:${path}`, 2048) }));
}
