/**
 * Session audit and command audit (Part 1 "Session Audit", "Command Audit"; Part 3
 * "TPM2_StartAuthSession" (TPMA_SESSION audit, auditExclusive, auditReset),
 * "TPM2_SetCommandCodeAuditStatus"), both profiles. Digests are read from the TPM's state (a
 * snapshot) until GetSessionAuditDigest/GetCommandAuditDigest exist, and recomputed with
 * node:crypto from the octets a spy transport saw: digest := H(digest ‖ cpHash ‖ rpHash).
 */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createClient, type Client } from '../../src/client/client.js';
import type { Transport } from '../../src/client/transport.js';
import { TPM_ALG, TPM_CAP, TPM_CC, TPM_PT, TPM_RC, TPM_RH, TPM_SU, TPMA_SESSION } from '../../src/gen/constants.js';
import type { TPML_CC, TPML_TAGGED_TPM_PROPERTY } from '../../src/gen/types.js';
import type { Tpm } from '../../src/tpm/engine.js';
import { decodeSnapshot } from '../../src/tpm/state/snapshot.js';
import type { TpmState } from '../../src/tpm/state/types.js';
import { rcOf, startedTpm, toHex } from '../helpers/tpm.js';

const NODE_HASH: Record<number, string> = { [TPM_ALG.SHA256]: 'sha256', [TPM_ALG.SHA384]: 'sha384', [TPM_ALG.SHA512]: 'sha512', [TPM_ALG.SM3_256]: 'sm3' };
const S = (n: number) => TPM_RC.S | (n << 8);
const P = (n: number) => TPM_RC.P | (n << 8);
const text = (s: string) => new TextEncoder().encode(s);

const PROFILES = [
  { profile: 'tpm2', sessionHash: TPM_ALG.SHA256, auditHash: TPM_ALG.SHA512, other: TPM_ALG.SHA256 },
  { profile: 'tcm2', sessionHash: TPM_ALG.SM3_256, auditHash: TPM_ALG.SM3_256, other: TPM_ALG.SM3_256 },
] as const;

interface Exchange {
  command: Uint8Array;
  response: Uint8Array;
}

/** A started TPM and a client whose transport records every exchange. */
async function setup(profile: string) {
  const t = await startedTpm({ profile });
  const log: Exchange[] = [];
  const spy: Transport = {
    send: async (command) => {
      const response = t.tpm.execute(command);
      log.push({ command, response });
      return response;
    },
  };
  return { ...t, client: createClient(spy), log, last: () => log[log.length - 1] };
}

const stateOf = (tpm: Tpm): TpmState => decodeSnapshot<{ state: TpmState }>(tpm.snapshot()).state;

const nodeHash = (alg: number, ...parts: Uint8Array[]): Uint8Array => {
  const h = createHash(NODE_HASH[alg]);
  for (const p of parts) h.update(p);
  return new Uint8Array(h.digest());
};

const u32 = (b: Uint8Array, at: number) => new DataView(b.buffer, b.byteOffset, b.byteLength).getUint32(at);

/**
 * cpHash := H(commandCode ‖ Names ‖ parameters) and rpHash := H(0 ‖ commandCode ‖ parameters) from
 * the octets, for commands whose handles are their own Names (permanent handles and PCRs).
 */
function pHashes(alg: number, { command, response }: Exchange, commandHandles: number, responseHandles = 0): { cp: Uint8Array; rp: Uint8Array } {
  const cc = command.subarray(6, 10);
  const names = command.subarray(10, 10 + 4 * commandHandles);
  let at = 10 + 4 * commandHandles;
  if (command[1] === 0x02) at += 4 + u32(command, at);
  const cp = nodeHash(alg, cc, names, command.subarray(at));
  expect(u32(response, 6)).toBe(0);
  let rAt = 10 + 4 * responseHandles;
  let params: Uint8Array;
  if (response[1] === 0x02) {
    const size = u32(response, rAt);
    params = response.subarray(rAt + 4, rAt + 4 + size);
  } else params = response.subarray(rAt);
  return { cp, rp: nodeHash(alg, new Uint8Array(4), cc, params) };
}

