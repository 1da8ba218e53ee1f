/**
 * Bytes received on a stream, kept until a whole message is there: TCP delivers a message in
 * any number of pieces (a header and a body in separate segments, or several messages at once).
 */
export class ByteQueue {
  private chunks: Buffer[] = [];
  private total = 0;

  get length(): number {
    return this.total;
  }

  push(chunk: Buffer): void {
    if (chunk.length === 0) return;
    this.chunks.push(chunk);
    this.total += chunk.length;
  }

  /** The first `n` bytes in one contiguous Buffer (n <= length), without consuming them. */
  private head(n: number): Buffer {
    if (n === 0) return Buffer.alloc(0);
    const first = this.chunks[0];
    if (first.length >= n) return first;
    const merged = Buffer.concat(this.chunks, this.total);
    this.chunks = [merged];
    return merged;
  }

  u8(offset: number): number {
    return this.head(offset + 1)[offset];
  }

  u16(offset: number): number {
    return this.head(offset + 2).readUInt16BE(offset);
  }

  u32(offset: number): number {
    return this.head(offset + 4).readUInt32BE(offset);
  }

  bigU64(offset: number): bigint {
    return this.head(offset + 8).readBigUInt64BE(offset);
  }

  /** Removes and returns the first `n` bytes (a copy, so later reuse of chunks cannot alias it). */
  take(n: number): Buffer {
    if (n > this.total) throw new RangeError(`ByteQueue: ${n} bytes wanted, ${this.total} held`);
    const h = this.head(n);
    const out = Buffer.from(h.subarray(0, n));
    this.skipHead(h, n);
    return out;
  }

  skip(n: number): void {
    if (n > this.total) throw new RangeError(`ByteQueue: ${n} bytes wanted, ${this.total} held`);
    this.skipHead(this.head(n), n);
  }

  private skipHead(h: Buffer, n: number): void {
    if (n === 0) return;
    if (h.length === n) this.chunks.shift();
    else this.chunks[0] = h.subarray(n);
    this.total -= n;
  }

  clear(): void {
    this.chunks = [];
    this.total = 0;
  }
}

/** Big-endian u32 fields as one Buffer (the simulator protocols' integers). */
export function u32s(...values: number[]): Buffer {
  const b = Buffer.allocUnsafe(4 * values.length);
  values.forEach((v, i) => b.writeUInt32BE(v >>> 0, 4 * i));
  return b;
}
