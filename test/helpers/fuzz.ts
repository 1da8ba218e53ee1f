/**
 * Shared checks for fuzzing execute(): a seeded, started TPM with a fake clock, the shape every
 * response must have, the state a refused command must leave alone, and the response codes a
 * command's declaration allows.
 */
import { expect } from 'vitest';
import { COMMANDS } from '../../src/gen/commands.js';
import { TPM_RC } from '../../src/gen/constants.js';
import { SCHEMA } from '../../src/gen/schemas.js';
import { createTpm, type Tpm, type TpmOptions } from '../../src/tpm/engine.js';
import { decodeSnapshot } from '../../src/tpm/state/snapshot.js';
import type { CommandDesc } from '../../src/wire/descriptor.js';
import { WIRE_RC } from '../../src/wire/errors.js';

/** A seeded TPM after Startup(CLEAR), its clock advancing by 1 ms at every reading. */
export function startedFuzzTpm(profile: string, options: TpmOptions = {}): Tpm {
  let now = 0;
  const tpm = createTpm({ profile, seed: 'fuzz', clock: { now: () => now++ }, ...options });
  tpm.execute(Uint8Array.from([0x80, 0x01, 0, 0, 0, 12, 0, 0, 1, 0x44, 0, 0]));
  return tpm;
}

/** A well-formed response (Part 1 "Response Structure"); returns its response code. */
export function checkWellFormed(cmd: Uint8Array, r: Uint8Array): number {
  expect(r.length).toBeGreaterThanOrEqual(10);
  const v = new DataView(r.buffer, r.byteOffset, r.byteLength);
  const tag = v.getUint16(0);
  expect([0x8001, 0x8002]).toContain(tag);
  expect(v.getUint32(2)).toBe(r.length);
  const rc = v.getUint32(6);
  if (rc !== 0) {
    expect(r.length).toBe(10);
    expect(tag).toBe(0x8001);
  } else if (tag === 0x8002) {
    expect(new DataView(cmd.buffer, cmd.byteOffset).getUint16(0)).toBe(0x8002);
  }
  return rc;
}

/**
 * The state, less the dictionary-attack bookkeeping: a failed authorization of a DA-protected
 * entity (lockoutAuth, NV indices) changes it by design (Part 1 "Dictionary Attack Protection"),
 * and so does the first DA-protected authorization after a Shutdown, which voids the orderly
 * shutdown even when the command then fails (the reference's SU_DA_USED_VALUE); and less the Clock saved to NV each 2^NV_CLOCK_UPDATE_INTERVAL ms, which happens as time
 * passes whatever the command (Part 1 "Clock").
 */
export function stateOf(tpm: Tpm): unknown {
  type Shape = { persistent: { da?: unknown; clock?: number; clockSafe?: boolean; orderlyShutdown?: unknown }; volatile: { daLockoutTimer?: number; daSelfHealTimer?: number } };
  const state = decodeSnapshot<{ state: Shape }>(tpm.snapshot()).state;
  delete state.persistent.da;
  delete state.persistent.orderlyShutdown;
  delete state.persistent.clock;
  delete state.persistent.clockSafe;
  delete state.volatile.daLockoutTimer;
  delete state.volatile.daSelfHealTimer;
  return state;
}

/** Where two states differ (up to `limit` paths): cheap to print, unlike a diff of the whole state. */
export function stateDiff(a: unknown, b: unknown, limit = 8): string[] {
  const out: string[] = [];
  const walk = (x: unknown, y: unknown, path: string) => {
    if (out.length >= limit || Object.is(x, y)) return;
    if (x instanceof Uint8Array && y instanceof Uint8Array) {
      if (x.length !== y.length || x.some((v, i) => v !== y[i])) out.push(path);
      return;
    }
    if (x && y && typeof x === 'object' && typeof y === 'object' && Array.isArray(x) === Array.isArray(y)) {
      const keys = new Set([...Object.keys(x), ...Object.keys(y)]);
      for (const k of keys) walk((x as Record<string, unknown>)[k], (y as Record<string, unknown>)[k], `${path}.${k}`);
      return;
    }
    out.push(path);
  };
  walk(a, b, 'state');
  return out;
}

/** Every base response code unmarshalling a value of these types can give (their declared `rc`s and the codec's own). */
export function decodeCodes(types: readonly string[]): Set<number> {
  const out = new Set<number>(Object.values(WIRE_RC));
  const seen = new Set<string>();
  const walk = (t: string) => {
    if (seen.has(t)) return;
    seen.add(t);
    const d = SCHEMA[t];
    if (!d) return;
    if ('rc' in d && typeof d.rc === 'number') out.add(d.rc);
    switch (d.kind) {
      case 'sized':
        walk(d.type);
        break;
      case 'union':
        for (const m of Object.values(d.members)) if (m.type) walk(m.type);
        break;
      case 'struct':
        for (const f of d.fields) {
          if (f.rc !== undefined) out.add(f.rc);
          walk(f.type);
        }
        break;
    }
  };
  for (const t of types) walk(t);
  return out;
}

export interface CodeCheck {
  /** The base code (format-one number and P/S flags removed). */
  base: number;
}

/**
 * The response code `rc` of command `name` is one it may give: a format-one code names a
 * handle, parameter or session that the command has (or none), and its base code is in
 * `allowed` (handler codes) or among the codes unmarshalling the command's handles and
 * parameters can give.
 */
export function checkResponseCode(name: string, rc: number, allowed: ReadonlySet<number>, sessions: number): CodeCheck {
  const d = (COMMANDS as Record<string, CommandDesc>)[name];
  let base = rc;
  if (rc & TPM_RC.RC_FMT1) {
    const n = (rc >>> 8) & 0xf;
    if (rc & TPM_RC.P) {
      expect(n, `0x${rc.toString(16)}: parameter number`).toBeGreaterThanOrEqual(1);
      expect(n, `0x${rc.toString(16)}: parameter number`).toBeLessThanOrEqual(d.params.length);
    } else if (rc & TPM_RC.S) {
      expect(n & 7, `0x${rc.toString(16)}: session number`).toBeGreaterThanOrEqual(1);
      expect(n & 7, `0x${rc.toString(16)}: session number`).toBeLessThanOrEqual(sessions);
    } else {
      expect(n, `0x${rc.toString(16)}: handle number`).toBeLessThanOrEqual(d.handles.length);
    }
    base = rc & 0xbf;
  }
  const decode = decodeCodes([...d.handles.map((h) => h.type), ...d.params.map((p) => p.type)]);
  expect(allowed.has(base) || decode.has(base), `TPM2_${name} answered 0x${rc.toString(16)} (base 0x${base.toString(16)})`).toBe(true);
  return { base };
}
