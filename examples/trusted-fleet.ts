// The trusted-instance story vtpm exists for, with readable output (`npm run demo`):
// a cloud host gives each VM a vTPM (TPM 2.0 or TCM 2.0), provisions and enrols it, records an
// integrity baseline at first boot, attests later boots against it, reports a tampered kernel,
// accepts an update, watches runtime (IMA), live-migrates the instance to another host, and
// finally boots, quotes and verifies a fleet of 1,000 vTPMs in one process.
//   npm run demo                 (npm run demo -- --instances 200 for a shorter fleet)
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  activateEnrolment,
  bootInstance,
  collectEvidence,
  createCa,
  createEnrolmentChallenge,
  createFleet,
  createVerifier,
  exportState,
  formatReport,
  importState,
  memoryReplayGuard,
  MigrationError,
  provisionInstance,
  readNvCertificate,
  standInBytes,
  TPM_SU,
  typicalLinuxVm,
  typicalRuntimeEvents,
  verifyCertificate,
  verifyEnrolment,
  type Fleet,
  type Verifier,
} from '../src/index.js';
import { fileBaselineStore } from '../src/node/index.js';

const args = process.argv.slice(2);
const instancesFlag = args.indexOf('--instances');
const FLEET = instancesFlag >= 0 ? Number(args[instancesFlag + 1]) : 1000;
if (!Number.isInteger(FLEET) || FLEET < 1) {
  console.error('demo: --instances needs a positive integer');
  process.exit(2);
}

const say = (s = '') => console.log(s);
const indent = (text: string) => text.trimEnd().replace(/^/gm, '    ');
const nonce = () => globalThis.crypto.getRandomValues(new Uint8Array(20));
const hex = (n: number) => `0x${n.toString(16)}`;

async function story(profile: 'tpm2' | 'tcm2', vmId: string, hostA: Fleet, hostB: Fleet, verifier: Verifier, hostKey: Uint8Array) {
  say(`== ${vmId}: a ${profile === 'tcm2' ? 'TCM 2.0 (SM2/SM3/SM4)' : 'TPM 2.0'} instance ==`);
  const vm = hostA.create(vmId, { profile });
  await vm.client.startup();

  // Provisioning: what swtpm_setup does, plus an AK, in a few milliseconds.
  const id = await provisionInstance(vm.client);
  const cert = await readNvCertificate(vm.client, id.ek.certIndex);
  say(`provisioned: EK ${id.ek.id} at ${hex(id.ek.handle)}, certificate in NV ${hex(id.ek.certIndex)} (${cert.length} octets, ${verifyCertificate(cert, id.manufactured.ca.certificate) ? 'verifies against the fleet CA' : 'DOES NOT VERIFY'}); AK at ${hex(id.akHandle)}`);
  const challenge = createEnrolmentChallenge({ ekPublic: id.ek.public, akPublic: id.akPublic });
  const secret = await activateEnrolment(vm.client, { ekHandle: id.ek.handle, akHandle: id.akHandle, challenge });
  say(`AK enrolment by credential activation: ${verifyEnrolment(challenge, secret) ? 'the AK lives in the same TPM as the EK' : 'FAILED'}`);
  await vm.client.run('Shutdown', { shutdownType: TPM_SU.CLEAR });

  const boot = async (what: string, chain = typicalLinuxVm({ instanceId: vmId }), runtime = typicalRuntimeEvents()) => {
    vm.tpm.reset();
    const b = await bootInstance(vm.client, { chain, runtime });
    const evidence = await collectEvidence(vm.client, id, b, nonce());
    await vm.client.run('Shutdown', { shutdownType: TPM_SU.CLEAR });
    say(`${what}: measured boot, ${b.ima.length} IMA entries, quote of PCRs 0-10 (${b.banks.length} bank${b.banks.length > 1 ? 's' : ''})`);
    return evidence;
  };

  let e = await boot('boot 1 (first boot)');
  let r = await verifier.verify(vmId, e, { recordIfNew: true, record: { by: 'provisioning', reason: 'first boot' } });
  say(`  -> baseline ${r.recorded ? 'recorded' : 'kept'}; ${r.report.verdict.toUpperCase()}`);

  e = await boot('boot 2 (same software)');
  say(`  -> ${(await verifier.verify(vmId, e)).report.verdict.toUpperCase()}`);

  const updated = typicalLinuxVm({ instanceId: vmId, kernel: standInBytes('vmlinuz 6.8.0-45-generic, vendor rebuild', 65536) });
  e = await boot('boot 3 (the kernel image changed)', updated);
  r = await verifier.verify(vmId, e);
  say(`  -> ${r.report.verdict.toUpperCase()}; the verifier's report:`);
  say(indent(formatReport(r.report, { instance: vmId })).split('\n').filter((l) => /UNTRUSTED|untrusted|^\s+[~+-] /.test(l)).join('\n'));
  await verifier.accept(vmId, r.report, { by: 'alice', reason: 'vendor kernel rebuild, ticket OPS-42' });
  say(`operator alice checks it and accepts the difference ("vendor kernel rebuild, ticket OPS-42")`);
  say(`  -> boot 3 verified again: ${(await verifier.verify(vmId, e)).report.verdict.toUpperCase()}`);

  const runtime = [...typicalRuntimeEvents(), { path: '/tmp/.x/miner', content: standInBytes('unknown binary', 4096) }];
  e = await boot('boot 4 (a process nobody knows starts)', updated, runtime);
  r = await verifier.verify(vmId, e);
  const unknown = r.report.ima?.problems.map((p) => `${p.status} ${p.path}`).join(', ');
  say(`  -> ${r.report.verdict.toUpperCase()} (IMA: ${unknown}); it stays untrusted until someone investigates`);

  // Live migration: the running instance (PCRs included) moves to host B, sealed under the host key.
  e = await boot('boot 5 (clean again)', updated);
  say(`  -> ${(await verifier.verify(vmId, e)).report.verdict.toUpperCase()}`);
  vm.tpm.reset();
  const running = await bootInstance(vm.client, { chain: updated });
  const blob = exportState(vm.tpm, { hostKey, instanceId: vmId, generation: 1 });
  hostA.destroy(vmId);
  const guard = memoryReplayGuard();
  const moved = hostB.adopt(vmId, importState(blob, { hostKey, expectInstanceId: vmId, replayGuard: guard }).snapshot);
  say(`live migration to host B: ${blob.length} octets, encrypted and MACed under the host key`);
  r = await verifier.verify(vmId, await collectEvidence(moved.client, id, running, nonce()));
  say(`  -> quote on host B by the same AK: ${r.report.verdict.toUpperCase()} against the old baseline`);
  try {
    importState(blob, { hostKey, expectInstanceId: vmId, replayGuard: guard });
  } catch (err) {
    say(`  -> the same blob sent again: refused (${(err as MigrationError).reason})`);
  }
  const history = await verifier.history(vmId);
  say(`baseline history: ${history.map((h) => `${h.action} by ${h.by}${h.reason ? ` (${h.reason})` : ''}`).join('; ')}`);
  say();
}

