/**
 * Repairing text that was decoded with the wrong character set ("mojibake"). vega-datasets' movies.json
 * holds Windows-1252 bytes that were read as Mac Roman ("AmÈlie" for "Amélie": é is 0xE9 in Windows-1252,
 * and 0xE9 is "È" in Mac Roman). The repair undoes exactly that: encode with the charset that was wrongly
 * used, decode with the right one, and keep the result only when it is clean.
 */

/** A wrong decoding we know how to undo: text was `encoded` bytes read as `readAs`. */
interface Misreading {
  readAs: string;
  encoded: string;
}

/**
 * The misreadings tried, in order. Windows-1252 read as Mac Roman is vega's; UTF-8 read as Windows-1252
 * ("AmÃ©lie") or as Mac Roman ("Am√©lie") are the usual others.
 */
const MISREADINGS: Misreading[] = [
  { readAs: 'macintosh', encoded: 'windows-1252' },
  { readAs: 'windows-1252', encoded: 'utf-8' },
  { readAs: 'macintosh', encoded: 'utf-8' },
];

/**
 * Windows-1252 bytes 0x80–0x9F (WHATWG Encoding Standard, index-windows-1252.txt); the rest is Latin-1.
 * Node 20's TextDecoder('windows-1252') decodes these as Latin-1 C1 controls, so they are spelled out
 * here. Empty strings are the five bytes the index leaves undefined.
 */
const WINDOWS_1252_HIGH = '€,,‚,ƒ,„,…,†,‡,ˆ,‰,Š,‹,Œ,,Ž,,,‘,’,“,”,•,–,—,˜,™,š,›,œ,,ž,Ÿ'.split(',');

const byteTables = new Map<string, string[]>();

/** The character each byte of a single-byte charset stands for ('' when undefined). */
function byteChars(charset: string): string[] {
  let table = byteTables.get(charset);
  if (!table) {
    table = buildByteChars(charset);
    byteTables.set(charset, table);
  }
  return table;
}

function buildByteChars(charset: string): string[] {
  if (charset === 'windows-1252') {
    return Array.from({ length: 256 }, (_, b) =>
      b >= 0x80 && b <= 0x9f ? WINDOWS_1252_HIGH[b - 0x80]! : String.fromCharCode(b),
    );
  }
  const decoder = new TextDecoder(charset);
  return Array.from({ length: 256 }, (_, b) => decoder.decode(new Uint8Array([b])));
}

/** Character → byte for a single-byte charset. */
const encoders = new Map<string, Map<string, number>>();
function encoderFor(charset: string): Map<string, number> {
  let table = encoders.get(charset);
  if (!table) {
    table = new Map();
    byteChars(charset).forEach((ch, b) => {
      if (ch !== '') table!.set(ch, b);
    });
    encoders.set(charset, table);
  }
  return table;
}

/** Bytes → text in `charset`; undefined when a byte has no character in it or the UTF-8 is malformed. */
function decode(bytes: Uint8Array, charset: string): string | undefined {
  if (charset === 'utf-8') {
    try {
      return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    } catch {
      return undefined;
    }
  }
  const chars = byteChars(charset);
  let out = '';
  for (const b of bytes) {
    if (chars[b] === '') return undefined;
    out += chars[b];
  }
  return out;
}

/** C0/C1 control characters and U+FFFD: never in a title, so a decoding that yields them is wrong. */
const INVALID = /[\p{Cc}\ufffd]/u;

/**
 * Patterns that real titles and names practically never have, and mojibake nearly always does:
 * an accented capital after a lower-case letter ("AmÈlie"), or between a capital and a lower-case letter
 * ("LÈon"); a non-ASCII symbol or modifier glued to the end of a letter or digit ("DÈj‡", "pi˘");
 * a Greek letter glued to a Latin letter or digit ("2Ω"); a lone non-ASCII capital as a word ("You Ö Don't").
 */
const SUSPICIOUS: RegExp[] = [
  /\p{Ll}(?=[^\p{ASCII}])\p{Lu}/gu,
  /\p{Lu}(?=[^\p{ASCII}])\p{Lu}\p{Ll}/gu,
  /[\p{L}\p{N}](?=[^\p{ASCII}])[^\p{L}\p{N}\p{Z}]/gu,
  /[\p{Script=Latin}\p{N}]\p{Script=Greek}/gu,
  /(?<=^|\s)(?=[^\p{ASCII}])\p{Lu}(?=\s|$)/gu,
];

/** How many mojibake-looking spots `text` has (0 for clean text). */
export function mojibakeScore(text: string): number {
  let score = 0;
  for (const pattern of SUSPICIOUS) score += text.match(pattern)?.length ?? 0;
  return score;
}

/** `text` re-read as intended, or undefined when some character cannot have come from `m.readAs`. */
function reread(text: string, m: Misreading): string | undefined {
  const table = encoderFor(m.readAs);
  const bytes = new Uint8Array(text.length);
  let n = 0;
  for (const ch of text) {
    const b = table.get(ch);
    if (b === undefined) return undefined;
    bytes[n++] = b;
  }
  return decode(bytes.subarray(0, n), m.encoded);
}

/**
 * Undoes a wrong decoding when there is clear evidence of one: `text` looks mis-decoded
 * ({@link mojibakeScore} > 0), and re-encoding it with the wrongly used charset and decoding with the
 * right one gives valid text with no suspicious spot left. Anything else is returned unchanged, so clean
 * text ("Alien³", "À bout de souffle", "Ri¢hie Ri¢h") is never touched.
 */
export function repairMojibake(text: string): string {
  if (!/[^\p{ASCII}]/u.test(text) || mojibakeScore(text) === 0) return text;
  for (const m of MISREADINGS) {
    const candidate = reread(text, m);
    if (
      candidate !== undefined &&
      candidate !== text &&
      !INVALID.test(candidate) &&
      mojibakeScore(candidate) === 0
    ) {
      return candidate.normalize('NFC');
    }
  }
  return text;
}
