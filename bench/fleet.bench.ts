// Trusted instances at fleet scale: the whole per-instance lifecycle (create a vTPM, Startup,
// provision an EK with its certificate and a persistent AK, measured boot + IMA, quote, verify
// against a baseline recorded at first boot) in one process, 1,000 instances kept alive (time and
// memory), and a reboot (boot + quote + verify) of each provisioned instance; against swtpm
// (Debian) running the same chain in the same run, one swtpm process per instance driven over
// its socket by the same client code, all of them kept alive to measure steady-state memory.
//   node --expose-gc --import tsx bench/fleet.bench.ts      (BENCH_QUICK=1 for a short run)
import { execFileSync, fork, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { ImaEntry } from '../src/attest/ima.js';
import { allocatedBanks, measureBoot, measureRuntime, typicalLinuxVm, typicalRuntimeEvents } from '../src/attest/measured-boot.js';
import { createVerifier, type Verifier } from '../src/attest/store.js';
import { createCa, verifyCertificate, type Ca } from '../src/attest/x509.js';
import { createClient, type Client } from '../src/client/client.js';
import { readNvCertificate } from '../src/client/manufacture.js';
import { akTemplate } from '../src/client/templates.js';
import type { Transport } from '../src/client/transport.js';
import { AK_HANDLE, bootInstance, collectEvidence, provisionInstance, type BootRecord, type InstanceIdentity } from '../src/fleet/agent.js';
import { createFleet } from '../src/fleet/fleet.js';
import { TPM_ALG, TPM_RH, TPM_SU } from '../src/gen/constants.js';
import type { Tpm } from '../src/tpm/engine.js';
import { quick, type BenchOptions } from './harness.js';

const EMPTY = new Uint8Array(0);
const RETRY = 0x922;
const GiB = 2 ** 30;
const gc = (globalThis as { gc?: () => void }).gc;
const nonce = () => new Uint8Array(randomBytes(20));
const runtime = typicalRuntimeEvents();

export interface FleetBenchOptions extends BenchOptions {
  /** vTPM instances per profile (default 1,000; quick 200). */
  instances?: number;
  /** swtpm processes per variant, alive together (default 50; quick 10). */
  swtpmInstances?: number;
  profiles?: ('tpm2' | 'tcm2')[];
}

function defaults(opts: FleetBenchOptions): Required<Omit<FleetBenchOptions, keyof BenchOptions>> {
  const short = !!process.env.BENCH_QUICK || (opts.rounds !== undefined && opts.rounds < 5);
  return {
    instances: opts.instances ?? (short ? 200 : 1000),
    swtpmInstances: opts.swtpmInstances ?? (short ? 10 : 50),
    profiles: opts.profiles ?? ['tpm2', 'tcm2'],
  };
}

// ---------------------------------------------------------------------------------------------
// Small statistics and memory readings

const sorted = (xs: number[]) => [...xs].sort((a, b) => a - b);
const median = (xs: number[]) => (xs.length ? sorted(xs)[xs.length >> 1] : NaN);
const p90 = (xs: number[]) => (xs.length ? sorted(xs)[Math.min(xs.length - 1, Math.floor(xs.length * 0.9))] : NaN);

export interface MemorySample {
  rss: number;
  /** V8 heap used. */
  heap: number;
  /** ArrayBuffer backing stores and other memory outside the V8 heap. */
  external: number;
}

function memory(): MemorySample {
  gc?.();
  gc?.();
  const m = process.memoryUsage();
  return { rss: m.rss, heap: m.heapUsed, external: m.external };
}

/** kB fields of /proc/<pid>/status and /proc/<pid>/smaps_rollup, in bytes. */
function procMemory(pid: number): { rss: number; pss: number; anon: number; pageTables: number } | undefined {
  try {
    const field = (text: string, name: string) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(text)?.[1] ?? NaN) * 1024;
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    let pss = NaN;
    let anon = field(status, 'RssAnon');
    try {
      const rollup = readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8');
      pss = field(rollup, 'Pss');
      anon = field(rollup, 'Anonymous');
    } catch {
      // smaps_rollup needs Linux 4.14.
    }
    return { rss: field(status, 'VmRSS'), pss, anon, pageTables: field(status, 'VmPTE') };
  } catch {
    return undefined;
  }
}