async function fleetRun(n: number) {
  say(`== a fleet of ${n.toLocaleString('en')} vTPMs in one process: provision, boot, quote, verify each ==`);
  global.gc?.();
  const heap0 = process.memoryUsage().heapUsed;
  const rss0 = process.memoryUsage().rss;
  const fleet = createFleet();
  const verifier = createVerifier();
  // One CA for the fleet's EK certificates (P-256 for TPMs, SM2 for TCMs).
  const cas = { tpm2: createCa({ keyAlg: 'ecc-p256' }), tcm2: createCa({ keyAlg: 'sm2-p256' }) };
  const t0 = performance.now();
  let trusted = 0;
  for (let i = 0; i < n; i++) {
    const profile = i % 10 === 9 ? 'tcm2' : 'tpm2';
    const vm = fleet.create(`vm-${i}`, { profile });
    await vm.client.startup();
    const id = await provisionInstance(vm.client, { ca: cas[profile] });
    const b = await bootInstance(vm.client, { startup: false, chain: typicalLinuxVm({ instanceId: `vm-${i}` }) });
    const r = await verifier.verify(`vm-${i}`, await collectEvidence(vm.client, id, b, nonce()), { recordIfNew: true });
    if (r.report.verdict === 'trusted') trusted++;
  }
  const ms = performance.now() - t0;
  global.gc?.();
  const heap = process.memoryUsage().heapUsed - heap0;
  const rss = process.memoryUsage().rss - rss0;
  say(`${trusted} of ${n} trusted (9 in 10 TPM 2.0, 1 in 10 TCM 2.0) in ${(ms / 1000).toFixed(1)} s: ${(ms / n).toFixed(1)} ms and ${(heap / n / 1024).toFixed(0)} KiB of heap per instance (${(rss / n / 1024).toFixed(0)} KiB RSS), all ${fleet.size} still live`);
}

const dir = mkdtempSync(join(tmpdir(), 'vtpm-demo-'));
try {
  say('vtpm demo: trusted instances on a simulated cloud host');
  say(`baselines are kept in ${join(dir, 'baselines')} (one JSON file per instance, atomic writes)`);
  say();
  const verifier = createVerifier({ store: fileBaselineStore(join(dir, 'baselines')) });
  const hostKey = globalThis.crypto.getRandomValues(new Uint8Array(32)); // the cluster's migration key
  const hostA = createFleet();
  const hostB = createFleet();
  await story('tpm2', 'vm-web', hostA, hostB, verifier, hostKey);
  await story('tcm2', 'vm-gov', hostA, hostB, verifier, hostKey);
  await fleetRun(FLEET);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
