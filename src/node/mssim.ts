/**
 * The TCG reference simulator's TCP protocol ("mssim"; TpmTcpProtocol.h): a command port for TPM
 * commands and _TPM_Hash_*, and a platform port for power, NV, cancel and physical presence.
 * All integers are u32 big-endian; most requests end with a u32 0 acknowledgement.
 */
import type { ByteQueue } from './byte-queue.js';
import { FramingError, type Step } from './connection.js';
import { MSSIM, MSSIM_ENDPOINT_FLAGS, MSSIM_SERVER_VERSION, mssimResponse } from './protocol.js';
import type { TpmHost } from './host.js';
import { u32s } from './byte-queue.js';

const ACK = u32s(0);

/** u32 length-prefixed field at `offset`: undefined while incomplete; FramingError when over the limit. */
function varLength(q: ByteQueue, offset: number, max: number, what: string): number | undefined {
  if (q.length < offset + 4) return undefined;
  const n = q.u32(offset);
  if (n > max) throw new FramingError(`${what} length ${n} exceeds the limit of ${max} bytes`);
  return q.length < offset + 4 + n ? undefined : n;
}

export function mssimSteps(host: TpmHost): { command: Step; platform: Step } {
  // TPM_GET_COMMAND_RESPONSE_SIZES: the largest command and response seen (and their codes).
  const sizes = { command: 0, commandCode: 0, response: 0, responseCode: 0 };

  const command: Step = (q, conn) => {
    if (q.length < 4) return false;
    const cmd = q.u32(0);
    switch (cmd) {
      case MSSIM.SEND_COMMAND: {
        if (q.length < 5) return false;
        const n = varLength(q, 5, host.maxMessage, 'TPM command');
        if (n === undefined) return false;
        const locality = q.u8(4);
        q.skip(9);
        const body = q.take(n);
        const tpm = host.tpm;
        // The reference answers a powered-off TPM with an empty response.
        const response = tpm.poweredOn ? tpm.execute(body, { locality }) : new Uint8Array(0);
        if (body.length > sizes.command) {
          sizes.command = body.length;
          sizes.commandCode = body.length >= 10 ? body.readUInt32BE(6) : 0;
        }
        if (response.length > sizes.response) {
          sizes.response = response.length;
          sizes.responseCode = response.length >= 10 ? Buffer.from(response.buffer, response.byteOffset, response.byteLength).readUInt32BE(6) : 0;
        }
        conn.reply(mssimResponse(response));
        return true;
      }
      case MSSIM.HASH_START:
        q.skip(4);
        host.hashStart();
        conn.reply(ACK);
        return true;
      case MSSIM.HASH_DATA: {
        const n = varLength(q, 4, host.maxMessage, 'hash data');
        if (n === undefined) return false;
        q.skip(8);
        host.tpm.hashData(q.take(n));
        conn.reply(ACK);
        return true;
      }
      case MSSIM.HASH_END:
        q.skip(4);
        host.tpm.hashEnd();
        conn.reply(ACK);
        return true;
      case MSSIM.REMOTE_HANDSHAKE: {
        if (q.length < 8) return false;
        const clientVersion = q.u32(4);
        q.skip(8);
        if (clientVersion === 0) throw new FramingError('unsupported client version 0 in REMOTE_HANDSHAKE');
        conn.reply(u32s(MSSIM_SERVER_VERSION, MSSIM_ENDPOINT_FLAGS, 0));
        return true;
      }
      case MSSIM.SET_ALTERNATIVE_RESULT:
        if (q.length < 8) return false;
        q.skip(8); // not applicable to a simulator
        conn.reply(ACK);
        return true;
      case MSSIM.SESSION_END:
        q.skip(4);
        conn.end();
        return true;
      case MSSIM.STOP:
        q.skip(4);
        host.stop(conn);
        return true;
      default:
        throw new FramingError(`unknown command-port request ${cmd}`);
    }
  };

  const platform: Step = (q, conn) => {
    if (q.length < 4) return false;
    const cmd = q.u32(0);
    const tpm = host.tpm;
    switch (cmd) {
      case MSSIM.POWER_ON:
        tpm.powerOn(); // ignored while on
        break;
      case MSSIM.POWER_OFF:
        tpm.powerOff();
        break;
      case MSSIM.RESET:
        // A reset signal only applies to a powered TPM.
        if (tpm.poweredOn) tpm.reset();
        break;
      case MSSIM.RESTART:
        // The reference restarts the platform timer; Clock here runs continuously.
        break;
      case MSSIM.PHYS_PRES_ON:
      case MSSIM.PHYS_PRES_OFF:
        tpm.setPhysicalPresence(cmd === MSSIM.PHYS_PRES_ON);
        break;
      case MSSIM.CANCEL_ON:
      case MSSIM.CANCEL_OFF:
        tpm.cancel(cmd === MSSIM.CANCEL_ON);
        break;
      case MSSIM.NV_ON:
        tpm.nvOn();
        break;
      case MSSIM.NV_OFF:
      case MSSIM.KEY_CACHE_ON:
      case MSSIM.KEY_CACHE_OFF:
        // NV is always available; there is no RSA key cache to switch.
        break;
      case MSSIM.TEST_FAILURE_MODE:
        host.forceFailureMode();
        break;
      case MSSIM.GET_COMMAND_RESPONSE_SIZES: {
        q.skip(4);
        conn.reply(Buffer.concat([u32s(16, sizes.command, sizes.commandCode, sizes.response, sizes.responseCode), ACK]));
        sizes.command = sizes.commandCode = sizes.response = sizes.responseCode = 0;
        return true;
      }
      case MSSIM.ACT_GET_SIGNALED:
        if (q.length < 8) return false;
        q.skip(8);
        conn.reply(u32s(0, 0)); // no ACT is implemented: never signaled
        return true;
      case MSSIM.SET_FW_HASH:
      case MSSIM.SET_FW_SVN:
        if (q.length < 8) return false;
        q.skip(8); // firmware identity is fixed by the profile
        conn.reply(ACK);
        return true;
      case MSSIM.SESSION_END:
        q.skip(4);
        conn.end();
        return true;
      case MSSIM.STOP:
        q.skip(4);
        host.stop(conn);
        return true;
      default:
        // The reference answers 1 and disconnects.
        conn.reply(u32s(1));
        throw new FramingError(`unknown platform signal ${cmd}`);
    }
    q.skip(4);
    conn.reply(ACK);
    return true;
  };

  return { command, platform };
}