// ---------------------------------------------------------------------------------------------
// The phases both sides share (host-side code is the same; only the TPM differs)

export interface Phases {
  /** Create the TPM (vtpm: in the fleet + Startup; swtpm: process start + connect, Startup by flag). */
  start: number[];
  /** provisionInstance (EK + certificate + persistent AK), or the AK alone. */
  provision: number[];
  /** The verifier reads the EK certificate from NV and checks it against the CA. */
  ekCheck: number[];
  /** Measured boot and IMA (bootInstance's work). */
  boot: number[];
  /** collectEvidence: TPM2_Quote over PCRs 0-10 of the boot's banks. */
  quote: number[];
  /** createVerifier().verify with recordIfNew (first boot: records the baseline, judges against it). */
  verify: number[];
  /** The whole lifecycle. */
  total: number[];
  /**
   * Of the total, the time in the TPM: vtpm createTpm and execute(); swtpm process start and
   * the command round trips over its socket. The rest is host work both sides share (client
   * encoding, event log and IMA list, EK certificate issuing and checking, the verifier).
   */
  tpm: number[];
}

const newPhases = (): Phases => ({ start: [], provision: [], ekCheck: [], boot: [], quote: [], verify: [], total: [], tpm: [] });

/** Milliseconds spent inside TPMs (execute() or socket round trips), summed by the wrappers below. */
let inTpm = 0;

/** Counts the time of every execute() of this TPM into inTpm (the fleet's client calls tpm.execute). */
function timeTpm(tpm: Tpm): void {
  const execute = tpm.execute;
  tpm.execute = (command, options) => {
    const t = performance.now();
    try {
      return execute.call(tpm, command, options);
    } finally {
      inTpm += performance.now() - t;
    }
  };
}

async function checkEk(client: Client, id: InstanceIdentity): Promise<void> {
  const cert = await readNvCertificate(client, id.ek.certIndex);
  if (!verifyCertificate(cert, id.manufactured.ca.certificate)) throw new Error('EK certificate does not verify against the CA');
}

async function verifyTrusted(verifier: Verifier, instance: string, evidence: Awaited<ReturnType<typeof collectEvidence>>, first: boolean): Promise<void> {
  const r = await verifier.verify(instance, evidence, first ? { recordIfNew: true, record: { by: 'bench' } } : {});
  if (r.report.verdict !== 'trusted' || r.recorded !== first) throw new Error(`${instance}: ${r.report.verdict}, recorded ${r.recorded}: ${r.report.problems.join('; ')}`);
}

// ---------------------------------------------------------------------------------------------
// vtpm: N instances in one fleet, kept alive

export interface VtpmResult {
  profile: string;
  instances: number;
  phases: Phases;
  /** Wall time of the sequential lifecycle of all instances, ms. */
  totalMs: number;
  /** Shutdown + reset + Startup + boot + quote + verify (trusted against the baseline), per instance, ms. */
  reboot: number[];
  /** Of each reboot, the time in the TPM. */
  rebootTpm: number[];
  rebootTotalMs: number;
  before: MemorySample;
  /** Everything kept: fleet, identities, boot records (event log, IMA list), baselines. */
  after: MemorySample;
  /** The fleet alone (boot records and the verifier's baselines dropped). */
  fleetOnly: MemorySample;
}