/** Folds exchanges into an audit digest from zeros, as the TPM does. */
function fold(alg: number, size: number, exchanges: { x: Exchange; handles: number }[], start: Uint8Array = new Uint8Array(size)): Uint8Array {
  let d: Uint8Array = start;
  for (const { x, handles } of exchanges) {
    const { cp, rp } = pHashes(alg, x, handles);
    d = nodeHash(alg, d, cp, rp);
  }
  return d;
}

/** The session's attributes in the last response's authorization area (the k-th session, from 0). */
function responseAttributes(response: Uint8Array, k = 0, responseHandles = 0): number {
  let at = 10 + 4 * responseHandles;
  at += 4 + u32(response, at);
  for (let i = 0; ; i++) {
    const nonceSize = (response[at] << 8) | response[at + 1];
    const attrs = response[at + 2 + nonceSize];
    if (i === k) return attrs;
    const hmacSize = (response[at + 3 + nonceSize] << 8) | response[at + 4 + nonceSize];
    at += 5 + nonceSize + hmacSize;
  }
}

const extend = (client: Client, opts: Parameters<Client['run']>[2], hashAlg: number) =>
  client.run('PCR_Extend', { pcrHandle: 16, digests: { digests: [{ hashAlg, digest: new Uint8Array(32).fill(7) }] } }, opts);

async function auditCounter(client: Client): Promise<bigint> {
  const { capabilityData } = await client.run('GetCapability', { capability: TPM_CAP.TPM_PROPERTIES, property: TPM_PT.AUDIT_COUNTER_0, propertyCount: 2 });
  const props = (capabilityData.data as TPML_TAGGED_TPM_PROPERTY).tpmProperty;
  const v = (p: number) => BigInt(props.find((x) => x.property === p)!.value);
  return (v(TPM_PT.AUDIT_COUNTER_0) << 32n) | v(TPM_PT.AUDIT_COUNTER_1);
}

async function auditedList(client: Client): Promise<number[]> {
  const { capabilityData } = await client.run('GetCapability', { capability: TPM_CAP.AUDIT_COMMANDS, property: 0, propertyCount: 254 });
  return (capabilityData.data as TPML_CC).commandCodes;
}

