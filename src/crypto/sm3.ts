// SM3 cryptographic hash (GB/T 32905-2016, identical to GM/T 0004-2012), built on
// noble's Merkle-Damgard base class so that it behaves like noble's own hashes
// (`sm3(msg)`, `sm3.create()`, usable with noble's `hmac`).
import { HashMD } from '@noble/hashes/_md.js';
import { createHasher } from '@noble/hashes/utils.js';

// GB/T 32905-2016 4.1 "Initial value" IV.
const SM3_IV = Uint32Array.from([
  0x7380166f, 0x4914b2b9, 0x172442d7, 0xda8a0600, 0xa96f30bc, 0x163138aa, 0xe38dee4d, 0xb0fb0e4e,
]);

const rotl = (x: number, n: number): number => (x << n) | (x >>> (32 - n));

// GB/T 32905-2016 4.2 "Constants" T_j, pre-rotated: T_ROT[j] = T_j <<< (j mod 32)
// (5.3.3 "Compression function" uses SS1 = ((A <<< 12) + E + (T_j <<< j)) <<< 7).
const T_ROT = /* @__PURE__ */ (() => {
  const t = new Int32Array(64);
  for (let j = 0; j < 64; j++) {
    const tj = j < 16 ? 0x79cc4519 : 0x7a879d8a;
    const r = j % 32;
    t[j] = r === 0 ? tj : rotl(tj, r);
  }
  return t;
})();

// Message expansion scratch (5.3.2 "Message expansion"): W_0..W_67.
// Shared between instances like noble's SHA-256 schedule; wiped after use.
const W = /* @__PURE__ */ new Int32Array(68);

/** Incremental SM3 state (GB/T 32905-2016 5 "Algorithm description"). */
export class SM3 extends HashMD<SM3> {
  // Plain numeric fields keep V8's register allocation happy (see noble's SHA-256).
  private A = SM3_IV[0] | 0;
  private B = SM3_IV[1] | 0;
  private C = SM3_IV[2] | 0;
  private D = SM3_IV[3] | 0;
  private E = SM3_IV[4] | 0;
  private F = SM3_IV[5] | 0;
  private G = SM3_IV[6] | 0;
  private H = SM3_IV[7] | 0;

  constructor() {
    // 512-bit block, 256-bit digest, 64-bit big-endian length (5.2 "Padding").
    super(64, 32, 8, false);
  }

  protected get(): number[] {
    const { A, B, C, D, E, F, G, H } = this;
    return [A, B, C, D, E, F, G, H];
  }

  protected set(A: number, B: number, C: number, D: number, E: number, F: number, G: number, H: number): void {
    this.A = A | 0;
    this.B = B | 0;
    this.C = C | 0;
    this.D = D | 0;
    this.E = E | 0;
    this.F = F | 0;
    this.G = G | 0;
    this.H = H | 0;
  }

  protected process(view: DataView, offset: number): void {
    // 5.3.2 "Message expansion": W_0..W_15 from the block, W_16..W_67 by P1 recurrence.
    // W'_j = W_j xor W_{j+4} is formed on the fly in the rounds.
    for (let i = 0; i < 16; i++, offset += 4) W[i] = view.getUint32(offset, false);
    for (let j = 16; j < 68; j++) {
      const x = W[j - 16] ^ W[j - 9] ^ rotl(W[j - 3], 15);
      // P1(X) = X xor (X <<< 15) xor (X <<< 23)
      W[j] = x ^ rotl(x, 15) ^ rotl(x, 23) ^ rotl(W[j - 13], 7) ^ W[j - 6];
    }
    // 5.3.3 "Compression function" CF(V, B).
    let { A, B, C, D, E, F, G, H } = this;
    for (let j = 0; j < 16; j++) {
      const a12 = rotl(A, 12);
      const ss1 = rotl((a12 + E + T_ROT[j]) | 0, 7);
      const ss2 = ss1 ^ a12;
      // FF_j = GG_j = X xor Y xor Z for 0 <= j <= 15
      const tt1 = ((A ^ B ^ C) + D + ss2 + (W[j] ^ W[j + 4])) | 0;
      const tt2 = ((E ^ F ^ G) + H + ss1 + W[j]) | 0;
      D = C;
      C = rotl(B, 9);
      B = A;
      A = tt1;
      H = G;
      G = rotl(F, 19);
      F = E;
      // P0(X) = X xor (X <<< 9) xor (X <<< 17)
      E = tt2 ^ rotl(tt2, 9) ^ rotl(tt2, 17);
    }
    for (let j = 16; j < 64; j++) {
      const a12 = rotl(A, 12);
      const ss1 = rotl((a12 + E + T_ROT[j]) | 0, 7);
      const ss2 = ss1 ^ a12;
      // FF_j = majority(X, Y, Z), GG_j = (X and Y) or (not X and Z) for 16 <= j <= 63
      const tt1 = (((A & B) | (A & C) | (B & C)) + D + ss2 + (W[j] ^ W[j + 4])) | 0;
      const tt2 = (((E & F) | (~E & G)) + H + ss1 + W[j]) | 0;
      D = C;
      C = rotl(B, 9);
      B = A;
      A = tt1;
      H = G;
      G = rotl(F, 19);
      F = E;
      E = tt2 ^ rotl(tt2, 9) ^ rotl(tt2, 17);
    }
    // V_{i+1} = ABCDEFGH xor V_i
    this.set(A ^ this.A, B ^ this.B, C ^ this.C, D ^ this.D, E ^ this.E, F ^ this.F, G ^ this.G, H ^ this.H);
  }

  protected roundClean(): void {
    W.fill(0);
  }

  destroy(): void {
    this.destroyed = true;
    this.set(0, 0, 0, 0, 0, 0, 0, 0);
    this.buffer.fill(0);
  }

  _cloneInto(to?: SM3): SM3 {
    const target = to ?? new SM3();
    target.set(this.A, this.B, this.C, this.D, this.E, this.F, this.G, this.H);
    return this._cloneIntoMeta(target);
  }
}

/** SM3 digest of msg: `sm3(msg)`; incremental: `sm3.create().update(a).update(b).digest()`. */
export const sm3 = /* @__PURE__ */ createHasher(() => new SM3());
