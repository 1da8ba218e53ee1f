/**
 * One accepted TCP connection of a simulator server: bytes accumulate in a ByteQueue and a
 * protocol's `step` parses one complete message at a time. Replies go out in a single write with
 * Nagle off. A framing fault drops this connection only, with one log line.
 */
import type { Socket } from 'node:net';
import { ByteQueue } from './byte-queue.js';

/** Where servers write their log lines (console fits). */
export interface Logger {
  warn(message: string): void;
  info?(message: string): void;
}

/** Malformed framing: the connection is dropped, nothing else is affected. */
export class FramingError extends Error {}

export interface Conn {
  /** "mssim command 127.0.0.1:40312" (for log lines). */
  readonly label: string;
  /** Sends one reply in one write. */
  reply(data: Buffer): void;
  /** Ends this connection quietly (a protocol-defined end, e.g. SESSION_END). */
  end(): void;
  readonly closed: boolean;
}

/**
 * Parses and handles one message from the front of `q`. Returns false when the message is not
 * complete yet (nothing consumed). Throws FramingError for malformed framing.
 */
export type Step = (q: ByteQueue, conn: Conn) => boolean;

/** Writes queued beyond this pause reading from a client that does not read its replies. */
const HIGH_WATER = 4 * 1024 * 1024;

export function attachConnection(socket: Socket, name: string, step: Step, logger: Logger, onClose: () => void): Conn {
  socket.setNoDelay(true);
  const q = new ByteQueue();
  let closed = false;
  let paused = false;
  const label = `${name} ${socket.remoteAddress ?? '?'}:${socket.remotePort ?? '?'}`;

  const conn: Conn = {
    label,
    reply(data) {
      if (!closed) socket.write(data);
    },
    end() {
      if (closed) return;
      closed = true;
      q.clear();
      socket.end();
    },
    get closed() {
      return closed;
    },
  };

  const drop = (reason: string) => {
    if (closed) return;
    logger.warn(`vtpm: ${label}: connection dropped: ${reason}`);
    closed = true;
    q.clear();
    socket.destroySoon(); // after any reply already written
  };

  const pump = () => {
    while (!closed && !paused && q.length > 0) {
      let progressed: boolean;
      try {
        progressed = step(q, conn);
      } catch (e) {
        drop(e instanceof FramingError ? e.message : `internal error: ${e instanceof Error ? e.message : String(e)}`);
        return;
      }
      if (!progressed) return;
      if (socket.writableLength > HIGH_WATER) {
        paused = true;
        socket.pause();
        socket.once('drain', () => {
          paused = false;
          socket.resume();
          pump();
        });
      }
    }
  };

  socket.on('data', (chunk: Buffer) => {
    if (closed) return;
    q.push(chunk);
    pump();
  });
  socket.on('error', () => {
    // A reset by the peer: nothing to do beyond closing.
  });
  socket.on('close', () => {
    closed = true;
    q.clear();
    onClose();
  });
  return conn;
}