describe.each(PROFILES)('session audit ($profile)', ({ profile, sessionHash, other }) => {
  it('extends the digest with H(digest ‖ cpHash ‖ rpHash): the TPM, the client and node:crypto agree', async () => {
    const { tpm, client, last } = await setup(profile);
    const session = await client.startAuthSession({ hash: sessionHash });
    session.audit = true;
    const seen: { x: Exchange; handles: number }[] = [];
    // An audit-only session (not authorizing a handle), then the authorizing session auditing too.
    await client.run('GetRandom', { bytesRequested: 16 }, { auditSession: session });
    seen.push({ x: last(), handles: 0 });
    await extend(client, { auth: { pcrHandle: { session } } }, other);
    seen.push({ x: last(), handles: 1 });
    await client.run('ReadClock', {}, { auditSession: session });
    seen.push({ x: last(), handles: 0 });

    const size = sessionHash === TPM_ALG.SHA256 || sessionHash === TPM_ALG.SM3_256 ? 32 : 64;
    const expected = fold(sessionHash, size, seen);
    const state = stateOf(tpm);
    expect(toHex(state.volatile.sessions![session.handle].auditDigest!)).toBe(toHex(expected));
    expect(toHex(session.auditDigest!)).toBe(toHex(expected));
    // It was exclusive throughout; the response says so.
    expect(state.volatile.exclusiveAuditSession).toBe(session.handle);
    expect(session.exclusive).toBe(true);
    expect(responseAttributes(last().response) & TPMA_SESSION.auditExclusive).toBe(TPMA_SESSION.auditExclusive);
  });

  it('auditReset starts the digest again from zeros (once)', async () => {
    const { tpm, client, last } = await setup(profile);
    const session = await client.startAuthSession({ hash: sessionHash });
    session.audit = true;
    await client.run('GetRandom', { bytesRequested: 8 }, { auditSession: session });
    await client.run('GetRandom', { bytesRequested: 8 }, { auditSession: session });
    session.auditReset = true;
    await client.run('ReadClock', {}, { auditSession: session });
    const reset = last();
    expect(session.auditReset).toBe(false);
    const expected = fold(sessionHash, 32, [{ x: reset, handles: 0 }]);
    expect(toHex(session.auditDigest!)).toBe(toHex(expected));
    expect(toHex(stateOf(tpm).volatile.sessions![session.handle].auditDigest!)).toBe(toHex(expected));
    // The next command extends it (no reset).
    await client.run('GetRandom', { bytesRequested: 4 }, { auditSession: session });
    const next = fold(sessionHash, 32, [{ x: last(), handles: 0 }], expected);
    expect(toHex(stateOf(tpm).volatile.sessions![session.handle].auditDigest!)).toBe(toHex(next));
    expect(toHex(session.auditDigest!)).toBe(toHex(next));
  });

  it('exclusivity: another command ends it, auditExclusive then fails with TPM_RC_EXCLUSIVE, auditReset restores it', async () => {
    const { tpm, client, last } = await setup(profile);
    const session = await client.startAuthSession({ hash: sessionHash });
    const spare = await client.startAuthSession({ hash: sessionHash });
    session.audit = true;
    await client.run('GetRandom', { bytesRequested: 8 }, { auditSession: session });
    expect(session.exclusive).toBe(true);
    // A command that cannot have sessions (FlushContext) and a failed command leave it exclusive.
    await client.flush(spare);
    expect(await rcOf(client.run('GetCapability', { capability: 0x7777, property: 0, propertyCount: 1 }))).toBe(TPM_RC.VALUE | P(1));
    expect(stateOf(tpm).volatile.exclusiveAuditSession).toBe(session.handle);
    session.auditExclusive = true;
    await client.run('GetRandom', { bytesRequested: 8 }, { auditSession: session });
    expect(session.exclusive).toBe(true);

    // A successful command without the audit session ends exclusivity.
    await client.run('GetRandom', { bytesRequested: 8 });
    expect(stateOf(tpm).volatile.exclusiveAuditSession).toBeUndefined();
    const before = session.auditDigest!;
    expect(await rcOf(client.run('GetRandom', { bytesRequested: 8 }, { auditSession: session }))).toBe(TPM_RC.EXCLUSIVE);
    expect(toHex(stateOf(tpm).volatile.sessions![session.handle].auditDigest!)).toBe(toHex(before));
    // Without auditExclusive the command is audited, reported as not exclusive.
    session.auditExclusive = false;
    await client.run('GetRandom', { bytesRequested: 8 }, { auditSession: session });
    expect(session.exclusive).toBe(false);
    expect(responseAttributes(last().response) & TPMA_SESSION.auditExclusive).toBe(0);
    expect(toHex(stateOf(tpm).volatile.sessions![session.handle].auditDigest!)).toBe(toHex(session.auditDigest!));
    // auditReset (with auditExclusive) makes it the exclusive session again.
    session.auditExclusive = true;
    session.auditReset = true;
    await client.run('GetRandom', { bytesRequested: 8 }, { auditSession: session });
    expect(session.exclusive).toBe(true);
    expect(stateOf(tpm).volatile.exclusiveAuditSession).toBe(session.handle);
    // Flushing the exclusive session ends exclusive audit.
    await client.flush(session);
    expect(stateOf(tpm).volatile.exclusiveAuditSession).toBeUndefined();
  });

  it('a new audit session becomes the exclusive one; the other is no longer exclusive', async () => {
    const { tpm, client } = await setup(profile);
    const a = await client.startAuthSession({ hash: sessionHash });
    const b = await client.startAuthSession({ hash: sessionHash });
    a.audit = b.audit = true;
    await client.run('GetRandom', { bytesRequested: 8 }, { auditSession: a });
    await client.run('GetRandom', { bytesRequested: 8 }, { auditSession: b });
    expect([a.exclusive, b.exclusive, stateOf(tpm).volatile.exclusiveAuditSession]).toEqual([true, true, b.handle]);
    await client.run('GetRandom', { bytesRequested: 8 }, { auditSession: a });
    expect([a.exclusive, stateOf(tpm).volatile.exclusiveAuditSession]).toEqual([false, undefined]);
  });

  it('refuses audit with a policy session, twice in one command, and on a password (TPM_RC_ATTRIBUTES)', async () => {
    const { client } = await setup(profile);
    const policy = await client.startAuthSession({ type: 'policy', hash: sessionHash });
    policy.audit = true;
    expect(await rcOf(client.run('GetRandom', { bytesRequested: 8 }, { auditSession: policy }))).toBe(TPM_RC.ATTRIBUTES | S(1));
    const a = await client.startAuthSession({ hash: sessionHash });
    const b = await client.startAuthSession({ hash: sessionHash });
    a.audit = b.audit = true;
    expect(await rcOf(extend(client, { auth: { pcrHandle: { session: a } }, auditSession: b }, other))).toBe(TPM_RC.ATTRIBUTES | S(2));
    const pw = { sessionHandle: TPM_RH.TPM_RS_PW, nonce: new Uint8Array(0), sessionAttributes: TPMA_SESSION.continueSession | TPMA_SESSION.audit, hmac: new Uint8Array(0) };
    expect(await rcOf(extend(client, { sessions: [pw] }, other))).toBe(TPM_RC.ATTRIBUTES | S(1));
  });

  it('a bound session is no longer bound once it audits (its HMAC then includes the authValue)', async () => {
    const { tpm, client } = await setup(profile);
    await client.run('HierarchyChangeAuth', { authHandle: TPM_RH.OWNER, newAuth: text('owner') });
    const session = await client.startAuthSession({ hash: sessionHash, bind: { handle: TPM_RH.OWNER, authValue: 'owner' } });
    const auth = { auth: { auth: { session, authValue: 'owner' } } };
    const noChange = { auth: TPM_RH.OWNER, auditAlg: TPM_ALG.NULL, setList: { commandCodes: [] }, clearList: { commandCodes: [] } };
    await client.run('SetCommandCodeAuditStatus', noChange, auth);
    expect(stateOf(tpm).volatile.sessions![session.handle].boundEntity).not.toBeNull();
    session.audit = true;
    // The command that starts the digest is still authorized as bound; the next ones are not.
    await client.run('SetCommandCodeAuditStatus', noChange, auth);
    expect(stateOf(tpm).volatile.sessions![session.handle].boundEntity).toBeNull();
    expect(session.boundTo(new Uint8Array([0x40, 0, 0, 1]), text('owner'))).toBe(false);
    await client.run('SetCommandCodeAuditStatus', noChange, auth);
    expect(session.auditDigest).not.toBeNull();
  });

  it('the audit digest survives ContextSave and ContextLoad of the session', async () => {
    const { tpm, client, last } = await setup(profile);
    const session = await client.startAuthSession({ hash: sessionHash });
    session.audit = true;
    await client.run('GetRandom', { bytesRequested: 8 }, { auditSession: session });
    const first = last();
    const { context } = await client.run('ContextSave', { saveHandle: session.handle });
    expect(stateOf(tpm).volatile.sessions?.[session.handle]).toBeUndefined();
    await client.run('ContextLoad', { context });
    await client.run('GetRandom', { bytesRequested: 8 }, { auditSession: session });
    const expected = fold(sessionHash, 32, [
      { x: first, handles: 0 },
      { x: last(), handles: 0 },
    ]);
    expect(toHex(stateOf(tpm).volatile.sessions![session.handle].auditDigest!)).toBe(toHex(expected));
    expect(toHex(session.auditDigest!)).toBe(toHex(expected));
  });
});

