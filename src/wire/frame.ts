import type { CommandDesc } from './descriptor.js';
import { WIRE_RC, WireError } from './errors.js';
import { Reader } from './reader.js';
import { Writer } from './writer.js';

/** TPM_ST_NO_SESSIONS / TPM_ST_SESSIONS (TPM 2.0 Part 2 "TPM_ST"). */
export const ST_NO_SESSIONS = 0x8001;
export const ST_SESSIONS = 0x8002;
export const HEADER_SIZE = 10;

/** One entry of a command's authorization area (Part 2 "TPMS_AUTH_COMMAND"). */
export interface AuthCommand {
  sessionHandle: number;
  nonce: Uint8Array;
  sessionAttributes: number;
  hmac: Uint8Array;
}

/** One entry of a response's authorization area (Part 2 "TPMS_AUTH_RESPONSE"). */
export interface AuthResponse {
  nonce: Uint8Array;
  sessionAttributes: number;
  hmac: Uint8Array;
}

export interface CommandHeader {
  tag: number;
  size: number;
  code: number;
}

/** A command split into its areas (Part 1 "Command/Response Structure"); parameters stay raw. */
export interface CommandFrame extends CommandHeader {
  handles: number[];
  sessions: AuthCommand[];
  /** Offsets of the parameter area in the command bytes. */
  paramStart: number;
  paramEnd: number;
}

export function readHeader(bytes: Uint8Array): CommandHeader {
  if (bytes.length < HEADER_SIZE) throw new WireError(WIRE_RC.INSUFFICIENT, `a header needs ${HEADER_SIZE} octets, got ${bytes.length}`);
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return { tag: v.getUint16(0), size: v.getUint32(2), code: v.getUint32(6) };
}

function readAuthCommand(r: Reader): AuthCommand {
  const sessionHandle = r.u32();
  const nonce = r.take(r.u16());
  const sessionAttributes = r.u8();
  const hmac = r.take(r.u16());
  return { sessionHandle, nonce, sessionAttributes, hmac };
}

/**
 * Splits a command into header, handles, authorization area and parameter area, with the
 * handle count the declaration gives. Size errors name the area: the caller maps them to
 * TPM_RC_COMMAND_SIZE / TPM_RC_AUTHSIZE as Part 3 "Command Processing" says.
 */
export function splitCommand(bytes: Uint8Array, handleCount: number): CommandFrame {
  const header = readHeader(bytes);
  const r = new Reader(bytes, HEADER_SIZE, Math.min(bytes.length, header.size));
  const handles: number[] = [];
  for (let i = 0; i < handleCount; i++) handles.push(r.u32());
  const sessions: AuthCommand[] = [];
  if (header.tag === ST_SESSIONS) {
    const authSize = r.u32();
    if (authSize > r.remaining) throw new WireError(WIRE_RC.SIZE, `authorizationSize ${authSize} exceeds the ${r.remaining} octets left`);
    const end = r.pos + authSize;
    const outer = r.end;
    r.end = end;
    while (r.pos < end) sessions.push(readAuthCommand(r));
    r.end = outer;
  }
  return { ...header, handles, sessions, paramStart: r.pos, paramEnd: r.end };
}

export function writeAuthCommands(w: Writer, sessions: readonly AuthCommand[]): void {
  const at = w.reserve(4);
  const start = w.pos;
  for (const s of sessions) {
    w.u32(s.sessionHandle);
    w.u16(s.nonce.length);
    w.bytes(s.nonce);
    w.u8(s.sessionAttributes);
    w.u16(s.hmac.length);
    w.bytes(s.hmac);
  }
  w.patch(at, 4, w.pos - start);
}

/** Builds a command: header, handles, sessions (tag SESSIONS when any), parameter octets. */
export function buildCommand(code: number, handles: readonly number[], sessions: readonly AuthCommand[], params: Uint8Array): Uint8Array {
  const w = new Writer(HEADER_SIZE + handles.length * 4 + params.length + 64);
  w.u16(sessions.length ? ST_SESSIONS : ST_NO_SESSIONS);
  const sizeAt = w.reserve(4);
  w.u32(code);
  for (const h of handles) w.u32(h);
  if (sessions.length) writeAuthCommands(w, sessions);
  w.bytes(params);
  w.patch(sizeAt, 4, w.pos);
  return w.finish();
}

export interface ResponseFrame {
  tag: number;
  size: number;
  rc: number;
  handles: number[];
  paramStart: number;
  paramEnd: number;
  sessions: AuthResponse[];
}

/** Splits a response; a non-zero response code carries no further areas. */
export function splitResponse(bytes: Uint8Array, desc: Pick<CommandDesc, 'responseHandles'>): ResponseFrame {
  const h = readHeader(bytes);
  const out: ResponseFrame = { tag: h.tag, size: h.size, rc: h.code, handles: [], paramStart: HEADER_SIZE, paramEnd: HEADER_SIZE, sessions: [] };
  if (h.code !== 0) return out;
  const r = new Reader(bytes, HEADER_SIZE, Math.min(bytes.length, h.size));
  for (let i = 0; i < desc.responseHandles.length; i++) out.handles.push(r.u32());
  if (h.tag === ST_SESSIONS) {
    const paramSize = r.u32();
    r.need(paramSize);
    out.paramStart = r.pos;
    out.paramEnd = r.pos + paramSize;
    r.pos += paramSize;
    while (r.remaining > 0) {
      const nonce = r.take(r.u16());
      const sessionAttributes = r.u8();
      const hmac = r.take(r.u16());
      out.sessions.push({ nonce, sessionAttributes, hmac });
    }
  } else {
    out.paramStart = r.pos;
    out.paramEnd = r.end;
  }
  return out;
}

/** Builds a response: header, handles, parameterSize when sessions are present, sessions. */
export function buildResponse(tag: number, rc: number, handles: readonly number[], params: Uint8Array, sessions: readonly AuthResponse[]): Uint8Array {
  const w = new Writer(HEADER_SIZE + params.length + 64);
  if (rc !== 0) {
    w.u16(ST_NO_SESSIONS);
    w.u32(HEADER_SIZE);
    w.u32(rc);
    return w.finish();
  }
  w.u16(tag);
  const sizeAt = w.reserve(4);
  w.u32(0);
  for (const h of handles) w.u32(h);
  if (tag === ST_SESSIONS) w.u32(params.length);
  w.bytes(params);
  if (tag === ST_SESSIONS) {
    for (const s of sessions) {
      w.u16(s.nonce.length);
      w.bytes(s.nonce);
      w.u8(s.sessionAttributes);
      w.u16(s.hmac.length);
      w.bytes(s.hmac);
    }
  }
  w.patch(sizeAt, 4, w.pos);
  return w.finish();
}
