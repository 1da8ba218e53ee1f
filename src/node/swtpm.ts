/**
 * The swtpm socket protocol: a data channel carrying raw TPM commands (or, optionally, with the
 * mssim-style header {u32 8, u8 locality, u32 size}), and a control channel with swtpm's CMD_*
 * requests (tpm_ioctl.h): u32 command, a big-endian request struct; the reply starts with a u32
 * TPM 1.2-style result (0 = success).
 */
import { TPM_CC, TPM_RC, TPM_SPEC, TPM_ST, TPM_SU } from '../gen/constants.js';
import { profiles } from '../tpm/profile.js';
import { exportState, importState, MIGRATION_MAGIC, MigrationError, readStateHeader, type ReplayGuard } from '../tpm/migration.js';
import type { ByteQueue } from './byte-queue.js';
import { u32s } from './byte-queue.js';
import { FramingError, type Conn, type Step } from './connection.js';
import type { TpmHost } from './host.js';
import {
  MSSIM,
  mssimResponse,
  PTM_BLOB_TYPE,
  PTM_CAP,
  PTM_RES,
  PTM_STATE_FLAG,
  SWTPM_CMD,
  SWTPM_INFO,
  SWTPM_MAX_STATE_BLOB,
} from './protocol.js';

/** What swtpm's control channel adds to a TPM: running or stopped, locality, buffer size. */
export interface SwtpmHost extends TpmHost {
  /** The TPM-established flag (set by _TPM_Hash_Start, reset from locality 3 or 4). */
  tpmEstablished: boolean;
  /** Replaces the TPM by one restored from `tpm.snapshot()` bytes (throws if they are not one). */
  replaceTpm(snapshot: Uint8Array): void;
  /** swtpm --migration-key: state blobs travel sealed under this key (src/tpm/migration.ts). */
  migration?: SwtpmMigration;
}

export interface SwtpmMigration {
  /** 32 octets. */
  hostKey: Uint8Array;
  /** Generations exported or imported here, per instance: a blob not newer is a replay. */
  replayGuard: ReplayGuard;
}

/** GET_CONFIG flag (tpm_ioctl.h PTM_CONFIG_FLAG_MIGRATION_KEY). */
const PTM_CONFIG_FLAG_MIGRATION_KEY = 0x2;
const isSealed = (b: Uint8Array) => b.length >= 8 && Buffer.from(b.buffer, b.byteOffset, 8).toString('latin1') === MIGRATION_MAGIC;

/** Every capability except SET_DATAFD (a Unix-socket fd passing that TCP cannot do). */
export const SWTPM_CAPS =
  Object.values(PTM_CAP).reduce((a, b) => a | b, 0) & ~PTM_CAP.SET_DATAFD;

/** GET_INFO replies are cut to this size; the client asks again from an offset (ptm_getinfo). */
const GETINFO_CHUNK = 3 * 1024;
const BUFFER_MIN = 1024;

/** A header-only TPM response. */
export function errorResponse(rc: number): Buffer {
  const b = Buffer.alloc(10);
  b.writeUInt16BE(TPM_ST.NO_SESSIONS, 0);
  b.writeUInt32BE(10, 2);
  b.writeUInt32BE(rc >>> 0, 6);
  return b;
}

function shutdownCommand(type: number): Uint8Array {
  const b = Buffer.alloc(12);
  b.writeUInt16BE(TPM_ST.NO_SESSIONS, 0);
  b.writeUInt32BE(12, 2);
  b.writeUInt32BE(TPM_CC.Shutdown, 6);
  b.writeUInt16BE(type, 10);
  return b;
}

const rcOf = (response: Uint8Array) => (response.length >= 10 ? Buffer.from(response.buffer, response.byteOffset, 10).readUInt32BE(6) : -1);