describe.each(PROFILES)('command audit ($profile)', ({ profile, auditHash, other }) => {
  const audit = (client: Client, setList: number[], clearList: number[] = [], auditAlg: number = TPM_ALG.NULL) =>
    client.run('SetCommandCodeAuditStatus', { auth: TPM_RH.OWNER, auditAlg, setList: { commandCodes: setList }, clearList: { commandCodes: clearList } });

  it('audits the listed commands: digest from zeros, H(digest ‖ cpHash ‖ rpHash) with the audit hash; the counter counts digests', async () => {
    const { tpm, client, last } = await setup(profile);
    expect(await auditCounter(client)).toBe(0n);
    expect(stateOf(tpm).persistent.auditHashAlg).toBe(auditHash);
    const seen: { x: Exchange; handles: number }[] = [];
    // Shutdown cannot be audited (the reference's CommandAuditSet).
    await audit(client, [TPM_CC.GetRandom, TPM_CC.PCR_Extend, TPM_CC.Shutdown]);
    seen.push({ x: last(), handles: 1 });
    expect(await auditedList(client)).toEqual([TPM_CC.SetCommandCodeAuditStatus, TPM_CC.PCR_Extend, TPM_CC.GetRandom].sort((a, b) => a - b));
    await client.run('GetRandom', { bytesRequested: 8 });
    seen.push({ x: last(), handles: 0 });
    await extend(client, {}, other);
    seen.push({ x: last(), handles: 1 });
    // A failed command is not audited.
    expect(await rcOf(extend(client, { auth: { pcrHandle: 'wrong' } }, other))).toBe(TPM_RC.BAD_AUTH | S(1));
    const size = auditHash === TPM_ALG.SHA512 ? 64 : 32;
    const state = stateOf(tpm);
    expect(toHex(state.stateReset.commandAuditDigest!)).toBe(toHex(fold(auditHash, size, seen)));
    expect(await auditCounter(client)).toBe(1n);
    expect(state.persistent.auditCounter).toBe(1n);
  });

  it('the audit hash changes only with empty lists; the change empties the digest, the next audited command starts one', async () => {
    const { tpm, client, last } = await setup(profile);
    await audit(client, [TPM_CC.GetRandom]);
    expect(await auditCounter(client)).toBe(1n);
    // TPM_RC_VALUE on auditAlg when lists come with a new hash (any hash the profile has that is not the current one).
    const newAlg = profile === 'tpm2' ? TPM_ALG.SHA256 : TPM_ALG.SM3_256;
    if (newAlg !== auditHash) {
      expect(await rcOf(audit(client, [TPM_CC.ReadClock], [], newAlg))).toBe(TPM_RC.VALUE | P(1));
      await audit(client, [], [], newAlg);
      expect(stateOf(tpm).persistent.auditHashAlg).toBe(newAlg);
      expect(stateOf(tpm).stateReset.commandAuditDigest ?? new Uint8Array(0)).toHaveLength(0);
      expect(await auditCounter(client)).toBe(1n);
      await client.run('GetRandom', { bytesRequested: 8 });
      expect(toHex(stateOf(tpm).stateReset.commandAuditDigest!)).toBe(toHex(fold(newAlg, 32, [{ x: last(), handles: 0 }])));
      expect(await auditCounter(client)).toBe(2n);
    } else {
      // The same hash with lists is a list change.
      await audit(client, [TPM_CC.ReadClock], [], newAlg);
      expect(await auditedList(client)).toContain(TPM_CC.ReadClock);
    }
  });

  it('SetCommandCodeAuditStatus stays audited; clearList removes others; a bad hash is TPM_RC_HASH', async () => {
    const { client } = await setup(profile);
    await audit(client, [TPM_CC.GetRandom, TPM_CC.ReadClock]);
    await audit(client, [], [TPM_CC.SetCommandCodeAuditStatus, TPM_CC.GetRandom]);
    expect(await auditedList(client)).toEqual([TPM_CC.SetCommandCodeAuditStatus, TPM_CC.ReadClock]);
    const paged = await client.run('GetCapability', { capability: TPM_CAP.AUDIT_COMMANDS, property: TPM_CC.SetCommandCodeAuditStatus + 1, propertyCount: 1 });
    expect([(paged.capabilityData.data as TPML_CC).commandCodes, paged.moreData]).toEqual([[TPM_CC.ReadClock], 0]);
    const first = await client.run('GetCapability', { capability: TPM_CAP.AUDIT_COMMANDS, property: 0, propertyCount: 1 });
    expect([(first.capabilityData.data as TPML_CC).commandCodes, first.moreData]).toEqual([[TPM_CC.SetCommandCodeAuditStatus], 1]);
    const missing = profile === 'tpm2' ? TPM_ALG.SM4 : TPM_ALG.SHA256;
    expect(await rcOf(audit(client, [], [], missing))).toBe(TPM_RC.HASH | P(1));
  });

  it('a TPM Reset empties the digest, a Restart keeps it; the counter persists; TPM2_Clear zeroes it', async () => {
    const { tpm, client } = await setup(profile);
    await audit(client, [TPM_CC.GetRandom]);
    await client.run('GetRandom', { bytesRequested: 8 });
    const digest = toHex(stateOf(tpm).stateReset.commandAuditDigest!);
    await client.shutdown('state');
    tpm.reset();
    await client.startup('clear');
    expect(toHex(stateOf(tpm).stateReset.commandAuditDigest!)).toBe(digest);
    expect(await auditCounter(client)).toBe(1n);
    await client.shutdown('clear');
    tpm.reset();
    await client.startup('clear');
    expect(stateOf(tpm).stateReset.commandAuditDigest ?? new Uint8Array(0)).toHaveLength(0);
    await client.run('GetRandom', { bytesRequested: 8 });
    expect(await auditCounter(client)).toBe(2n);
    await client.run('Clear', { authHandle: TPM_RH.LOCKOUT });
    expect(await auditCounter(client)).toBe(0n);
  });

  it('session audit and command audit of one command both record it; the counter does not void Shutdown(STATE)', async () => {
    const { tpm, client, last } = await setup(profile);
    await audit(client, [TPM_CC.GetRandom]);
    await client.shutdown('clear');
    tpm.reset();
    await client.startup('clear');
    const session = await client.startAuthSession({ hash: profile === 'tpm2' ? TPM_ALG.SHA384 : TPM_ALG.SM3_256 });
    session.audit = true;
    await client.shutdown('state');
    // After Shutdown(STATE) an audited command starts a new digest; Startup(STATE) still works.
    await client.run('GetRandom', { bytesRequested: 8 }, { auditSession: session });
    const x = last();
    const size = auditHash === TPM_ALG.SHA512 ? 64 : 32;
    expect(toHex(stateOf(tpm).stateReset.commandAuditDigest!)).toBe(toHex(fold(auditHash, size, [{ x, handles: 0 }])));
    expect(toHex(session.auditDigest!)).toBe(toHex(fold(session.hash.alg, session.hash.digestSize, [{ x, handles: 0 }])));
    tpm.reset();
    await client.run('Startup', { startupType: TPM_SU.STATE });
    // Startup(STATE) restores the digest Shutdown(STATE) saved (none: it started after the Shutdown).
    expect(stateOf(tpm).stateReset.commandAuditDigest ?? new Uint8Array(0)).toHaveLength(0);
    expect(await auditCounter(client)).toBe(2n);
  });
});