async function runVtpm(profile: 'tpm2' | 'tcm2', n: number): Promise<VtpmResult> {
  // One CA per host (the fleet's EK CA), as a cloud provider has.
  const ca: Ca = createCa({ seed: `bench fleet ca ${profile}`, keyAlg: profile === 'tcm2' ? 'sm2-p256' : 'ecc-p256' });
  // Warm the code paths (JIT) and shared stand-ins on a throwaway fleet first.
  {
    const warm = createFleet({ defaults: { profile } });
    const v = createVerifier();
    for (let i = 0; i < 5; i++) {
      const inst = warm.create(`warm-${i}`, { seed: `warm ${profile} ${i}` });
      await inst.client.startup();
      const id = await provisionInstance(inst.client, { ca });
      await checkEk(inst.client, id);
      const boot = await bootInstance(inst.client, { chain: typicalLinuxVm({ instanceId: inst.id }), runtime, startup: false });
      await verifyTrusted(v, inst.id, await collectEvidence(inst.client, id, boot, nonce()), true);
    }
  }
  let verifier: Verifier | undefined = createVerifier();
  const before = memory();
  const fleet = createFleet({ defaults: { profile } });
  let kept: { id: InstanceIdentity; boot: BootRecord }[] | undefined = [];
  const phases = newPhases();
  const t0 = performance.now();
  for (let i = 0; i < n; i++) {
    const name = `vm-${i}`;
    const a = performance.now();
    const inst = fleet.create(name, { seed: `bench ${profile} ${name}` });
    const created = performance.now();
    timeTpm(inst.tpm);
    inTpm = created - a;
    await inst.client.startup();
    const b = performance.now();
    const id = await provisionInstance(inst.client, { ca });
    const c = performance.now();
    await checkEk(inst.client, id);
    const d = performance.now();
    const boot = await bootInstance(inst.client, { chain: typicalLinuxVm({ instanceId: name }), runtime, startup: false });
    const e = performance.now();
    const evidence = await collectEvidence(inst.client, id, boot, nonce());
    const f = performance.now();
    await verifyTrusted(verifier, name, evidence, true);
    const g = performance.now();
    kept.push({ id, boot });
    phases.start.push(b - a);
    phases.provision.push(c - b);
    phases.ekCheck.push(d - c);
    phases.boot.push(e - d);
    phases.quote.push(f - e);
    phases.verify.push(g - f);
    phases.total.push(g - a);
    phases.tpm.push(inTpm);
  }
  const totalMs = performance.now() - t0;
  const after = memory();

  // Reboot every instance: boot + quote + verify against the recorded baseline.
  const reboot: number[] = [];
  const rebootTpm: number[] = [];
  const r0 = performance.now();
  for (let i = 0; i < n; i++) {
    const name = `vm-${i}`;
    const inst = fleet.get(name)!;
    const a = performance.now();
    inTpm = 0;
    await inst.client.run('Shutdown', { shutdownType: TPM_SU.CLEAR });
    const reset = performance.now();
    inst.tpm.reset();
    inTpm += performance.now() - reset;
    const boot = await bootInstance(inst.client, { chain: typicalLinuxVm({ instanceId: name }), runtime });
    await verifyTrusted(verifier, name, await collectEvidence(inst.client, kept[i].id, boot, nonce()), false);
    reboot.push(performance.now() - a);
    rebootTpm.push(inTpm);
    kept[i].boot = boot;
  }
  const rebootTotalMs = performance.now() - r0;

  kept = undefined;
  verifier = undefined;
  const fleetOnly = memory();
  if (fleet.size !== n) throw new Error('fleet lost instances');
  for (const id of fleet.loaded()) fleet.destroy(id);
  return { profile, instances: n, phases, totalMs, reboot, rebootTpm, rebootTotalMs, before, after, fleetOnly };
}

/**
 * runVtpm in a child process (same Node flags), so that each profile's RSS is measured from a
 * fresh process: V8 keeps the pages of an earlier fleet, which would hide the next one's growth.
 */
