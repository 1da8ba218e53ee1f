/**
 * Trusted instances end to end, on both profiles: a host fleet gives a VM a vTPM, provisions and
 * enrols its AK, records the integrity baseline at first boot, attests a reboot (trusted), a
 * tampered kernel (untrusted: PCRs 4 and 9 and the kernel's event named), accepts an update
 * (trusted again, history kept), migrates the running instance to a second host under a host key
 * (EK, NV, persistent keys and counters kept; the next quote verifies against the old baseline)
 * and refuses a replayed or tampered migration blob.
 */
import { describe, expect, it } from 'vitest';
import { activateEnrolment, createEnrolmentChallenge, verifyEnrolment } from '../../src/attest/enrol.js';
import { standInBytes, typicalLinuxVm } from '../../src/attest/measured-boot.js';
import { createVerifier } from '../../src/attest/store.js';
import { bootInstance, collectEvidence, provisionInstance } from '../../src/fleet/agent.js';
import { createFleet } from '../../src/fleet/fleet.js';
import { createDrbg } from '../../src/crypto/drbg.js';
import { utf8 } from '../../src/crypto/bytes.js';
import { TPM_ALG, TPM_RH, TPM_SU, TPMA_NV } from '../../src/gen/constants.js';
import { exportState, importState, memoryReplayGuard, MigrationError } from '../../src/tpm/migration.js';
import { toHex } from '../helpers/tpm.js';

const EMPTY = new Uint8Array(0);
const COUNTER = 0x01500100;