/** Command codes as libtpms lists them: hex ranges ("0x11f-0x122"). */
function codeRanges(codes: number[]): string[] {
  const sorted = [...codes].sort((a, b) => a - b);
  const out: string[] = [];
  for (let i = 0; i < sorted.length; ) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] === sorted[j] + 1) j++;
    const hex = (n: number) => `0x${n.toString(16)}`;
    out.push(i === j ? hex(sorted[i]) : `${hex(sorted[i])}-${hex(sorted[j])}`);
    i = j + 1;
  }
  return out;
}

const algName = (name: string) => name.replace(/^TPM_ALG_/, '').toLowerCase();

export function swtpmSteps(host: SwtpmHost, options: { running?: boolean } = {}) {
  const st = {
    running: options.running ?? true,
    locality: 0,
    bufferSize: host.tpm.profile.limits.MAX_COMMAND_SIZE ?? 4096,
    /** SET_STATEBLOB installed a TPM: the next INIT keeps it instead of power-cycling. */
    restored: false,
    lastCommand: 0,
    /** The sealed blob of the last GET_STATEBLOB at offset 0 (a read from an offset continues it). */
    sealed: undefined as Uint8Array | undefined,
  };

  /** swtpm sends TPM2_Shutdown(STATE), else (CLEAR), before it stops a TPM that was not shut down. */
  const autoShutdown = () => {
    if (!st.running || st.lastCommand === TPM_CC.Shutdown) return;
    for (const type of [TPM_SU.STATE, TPM_SU.CLEAR]) {
      const rc = rcOf(host.tpm.execute(shutdownCommand(type)));
      if (rc === TPM_RC.SUCCESS) {
        st.lastCommand = TPM_CC.Shutdown;
        return;
      }
      if (rc === TPM_RC.INITIALIZE) return;
    }
  };

  const data: Step = (q, conn) => {
    if (q.length < 6) return false;
    const tag = q.u16(0);
    let locality = st.locality;
    let header = false;
    let n: number;
    if (tag !== TPM_ST.NO_SESSIONS && tag !== TPM_ST.SESSIONS && q.u32(0) === MSSIM.SEND_COMMAND) {
      // PTM_CAP_SEND_COMMAND_HEADER: {u32 8, u8 locality, u32 size} before the command.
      if (q.length < 9) return false;
      n = q.u32(5);
      if (n > host.maxMessage) throw new FramingError(`TPM command length ${n} exceeds the limit of ${host.maxMessage} bytes`);
      if (q.length < 9 + n) return false;
      locality = q.u8(4);
      q.skip(9);
      header = true;
    } else {
      n = q.u32(2);
      if (n < 10) throw new FramingError(`TPM command size ${n} is smaller than a command header`);
      if (n > host.maxMessage) throw new FramingError(`TPM command size ${n} exceeds the limit of ${host.maxMessage} bytes`);
      if (q.length < n) return false;
    }
    const command = q.take(n);
    let response: Uint8Array;
    if (!st.running) response = errorResponse(TPM_RC.FAILURE);
    else if (command.length > st.bufferSize) response = errorResponse(TPM_RC.COMMAND_SIZE);
    else {
      response = host.tpm.execute(command, { locality });
      if (command.length >= 10) st.lastCommand = command.readUInt32BE(6);
    }
    if (!header) {
      conn.reply(Buffer.from(response.buffer, response.byteOffset, response.byteLength));
      return true;
    }
    conn.reply(mssimResponse(response));
    return true;
  };

  const info = (flags: bigint): string => {
    const tpm = host.tpm;
    const p = tpm.profile;
    const o: Record<string, unknown> = {};
    if (flags & SWTPM_INFO.TPMSPECIFICATION) o.TPMSpecification = { family: '2.0', level: TPM_SPEC.LEVEL, revision: TPM_SPEC.VERSION };
    if (flags & SWTPM_INFO.TPMATTRIBUTES) {
      const manufacturer = Buffer.from(p.spec.vendor.manufacturer.padEnd(4, ' ').slice(0, 4), 'latin1').readUInt32BE(0);
      const id = (n: number) => `id:${n.toString(16).toUpperCase().padStart(8, '0')}`;
      o.TPMAttributes = { manufacturer: id(manufacturer), version: id(p.spec.vendor.firmwareVersion[0]), model: 'vtpm' };
    }
    if (flags & SWTPM_INFO.TPMFEATURES) o.TPMFeatures = { RSAKeySizes: [...p.rsaKeyBits].sort((a, b) => a - b), CamelliaKeySizes: [] };
    if (flags & SWTPM_INFO.RUNTIME_ALGORITHMS) {
      const names = p.spec.algorithms.map(algName);
      o.RuntimeAlgorithms = { Implemented: names, CanBeDisabled: [], Enabled: names, Disabled: [] };
    }
    if (flags & SWTPM_INFO.RUNTIME_COMMANDS) {
      const codes = codeRanges([...p.commands.keys()]);
      o.RuntimeCommands = { Implemented: codes, CanBeDisabled: [], Enabled: codes, Disabled: [] };
    }
    if (flags & SWTPM_INFO.ACTIVE_PROFILE) o.ActiveProfile = { Name: p.name, Description: p.spec.description };
    if (flags & SWTPM_INFO.AVAILABLE_PROFILES) {
      o.AvailableProfiles = Object.values(profiles).map((s) => ({ Name: s.name, Description: s.description }));
    }
    if (flags & SWTPM_INFO.RUNTIME_ATTRIBUTES) o.RuntimeAttributes = { Implemented: [], CanBeDisabled: [], Enabled: [], Disabled: [] };
    return JSON.stringify(o);
  };

  /**
   * Requests whose struct is a u8 in a 4-byte union: tpm2-tss sends the 1 byte, QEMU all 4 (the
   * padding uninitialised). A control client waits for each reply, so bytes already queued behind
   * the u8 are that padding (as swtpm, which reads one message per recv).
   */
  const skipPadding = (q: ByteQueue) => q.skip(Math.min(3, q.length));

  const res = (conn: Conn, code: number) => conn.reply(u32s(code));

  const control: Step = (q, conn) => {
    if (q.length < 4) return false;
    const cmd = q.u32(0);
    const has = (n: number) => q.length >= 4 + n;
    switch (cmd) {
      case SWTPM_CMD.GET_CAPABILITY:
        q.skip(4);
        conn.reply(u32s(PTM_RES.SUCCESS, SWTPM_CAPS));
        return true;
      case SWTPM_CMD.INIT: {
        if (!has(4)) return false;
        q.skip(8); // init_flags: DELETE_VOLATILE has nothing to delete (volatile state lives in memory)
        autoShutdown();
        if (st.restored) st.restored = false;
        else {
          host.tpm.powerOff();
          host.tpm.powerOn();
        }
        st.running = true;
        st.lastCommand = 0;
        return res(conn, PTM_RES.SUCCESS), true;
      }
      case SWTPM_CMD.STOP:
        q.skip(4);
        autoShutdown();
        st.running = false;
        return res(conn, PTM_RES.SUCCESS), true;
      case SWTPM_CMD.SHUTDOWN:
        q.skip(4);
        autoShutdown();
        st.running = false;
        res(conn, PTM_RES.SUCCESS);
        host.stop(conn);
        return true;
      case SWTPM_CMD.GET_TPMESTABLISHED: {
        q.skip(4);
        if (!st.running) return res(conn, PTM_RES.BAD_ORDINAL), true;
        const out = Buffer.alloc(8);
        out[4] = host.tpmEstablished ? 1 : 0;
        conn.reply(out);
        return true;
      }
      case SWTPM_CMD.RESET_TPMESTABLISHED: {
        if (!has(1)) return false;
        const loc = q.u8(4);
        q.skip(5);
        skipPadding(q);
        if (!st.running) return res(conn, PTM_RES.BAD_ORDINAL), true;
        // Only localities 3 and 4 may reset the flag.
        if (loc !== 3 && loc !== 4) return res(conn, PTM_RES.BAD_LOCALITY), true;
        host.tpmEstablished = false;
        return res(conn, PTM_RES.SUCCESS), true;
      }
      case SWTPM_CMD.SET_LOCALITY: {
        if (!has(1)) return false;
        const loc = q.u8(4);
        q.skip(5);
        skipPadding(q);
        if (loc > 4) return res(conn, PTM_RES.BAD_LOCALITY), true;
        st.locality = loc;
        return res(conn, PTM_RES.SUCCESS), true;
      }
      case SWTPM_CMD.HASH_START:
        q.skip(4);
        if (!st.running) return res(conn, PTM_RES.BAD_ORDINAL), true;
        host.hashStart();
        return res(conn, PTM_RES.SUCCESS), true;
      case SWTPM_CMD.HASH_DATA: {
        if (!has(4)) return false;
        const n = q.u32(4);
        if (n > host.maxMessage) throw new FramingError(`CMD_HASH_DATA length ${n} exceeds the limit of ${host.maxMessage} bytes`);
        if (!has(4 + n)) return false;
        q.skip(8);
        const bytes = q.take(n);
        if (!st.running) return res(conn, PTM_RES.BAD_ORDINAL), true;
        host.tpm.hashData(bytes);
        return res(conn, PTM_RES.SUCCESS), true;
      }
      case SWTPM_CMD.HASH_END:
        q.skip(4);
        if (!st.running) return res(conn, PTM_RES.BAD_ORDINAL), true;
        host.tpm.hashEnd();
        return res(conn, PTM_RES.SUCCESS), true;
      case SWTPM_CMD.CANCEL_TPM_CMD:
      case SWTPM_CMD.STORE_VOLATILE:
        // Commands run to completion synchronously; volatile state lives in memory (snapshot() has it).
        q.skip(4);
        return res(conn, st.running ? PTM_RES.SUCCESS : PTM_RES.BAD_ORDINAL), true;
      case SWTPM_CMD.GET_STATEBLOB: {
        if (!has(12)) return false;
        const type = q.u32(8);
        const offset = q.u32(12);
        q.skip(16);
        if (!st.running) return res(conn, PTM_RES.BAD_ORDINAL), true;
        const known = type === PTM_BLOB_TYPE.PERMANENT || type === PTM_BLOB_TYPE.VOLATILE || type === PTM_BLOB_TYPE.SAVESTATE;
        // The whole TPM travels as the PERMANENT blob; VOLATILE and SAVESTATE are empty. With a
        // migration key it is sealed; as in swtpm, that layer is marked inside the blob, and the
        // reply's PTM_STATE_FLAG_ENCRYPTED (the state-file key's layer) stays clear.
        let blob: Buffer = Buffer.alloc(0);
        if (known && type === PTM_BLOB_TYPE.PERMANENT) {
          const m = host.migration;
          if (!m) blob = Buffer.from(host.tpm.snapshot());
          else {
            if (offset === 0 || !st.sealed) {
              st.sealed = exportState(host.tpm, { hostKey: m.hostKey });
              const h = readStateHeader(st.sealed);
              m.replayGuard.accept(h.instanceId, h.generation);
            }
            blob = Buffer.from(st.sealed.buffer, st.sealed.byteOffset, st.sealed.byteLength);
          }
        }
        const part = offset < blob.length ? blob.subarray(offset) : Buffer.alloc(0);
        conn.reply(Buffer.concat([u32s(known ? PTM_RES.SUCCESS : PTM_RES.FAIL, 0, part.length, part.length), part]));
        return true;
      }
      case SWTPM_CMD.SET_STATEBLOB: {
        if (!has(12)) return false;
        const n = q.u32(12);
        if (n > SWTPM_MAX_STATE_BLOB) throw new FramingError(`CMD_SET_STATEBLOB length ${n} exceeds the limit of ${SWTPM_MAX_STATE_BLOB} bytes`);
        if (!has(12 + n)) return false;
        const flags = q.u32(4);
        const type = q.u32(8);
        q.skip(16);
        const blob = q.take(n);
        if (st.running) return res(conn, PTM_RES.BAD_ORDINAL), true;
        if (type !== PTM_BLOB_TYPE.PERMANENT && type !== PTM_BLOB_TYPE.VOLATILE && type !== PTM_BLOB_TYPE.SAVESTATE) {
          return res(conn, PTM_RES.BAD_PARAMETER), true;
        }
        if (n === 0) return res(conn, PTM_RES.SUCCESS), true;
        const m = host.migration;
        const refuse = (why: string) => {
          host.logger.warn(`vtpm: ${conn.label}: CMD_SET_STATEBLOB: ${why}; the TPM is unchanged`);
          return res(conn, PTM_RES.FAIL), true;
        };
        if (!m && isSealed(blob)) return refuse('a sealed (migration) state blob needs --migration-key');
        if (!m && flags & PTM_STATE_FLAG.ENCRYPTED) return refuse('encrypted state blobs are not supported');
        // With a migration key only sealed blobs are taken (the ENCRYPTED flag may be set or not).
        if (m && !isSealed(blob)) return refuse('a migration key is set: the state blob is not sealed with one');
        try {
          if (!m) host.replaceTpm(blob);
          else {
            const imported = importState(blob, { hostKey: m.hostKey, replayGuard: m.replayGuard, expectProfile: host.tpm.profile.name });
            host.replaceTpm(imported.snapshot);
          }
        } catch (e) {
          return refuse(e instanceof MigrationError ? `${e.message} (${e.reason})` : e instanceof Error ? e.message : String(e));
        }
        st.restored = true;
        return res(conn, PTM_RES.SUCCESS), true;
      }
      case SWTPM_CMD.GET_CONFIG:
        q.skip(4);
        conn.reply(u32s(PTM_RES.SUCCESS, host.migration ? PTM_CONFIG_FLAG_MIGRATION_KEY : 0)); // never a file key
        return true;
      case SWTPM_CMD.SET_DATAFD:
        q.skip(4);
        return res(conn, PTM_RES.BAD_ORDINAL), true;
      case SWTPM_CMD.SET_BUFFERSIZE: {
        if (!has(4)) return false;
        const wanted = q.u32(4);
        q.skip(8);
        if (wanted > 0 && st.running) return res(conn, PTM_RES.BAD_ORDINAL), true;
        if (wanted > 0) st.bufferSize = Math.min(Math.max(wanted, BUFFER_MIN), host.maxMessage);
        conn.reply(u32s(PTM_RES.SUCCESS, st.bufferSize, BUFFER_MIN, host.maxMessage));
        return true;
      }
      case SWTPM_CMD.GET_INFO: {
        if (!has(16)) return false;
        const flags = q.bigU64(4);
        const offset = q.u32(12);
        q.skip(20);
        const text = Buffer.from(info(flags) + '\0', 'utf8');
        if (offset >= text.length - 1) return res(conn, PTM_RES.BAD_PARAMETER), true;
        const part = text.subarray(offset, Math.min(text.length, offset + GETINFO_CHUNK));
        conn.reply(Buffer.concat([u32s(PTM_RES.SUCCESS, text.length, part.length), part]));
        return true;
      }
      case SWTPM_CMD.LOCK_STORAGE:
        if (!has(4)) return false;
        q.skip(8); // storage is this process's own
        return res(conn, PTM_RES.SUCCESS), true;
      default:
        // As swtpm: TPM_BAD_ORDINAL; what else arrived with the request is discarded.
        host.logger.warn(`vtpm: ${conn.label}: unknown control command 0x${cmd.toString(16).padStart(8, '0')}`);
        q.skip(q.length);
        return res(conn, PTM_RES.BAD_ORDINAL), true;
    }
  };

  return { data, control, autoShutdown, state: st };
}