function runVtpmIsolated(profile: 'tpm2' | 'tcm2', n: number): Promise<VtpmResult> {
  return new Promise((resolve, reject) => {
    const child = fork(fileURLToPath(import.meta.url), [CHILD_FLAG, profile, String(n)], { execArgv: process.execArgv, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    let result: VtpmResult | undefined;
    child.once('message', (m) => (result = m as VtpmResult));
    child.once('error', reject);
    child.once('exit', (code) => (result ? resolve(result) : reject(new Error(`vtpm ${profile} fleet run exited with ${code}`))));
  });
}

const CHILD_FLAG = '--fleet-bench-vtpm';

// ---------------------------------------------------------------------------------------------
// swtpm: one process per instance, over its Unix sockets

/** A request/response stream of TPM command octets (swtpm's data channel). */
class TpmSocket {
  private buf = Buffer.alloc(0);
  private waiting: ((b: Uint8Array) => void) | null = null;
  private constructor(private readonly socket: Socket) {
    socket.setNoDelay?.(true);
    socket.on('data', (d) => {
      this.buf = this.buf.length ? Buffer.concat([this.buf, d]) : d;
      this.pump();
    });
  }
  static connect(path: string): Promise<TpmSocket> {
    return new Promise((resolve, reject) => {
      const s = new Socket();
      s.once('error', reject);
      s.connect(path, () => {
        s.removeListener('error', reject);
        resolve(new TpmSocket(s));
      });
    });
  }
  private pump() {
    if (!this.waiting || this.buf.length < 6) return;
    const size = this.buf.readUInt32BE(2);
    if (this.buf.length < size) return;
    const out = new Uint8Array(this.buf.subarray(0, size));
    this.buf = this.buf.subarray(size);
    const w = this.waiting;
    this.waiting = null;
    w(out);
  }
  send(cmd: Uint8Array): Promise<Uint8Array> {
    return new Promise((resolve) => {
      this.waiting = resolve;
      this.socket.write(cmd);
      this.pump();
    });
  }
  close() {
    this.socket.destroy();
  }
}

/** A transport that sends again on TPM_RC_RETRY (swtpm's self-test on first use of an algorithm). */
function retrying(s: TpmSocket): Transport {
  return {
    async send(cmd) {
      const t = performance.now();
      let r = await s.send(cmd);
      for (let i = 0; i < 5 && new DataView(r.buffer, r.byteOffset).getUint32(6) === RETRY; i++) r = await s.send(cmd);
      inTpm += performance.now() - t;
      return r;
    },
  };
}

interface SwtpmProcess {
  proc: ChildProcess;
  pid: number;
  dir: string;
  data: TpmSocket;
  client: Client;
  /** swtpm control channel: one command (CMD_*), its result code. */
  control(cmd: number, payload?: Uint8Array): Promise<number>;
  stop(): void;
}

const CMD_INIT = 0x02;

/** swtpm socket --tpm2 with its state in a new directory, data and control on Unix sockets; resolves once connected. */
async function startSwtpm(): Promise<SwtpmProcess> {
  const dir = mkdtempSync(join(tmpdir(), 'vtpm-bench-fleet-'));
  const dataPath = join(dir, 'data.sock');
  const ctrlPath = join(dir, 'ctrl.sock');
  const proc = spawn(
    'swtpm',
    ['socket', '--tpm2', '--server', `type=unixio,path=${dataPath}`, '--ctrl', `type=unixio,path=${ctrlPath}`, '--tpmstate', `dir=${dir}`, '--flags', 'not-need-init,startup-clear'],
    { stdio: 'ignore' },
  );
  let failed: Error | undefined;
  proc.once('error', (e) => (failed = e));
  proc.once('exit', (code) => (failed ??= new Error(`swtpm exited (${code})`)));
  const until = Date.now() + 10_000;
  let data: TpmSocket | undefined;
  while (!data) {
    if (failed) throw failed;
    if (Date.now() > until) throw new Error('swtpm did not open its socket');
    if (existsSync(dataPath)) data = await TpmSocket.connect(dataPath).catch(() => undefined);
    if (!data) await new Promise((r) => setTimeout(r, 1));
  }
  const control = (cmd: number, payload = EMPTY) =>
    new Promise<number>((resolve, reject) => {
      const s = new Socket();
      s.once('error', reject);
      s.connect(ctrlPath, () => {
        const req = Buffer.alloc(4 + payload.length);
        req.writeUInt32BE(cmd, 0);
        req.set(payload, 4);
        s.write(req);
      });
      s.once('data', (d) => {
        s.destroy();
        resolve(d.readUInt32BE(0));
      });
    });
  return {
    proc,
    pid: proc.pid!,
    dir,
    data,
    client: createClient(retrying(data)),
    control,
    stop() {
      data!.close();
      proc.kill('SIGTERM');
    },
  };
}

export interface SwtpmResult {
  variant: 'ak' | 'provision';
  instances: number;
  /** swtpm's allocated banks (GetCapability) and the ones measured and quoted (vtpm tpm2's). */
  allocatedBanks: number[];
  banks: number[];
  phases: Phases;
  totalMs: number;
  reboot: number[];
  rebootTpm: number[];
  rebootTotalMs: number;
  /** VmRSS of each process right after its quote. */
  rssAfterQuote: number[];
  /** With all `instances` processes of the run alive at the end, per process: VmRSS, PSS (shared pages split among the processes mapping them), anonymous (private), page tables (VmPTE, kernel memory outside PSS). */
  steady: { rss: number[]; pss: number[]; anon: number[]; pageTables: number[] };
}

const VTPM_TPM2_BANKS = [TPM_ALG.SHA1, TPM_ALG.SHA256];

async function swtpmBoot(client: Client, name: string, banks: number[]): Promise<BootRecord> {
  // bootInstance's work with the banks given (swtpm also allocates SHA-384 and SHA-512).
  const boot = await measureBoot(client, typicalLinuxVm({ instanceId: name }), { banks });
  const ima: ImaEntry[] = [];
  await measureRuntime(client, ima, runtime, { banks });
  return { eventLog: boot.eventLog, ima, banks: boot.banks };
}

/**
 * 'ak': process start (Startup by flag), a persistent ECC P-256 AK (CreatePrimary in the
 * endorsement hierarchy + EvictControl), boot, quote, verify. 'provision': provisionInstance over
 * the socket instead of the AK alone (EK + certificate in NV + AK: the vtpm chain exactly).
 */
async function runSwtpm(variant: 'ak' | 'provision', n: number, ca: Ca, alive: SwtpmProcess[]): Promise<SwtpmResult> {
  const verifier = createVerifier();
  const phases = newPhases();
  const rssAfterQuote: number[] = [];
  const procs: SwtpmProcess[] = [];
  const ids: { akHandle: number; akPublic: InstanceIdentity['akPublic'] }[] = [];
  let allocated: number[] = [];
  let banks: number[] = [];
  const t0 = performance.now();
  for (let i = 0; i < n; i++) {
    const name = `sw-${variant}-${i}`;
    const a = performance.now();
    const sw = await startSwtpm();
    procs.push(sw);
    alive.push(sw);
    const b = performance.now();
    inTpm = b - a;
    const client = sw.client;
    let id: { akHandle: number; akPublic: InstanceIdentity['akPublic'] };
    let c: number;
    if (variant === 'provision') {
      const full = await provisionInstance(client, { ca });
      c = performance.now();
      await checkEk(client, full);
      id = full;
    } else {
      const created = await client.run('CreatePrimary', {
        primaryHandle: TPM_RH.ENDORSEMENT,
        inSensitive: { sensitive: { userAuth: EMPTY, data: EMPTY } },
        inPublic: { publicArea: akTemplate({ alg: 'ecc-p256' }) },
        outsideInfo: EMPTY,
        creationPCR: { pcrSelections: [] },
      });
      await client.run('EvictControl', { auth: TPM_RH.OWNER, objectHandle: created.objectHandle, persistentHandle: AK_HANDLE }, { auth: { auth: EMPTY } });
      await client.run('FlushContext', { flushHandle: created.objectHandle });
      id = { akHandle: AK_HANDLE, akPublic: created.outPublic.publicArea };
      c = performance.now();
    }
    const d = performance.now();
    // The banks swtpm has allocated (GetCapability), measured as vtpm's tpm2 profile: SHA-1 and SHA-256.
    allocated = await allocatedBanks(client);
    banks = VTPM_TPM2_BANKS.filter((x) => allocated.includes(x));
    const boot = await swtpmBoot(client, name, banks);
    const e = performance.now();
    const evidence = await collectEvidence(client, id, boot, nonce());
    const f = performance.now();
    rssAfterQuote.push(procMemory(sw.pid)?.rss ?? NaN);
    const f2 = performance.now();
    await verifyTrusted(verifier, name, evidence, true);
    const g = performance.now();
    ids.push(id);
    phases.start.push(b - a);
    phases.provision.push(c - b);
    if (variant === 'provision') phases.ekCheck.push(d - c);
    phases.boot.push(e - d);
    phases.quote.push(f - e);
    phases.verify.push(g - f2);
    phases.total.push(g - a - (f2 - f));
    phases.tpm.push(inTpm);
  }
  const totalMs = performance.now() - t0;

  // Reboot: Shutdown, power cycle (control channel CMD_INIT), Startup, boot, quote, verify.
  const reboot: number[] = [];
  const rebootTpm: number[] = [];
  const r0 = performance.now();
  for (let i = 0; i < n; i++) {
    const sw = procs[i];
    const name = `sw-${variant}-${i}`;
    const a = performance.now();
    inTpm = 0;
    await sw.client.run('Shutdown', { shutdownType: TPM_SU.CLEAR });
    const init = performance.now();
    const rc = await sw.control(CMD_INIT, new Uint8Array(4));
    inTpm += performance.now() - init;
    if (rc !== 0) throw new Error(`swtpm CMD_INIT: ${rc}`);
    await sw.client.startup();
    const boot = await swtpmBoot(sw.client, name, banks);
    await verifyTrusted(verifier, name, await collectEvidence(sw.client, ids[i], boot, nonce()), false);
    reboot.push(performance.now() - a);
    rebootTpm.push(inTpm);
  }
  const rebootTotalMs = performance.now() - r0;

  // Steady state: the n processes of this run alive.
  const steady = { rss: [] as number[], pss: [] as number[], anon: [] as number[], pageTables: [] as number[] };
  for (const sw of procs) {
    const m = procMemory(sw.pid);
    if (!m) continue;
    steady.rss.push(m.rss);
    steady.pss.push(m.pss);
    steady.anon.push(m.anon);
    steady.pageTables.push(m.pageTables);
  }
  return { variant, instances: n, allocatedBanks: allocated, banks, phases, totalMs, reboot, rebootTpm, rebootTotalMs, rssAfterQuote, steady };
}

/** One swtpm_setup run with EK certificates (what an EK certificate costs swtpm per instance). */
function swtpmSetupOnce(): number | undefined {
  const dir = mkdtempSync(join(tmpdir(), 'vtpm-bench-fleet-setup-'));
  try {
    const t = performance.now();
    execFileSync('swtpm_setup', ['--tpm2', '--tpmstate', dir, '--create-ek-cert', '--overwrite'], { stdio: 'ignore' });
    return performance.now() - t;
  } catch {
    return undefined;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function hasSwtpm(): boolean {
  try {
    execFileSync('swtpm', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

// ---------------------------------------------------------------------------------------------

export interface FleetBenchResult {
  vtpm: VtpmResult[];
  swtpm: SwtpmResult[];
  swtpmSetupMs?: number;
  gcExposed: boolean;
}

export async function run(opts: FleetBenchOptions = quick()): Promise<FleetBenchResult> {
  const { instances, swtpmInstances, profiles } = defaults(opts);
  const vtpm: VtpmResult[] = [];
  for (const profile of profiles) vtpm.push(await runVtpmIsolated(profile, instances));
  const swtpm: SwtpmResult[] = [];
  let swtpmSetupMs: number | undefined;
  if (hasSwtpm()) {
    const ca = createCa({ seed: 'bench fleet ca swtpm', keyAlg: 'ecc-p256' });
    for (const variant of ['ak', 'provision'] as const) {
      // Each run's processes stay alive until its steady-state reading, then stop.
      const alive: SwtpmProcess[] = [];
      try {
        swtpm.push(await runSwtpm(variant, swtpmInstances, ca, alive));
      } catch (e) {
        if (process.env.BENCH_DEBUG) console.error('swtpm:', e);
      } finally {
        for (const sw of alive) sw.stop();
        await Promise.all(alive.map((sw) => (sw.proc.exitCode === null ? new Promise((r) => sw.proc.once('exit', r)) : undefined)));
        for (const sw of alive) rmSync(sw.dir, { recursive: true, force: true });
      }
    }
    swtpmSetupMs = swtpmSetupOnce();
  }
  return { vtpm, swtpm, swtpmSetupMs, gcExposed: !!gc };
}

// ---------------------------------------------------------------------------------------------
// Markdown

const ms = (x: number) => (Number.isFinite(x) ? (x < 10 ? x.toFixed(2) : x.toFixed(1)) : '–');
const perSec = (x: number) => (Number.isFinite(x) ? (x >= 100 ? x.toFixed(0) : x.toFixed(1)) : '–');
const kib = (b: number) => (Number.isFinite(b) ? `${(b / 1024).toFixed(0)} KiB` : '–');
const mib = (b: number) => (Number.isFinite(b) ? `${(b / 2 ** 20).toFixed(1)} MiB` : '–');
const count = (x: number) => (Number.isFinite(x) ? Math.floor(x).toLocaleString('en-US') : '–');
const ratio = (a: number, b: number) => (Number.isFinite(a) && Number.isFinite(b) && b > 0 ? `${(a / b).toFixed(1)}×` : '–');

/** Per-instance memory of a vtpm run: RSS growth with everything kept (the larger of RSS and heap + external). */
export function vtpmPerInstance(r: VtpmResult): { rss: number; heap: number; fleetHeap: number; conservative: number } {
  const rss = (r.after.rss - r.before.rss) / r.instances;
  const heap = (r.after.heap + r.after.external - r.before.heap - r.before.external) / r.instances;
  const fleetHeap = (r.fleetOnly.heap + r.fleetOnly.external - r.before.heap - r.before.external) / r.instances;
  return { rss, heap, fleetHeap, conservative: Math.max(rss, heap) };
}

export function toMarkdown(r: FleetBenchResult): string {
  const lines: string[] = [];
  const tpm2 = r.vtpm.find((v) => v.profile === 'tpm2');
  const swLabel = (s: SwtpmResult) => (s.variant === 'ak' ? 'swtpm, AK only' : 'swtpm, EK + certificate + AK');
  lines.push(
    '| per instance | lifecycle (median) | instances/s (sequential) | of which in the TPM (median) | reboot: boot + quote + verify (median) | memory per instance | instances per GiB |',
    '|---|---:|---:|---:|---:|---:|---:|',
  );
  for (const v of r.vtpm) {
    const m = vtpmPerInstance(v);
    lines.push(
      `| vtpm ${v.profile}, in-process (${count(v.instances)} in one fleet) | ${ms(median(v.phases.total))} ms | ${perSec((v.instances * 1000) / v.totalMs)} | ${ms(median(v.phases.tpm))} ms | ${ms(median(v.reboot))} ms | ${kib(m.conservative)} | ${count(GiB / m.conservative)} |`,
    );
  }
  for (const s of r.swtpm) {
    const pss = median(s.steady.pss);
    lines.push(
      `| ${swLabel(s)}: a process per instance (${s.instances} alive) | ${ms(median(s.phases.total))} ms | ${perSec((s.instances * 1000) / s.totalMs)} | ${ms(median(s.phases.tpm))} ms | ${ms(median(s.reboot))} ms | ${mib(pss)} PSS (${mib(median(s.steady.rss))} RSS) | ${count(GiB / pss)} (${count(GiB / median(s.steady.rss))} by RSS) |`,
    );
  }
  if (tpm2) {
    const m = vtpmPerInstance(tpm2);
    for (const s of r.swtpm) {
      const pss = median(s.steady.pss);
      lines.push(
        `| **vtpm tpm2 vs ${swLabel(s)}** | ${ratio(median(s.phases.total), median(tpm2.phases.total))} | ${ratio(tpm2.instances / tpm2.totalMs, s.instances / s.totalMs)} | ${ratio(median(s.phases.tpm), median(tpm2.phases.tpm))} | ${ratio(median(s.reboot), median(tpm2.reboot))} | ${ratio(pss, m.conservative)} (${ratio(median(s.steady.rss), m.conservative)} by RSS) | ${ratio(GiB / m.conservative, GiB / pss)} (${ratio(GiB / m.conservative, GiB / median(s.steady.rss))} by RSS) |`,
      );
    }
  }

  lines.push(
    '',
    '| phase, median ms | create + Startup | provision | EK certificate check | boot (measured boot + IMA) | quote | verify (records the baseline) | lifecycle | p90 lifecycle | in the TPM | reboot | reboot, in the TPM |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
  );
  const phaseRow = (label: string, p: Phases, reboot: number[], rebootTpm: number[]) =>
    `| ${label} | ${ms(median(p.start))} | ${ms(median(p.provision))} | ${ms(median(p.ekCheck))} | ${ms(median(p.boot))} | ${ms(median(p.quote))} | ${ms(median(p.verify))} | ${ms(median(p.total))} | ${ms(p90(p.total))} | ${ms(median(p.tpm))} | ${ms(median(reboot))} | ${ms(median(rebootTpm))} |`;
  for (const v of r.vtpm) lines.push(phaseRow(`vtpm ${v.profile}`, v.phases, v.reboot, v.rebootTpm));
  for (const s of r.swtpm) lines.push(phaseRow(`${swLabel(s)} (create = process start)`, s.phases, s.reboot, s.rebootTpm));

  lines.push('', '| fleet run | value |', '|---|---:|');
  for (const v of r.vtpm) {
    const m = vtpmPerInstance(v);
    const p = `vtpm ${v.profile}, ${count(v.instances)} instances`;
    lines.push(`| ${p}: lifecycle of all, one after another | ${(v.totalMs / 1000).toFixed(2)} s (${perSec((v.instances * 1000) / v.totalMs)}/s) |`);
    lines.push(`| ${p}: reboot of all (boot + quote + verify, trusted) | ${(v.rebootTotalMs / 1000).toFixed(2)} s (${perSec((v.instances * 1000) / v.rebootTotalMs)}/s) |`);
    lines.push(`| ${p}: process RSS before → after | ${mib(v.before.rss)} → ${mib(v.after.rss)} |`);
    lines.push(`| ${p}: V8 heap used + external before → after | ${mib(v.before.heap + v.before.external)} → ${mib(v.after.heap + v.after.external)} |`);
    lines.push(`| ${p}: RSS growth per instance | ${count(m.rss)} B |`);
    lines.push(`| ${p}: heap + external growth per instance (fleet, boot records, baselines) | ${count(m.heap)} B |`);
    lines.push(`| ${p}: heap + external per instance, the fleet alone | ${count(m.fleetHeap)} B |`);
    lines.push(`| ${p}: instances per GiB (by the larger of RSS and heap growth) | ${count(GiB / m.conservative)} |`);
  }
  for (const s of r.swtpm) {
    const p = `${swLabel(s)}, ${s.instances} processes`;
    lines.push(`| ${p}: lifecycle of all, one after another | ${(s.totalMs / 1000).toFixed(2)} s (${perSec((s.instances * 1000) / s.totalMs)}/s) |`);
    lines.push(`| ${p}: VmRSS right after the quote (median) | ${mib(median(s.rssAfterQuote))} |`);
    lines.push(`| ${p}, all alive: VmRSS / PSS / anonymous / page tables per process (median) | ${mib(median(s.steady.rss))} / ${mib(median(s.steady.pss))} / ${mib(median(s.steady.anon))} / ${kib(median(s.steady.pageTables))} |`);
    lines.push(`| ${p}: banks allocated / measured and quoted | ${s.allocatedBanks.map(bankLabel).join(', ')} / ${s.banks.map(bankLabel).join(', ')} |`);
  }
  if (r.swtpmSetupMs !== undefined) lines.push(`| swtpm_setup --tpm2 --create-ek-cert, one run (RSA 2048 + ECC EKs with certificates; not in the swtpm rows) | ${ms(r.swtpmSetupMs)} ms |`);
  lines.push(`| gc exposed (1 = exact heap figures) | ${r.gcExposed ? 1 : 0} |`);
  return lines.join('\n');
}

function bankLabel(alg: number): string {
  return ({ [TPM_ALG.SHA1]: 'SHA-1', [TPM_ALG.SHA256]: 'SHA-256', [TPM_ALG.SHA384]: 'SHA-384', [TPM_ALG.SHA512]: 'SHA-512', [TPM_ALG.SM3_256]: 'SM3' } as Record<number, string>)[alg] ?? `0x${alg.toString(16)}`;
}

if (process.argv[2] === CHILD_FLAG) {
  const result = await runVtpm(process.argv[3] as 'tpm2' | 'tcm2', Number(process.argv[4]));
  process.send!(result, () => process.disconnect());
} else if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  console.log(toMarkdown(await run()));
}