describe.each(['tpm2', 'tcm2'] as const)('trusted instance lifecycle (%s)', (profile) => {
  it('first boot → baseline; reboot trusted; tampered kernel untrusted; accepted update trusted; migrated instance still trusted', async () => {
    let now = 1_000;
    const clock = { now: () => now };
    const rng = createDrbg(utf8(`verifier ${profile}`));
    const nonce = () => rng.bytes(20);
    const hostA = createFleet({ defaults: { profile, clock } });
    const verifier = createVerifier();
    const vm = hostA.create('vm-1', { seed: `vm-1 ${profile}` });

    // Provisioning: EK + certificate, a persistent AK; the verifier enrols the AK against the EK.
    await vm.client.startup();
    const id = await provisionInstance(vm.client, { caSeed: 'fleet ca' });
    expect(id.family).toBe(profile === 'tcm2' ? 'TCM' : 'TPM');
    const challenge = createEnrolmentChallenge({ ekPublic: id.ek.public, akPublic: id.akPublic, rng });
    const secret = await activateEnrolment(vm.client, { ekHandle: id.ek.handle, akHandle: id.akHandle, challenge });
    expect(verifyEnrolment(challenge, secret)).toBe(true);
    // An NV counter the instance keeps across boots and hosts.
    await vm.client.run(
      'NV_DefineSpace',
      { authHandle: TPM_RH.OWNER, auth: EMPTY, publicInfo: { nvPublic: { nvIndex: COUNTER, nameAlg: profile === 'tcm2' ? TPM_ALG.SM3_256 : TPM_ALG.SHA256, attributes: TPMA_NV.OWNERWRITE | TPMA_NV.OWNERREAD | (1 << 4), authPolicy: EMPTY, dataSize: 8 } } },
      { auth: { authHandle: EMPTY } },
    );
    await vm.client.run('Shutdown', { shutdownType: TPM_SU.CLEAR });
    const reboot = async (chain = typicalLinuxVm({ instanceId: 'vm-1' })) => {
      vm.tpm.reset();
      now += 60_000;
      const boot = await bootInstance(vm.client, { chain });
      await vm.client.run('NV_Increment', { authHandle: TPM_RH.OWNER, nvIndex: COUNTER }, { auth: { authHandle: EMPTY } });
      return boot;
    };

    // First boot: the baseline is recorded and the boot is trusted.
    let boot = await reboot();
    let r = await verifier.verify('vm-1', await collectEvidence(vm.client, id, boot, nonce()), { recordIfNew: true, record: { by: 'provisioning' } });
    expect([r.recorded, r.report.verdict]).toEqual([true, 'trusted']);

    // Reboot with the same chain: trusted.
    await vm.client.run('Shutdown', { shutdownType: TPM_SU.CLEAR });
    boot = await reboot();
    r = await verifier.verify('vm-1', await collectEvidence(vm.client, id, boot, nonce()));
    expect(r.report.verdict).toBe('trusted');

    // A different kernel: untrusted, PCRs 4 and 9 changed, the kernel's events named.
    await vm.client.run('Shutdown', { shutdownType: TPM_SU.CLEAR });
    const updated = typicalLinuxVm({ instanceId: 'vm-1', kernel: standInBytes('vmlinuz 6.8.0-47 (update)', 65536) });
    boot = await reboot(updated);
    const evidence = await collectEvidence(vm.client, id, boot, nonce());
    r = await verifier.verify('vm-1', evidence);
    expect(r.report.verdict).toBe('untrusted');
    const bad = r.report.pcrs.filter((p) => p.status === 'untrusted');
    expect(bad.map((p) => p.pcr).sort((a, b) => a - b)).toEqual([4, 9]);
    const pcr9 = bad.find((p) => p.pcr === 9)!;
    expect(pcr9.reasons).toContain('changed');
    expect(pcr9.events.map((e) => e.description).join(' ')).toMatch(/vmlinuz/);

    // The operator accepts the update: the same boot is trusted, and the history says who and why.
    await verifier.accept('vm-1', r.report, { by: 'alice', reason: 'kernel update 6.8.0-47' });
    expect((await verifier.verify('vm-1', evidence)).report.verdict).toBe('trusted');
    const history = await verifier.history('vm-1');
    expect(history.map((h) => h.by)).toEqual(['provisioning', 'alice']);

    // Live migration of the running instance to host B under the cluster's host key.
    const ekName = toHex((await vm.client.run('ReadPublic', { objectHandle: id.ek.handle })).name);
    const counterBefore = (await vm.client.run('NV_Read', { authHandle: TPM_RH.OWNER, nvIndex: COUNTER, size: 8, offset: 0 }, { auth: { authHandle: EMPTY } })).data;
    const hostKey = rng.bytes(32);
    const blob = exportState(vm.tpm, { hostKey, instanceId: 'vm-1', generation: 1 });
    hostA.destroy('vm-1');
    const hostB = createFleet({ defaults: { profile, clock } });
    const guard = memoryReplayGuard();
    const imported = importState(blob, { hostKey, expectInstanceId: 'vm-1', replayGuard: guard });
    const moved = hostB.adopt('vm-1', imported.snapshot);
    expect(toHex((await moved.client.run('ReadPublic', { objectHandle: id.ek.handle })).name)).toBe(ekName);
    expect(toHex((await moved.client.run('NV_Read', { authHandle: TPM_RH.OWNER, nvIndex: COUNTER, size: 8, offset: 0 }, { auth: { authHandle: EMPTY } })).data)).toBe(toHex(counterBefore));
    // The PCRs moved with it: the next quote, by the same persistent AK, verifies against the baseline.
    now += 5_000;
    r = await verifier.verify('vm-1', await collectEvidence(moved.client, id, boot, nonce()));
    expect(r.report.verdict).toBe('trusted');
    // A reboot on host B: still trusted, and the counter keeps counting.
    await moved.client.run('Shutdown', { shutdownType: TPM_SU.CLEAR });
    moved.tpm.reset();
    const bootB = await bootInstance(moved.client, { chain: updated });
    expect((await verifier.verify('vm-1', await collectEvidence(moved.client, id, bootB, nonce()))).report.verdict).toBe('trusted');

    // The same blob again is a replay; a changed octet fails its integrity check.
    expect(() => importState(blob, { hostKey, expectInstanceId: 'vm-1', replayGuard: guard })).toThrow(MigrationError);
    const tampered = blob.slice();
    tampered[tampered.length - 100] ^= 1;
    try {
      importState(tampered, { hostKey, replayGuard: memoryReplayGuard() });
      expect.unreachable();
    } catch (e) {
      expect((e as MigrationError).reason).toBe('integrity');
    }
  });
});
