/** Growable big-endian writer (TPM 2.0 Part 1 "Canonical Byte Order"). */
export class Writer {
  private buf: Uint8Array;
  private view: DataView;
  pos = 0;

  constructor(initialSize = 256) {
    this.buf = new Uint8Array(initialSize);
    this.view = new DataView(this.buf.buffer);
  }

  private ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.pos + n) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.buf.subarray(0, this.pos));
    this.buf = next;
    this.view = new DataView(next.buffer);
  }

  u8(v: number): void {
    this.ensure(1);
    this.buf[this.pos++] = v;
  }
  u16(v: number): void {
    this.ensure(2);
    this.view.setUint16(this.pos, v);
    this.pos += 2;
  }
  u32(v: number): void {
    this.ensure(4);
    this.view.setUint32(this.pos, v >>> 0);
    this.pos += 4;
  }
  u64(v: bigint): void {
    this.ensure(8);
    this.view.setBigUint64(this.pos, v);
    this.pos += 8;
  }
  i8(v: number): void {
    this.ensure(1);
    this.view.setInt8(this.pos++, v);
  }
  i16(v: number): void {
    this.ensure(2);
    this.view.setInt16(this.pos, v);
    this.pos += 2;
  }
  i32(v: number): void {
    this.ensure(4);
    this.view.setInt32(this.pos, v);
    this.pos += 4;
  }
  i64(v: bigint): void {
    this.ensure(8);
    this.view.setBigInt64(this.pos, v);
    this.pos += 8;
  }
  bytes(b: Uint8Array): void {
    this.ensure(b.length);
    this.buf.set(b, this.pos);
    this.pos += b.length;
  }
  /** Reserve a big-endian length of `width` octets to fill in later with `patch`. */
  reserve(width: 1 | 2 | 4): number {
    this.ensure(width);
    const at = this.pos;
    this.pos += width;
    return at;
  }
  patch(at: number, width: 1 | 2 | 4, v: number): void {
    if (width === 1) this.buf[at] = v;
    else if (width === 2) this.view.setUint16(at, v);
    else this.view.setUint32(at, v >>> 0);
  }
  /** Start over, keeping the buffer (a scratch writer reused command after command). */
  reset(): this {
    this.pos = 0;
    return this;
  }
  /** A view of written octets [start, end) (no copy; valid until the next write). */
  written(start: number, end: number): Uint8Array {
    return this.buf.subarray(start, end);
  }
  /** The written octets (a copy). */
  finish(): Uint8Array {
    return this.buf.slice(0, this.pos);
  }
}
