/**
 * Fleets: many vTPMs in one process by id (src/fleet/fleet.ts), in memory and on disk
 * (fileFleet in vtpm/node). Instances are isolated, survive a new fleet over the same directory,
 * and go away with destroy.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createFleet, FleetError } from '../../src/fleet/fleet.js';
import { TPM_ALG, TPM_RC, TPM_RH, TPMA_NV } from '../../src/gen/constants.js';
import type { Client } from '../../src/client/client.js';
import { fileFleet } from '../../src/node/fleet.js';
import { rcOf, toHex } from '../helpers/tpm.js';

const EMPTY = new Uint8Array(0);
const INDEX = 0x01500001;
const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
const tempDir = () => {
  const d = mkdtempSync(join(tmpdir(), 'vtpm-fleet-'));
  dirs.push(d);
  return d;
};

async function defineAndWrite(client: Client, data: Uint8Array) {
  await client.run(
    'NV_DefineSpace',
    { authHandle: TPM_RH.OWNER, auth: EMPTY, publicInfo: { nvPublic: { nvIndex: INDEX, nameAlg: TPM_ALG.SHA256, attributes: TPMA_NV.OWNERWRITE | TPMA_NV.OWNERREAD, authPolicy: EMPTY, dataSize: data.length } } },
    { auth: { authHandle: '' } },
  );
  await client.run('NV_Write', { authHandle: TPM_RH.OWNER, nvIndex: INDEX, data, offset: 0 }, { auth: { authHandle: '' } });
}
const readIndex = (client: Client, size: number) => client.run('NV_Read', { authHandle: TPM_RH.OWNER, nvIndex: INDEX, size, offset: 0 }, { auth: { authHandle: '' } }).then((r) => toHex(r.data));
const pcr16 = (client: Client) => client.run('PCR_Read', { pcrSelectionIn: { pcrSelections: [{ hash: TPM_ALG.SHA256, pcrSelect: Uint8Array.of(0, 0, 1) }] } }).then((r) => toHex(r.pcrValues.digests[0]));

describe('createFleet (memory)', () => {
  it('creates, finds and destroys instances by id; instances share no state', async () => {
    const fleet = createFleet({ defaults: { profile: 'tpm2' } });
    const a = fleet.create('vm-a', { seed: 'same seed' });
    const b = fleet.create('vm-b', { seed: 'same seed' });
    const c = fleet.create('vm-c', { profile: 'tcm2' });
    expect([a.profile, c.profile]).toEqual(['tpm2', 'tcm2']);
    for (const i of [a, b, c]) await i.client.startup();
    await a.client.run('PCR_Event', { pcrHandle: 16, eventData: Uint8Array.of(1) }, { auth: { pcrHandle: '' } });
    await defineAndWrite(a.client, Uint8Array.of(1, 2, 3));
    expect(await pcr16(a.client)).not.toBe(await pcr16(b.client));
    expect(await rcOf(readIndex(b.client, 3))).toBe(TPM_RC.HANDLE | (2 << 8));
    expect(fleet.get('vm-a')).toBe(a);
    expect(fleet.loaded().sort()).toEqual(['vm-a', 'vm-b', 'vm-c']);
    expect(() => fleet.create('vm-a')).toThrow(FleetError);
    expect(() => fleet.create('../etc')).toThrow(/bad instance id/);
    fleet.destroy('vm-a');
    expect(fleet.get('vm-a')).toBeUndefined();
    expect(fleet.stored()).not.toContain('vm-a');
    // A destroyed id can be created again, as a new TPM.
    const again = fleet.create('vm-a', { seed: 'other' });
    await again.client.startup();
    expect(await rcOf(readIndex(again.client, 3))).toBe(TPM_RC.HANDLE | (2 << 8));
  });

  it('adopts an instance from a snapshot (same NV, same seeds)', async () => {
    const fleet = createFleet();
    const a = fleet.create('src', { seed: 'adopt' });
    await a.client.startup();
    await defineAndWrite(a.client, Uint8Array.of(9, 9));
    const b = fleet.adopt('dst', a.tpm.snapshot());
    expect(await readIndex(b.client, 2)).toBe('0909');
    expect(() => fleet.adopt('src', a.tpm.snapshot())).toThrow(/exists/);
  });
});

describe('fileFleet (vtpm/node)', () => {
  it('keeps each instance in its own directory; a new fleet over the directory reopens them; destroy deletes', async () => {
    const dir = tempDir();
    const fleet = fileFleet(dir, { durability: 'process' });
    for (const id of ['vm-1', 'vm-2']) {
      const i = fleet.create(id, { seed: id });
      await i.client.startup();
      await defineAndWrite(i.client, new TextEncoder().encode(id));
    }
    fleet.unload('vm-1');
    fleet.unload('vm-2');
    const again = fileFleet(dir);
    expect(again.stored()).toEqual(['vm-1', 'vm-2']);
    expect(again.loaded()).toEqual([]);
    const vm2 = again.open('vm-2');
    await vm2.client.startup();
    expect(await readIndex(vm2.client, 4)).toBe(toHex(new TextEncoder().encode('vm-2')));
    expect(() => again.open('vm-3')).toThrow(/no stored instance/);
    expect(() => again.create('vm-1')).toThrow(/exists/);
    again.destroy('vm-1');
    expect(existsSync(join(dir, 'vm-1'))).toBe(false);
    expect(again.stored()).toEqual(['vm-2']);
  });

  it('holds no file open for unloaded instances (many instances, few descriptors)', async () => {
    const dir = tempDir();
    const fleet = fileFleet(dir, { durability: 'process' });
    for (let n = 0; n < 300; n++) {
      const i = fleet.create(`vm-${n}`, { seed: `s${n}` });
      await i.client.startup();
      await i.client.run('NV_DefineSpace', { authHandle: TPM_RH.OWNER, auth: EMPTY, publicInfo: { nvPublic: { nvIndex: INDEX, nameAlg: TPM_ALG.SHA256, attributes: TPMA_NV.OWNERWRITE | TPMA_NV.OWNERREAD, authPolicy: EMPTY, dataSize: 8 } } }, { auth: { authHandle: '' } });
      fleet.unload(`vm-${n}`);
    }
    expect(fleet.stored().length).toBe(300);
  });
});
