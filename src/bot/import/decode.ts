/**
 * Turns an uploaded export into text, telling which encoding it was in. Letterboxd and IMDb write
 * UTF-8 (IMDb with a byte-order mark), but a file opened and saved again in a spreadsheet on Windows
 * often comes back as Windows-1252 ("Latin-1"), where "Amélie" is one byte per letter. Decoding that as
 * UTF-8 would turn every accented title into replacement characters that match nothing.
 */

export type ExportEncoding = 'utf-8' | 'utf-16le' | 'windows-1252';

export interface DecodedExport {
  text: string;
  encoding: ExportEncoding;
  /** For the summary: what was assumed about the encoding, when the user should know. */
  note: string | null;
}

const UTF8_BOM = [0xef, 0xbb, 0xbf];
const UTF16LE_BOM = [0xff, 0xfe];
const REPLACEMENT = '\uFFFD';

function startsWith(bytes: Uint8Array, prefix: number[]): boolean {
  return prefix.every((b, i) => bytes[i] === b);
}

/**
 * Decodes the bytes of an export: UTF-8 with or without a byte-order mark; UTF-16 when it starts with
 * its byte-order mark (Excel's "Unicode text"); otherwise, when the bytes are not valid UTF-8
 * (`TextDecoder` with `fatal: true` refuses them), Windows-1252 — every byte sequence is valid there,
 * and it is what a Western European Windows spreadsheet writes — with a note saying so.
 */
export function decodeExportBytes(bytes: Uint8Array): DecodedExport {
  if (startsWith(bytes, UTF16LE_BOM)) {
    return { text: new TextDecoder('utf-16le').decode(bytes.subarray(2)), encoding: 'utf-16le', note: null };
  }
  const body = startsWith(bytes, UTF8_BOM) ? bytes.subarray(3) : bytes;
  try {
    return { text: new TextDecoder('utf-8', { fatal: true }).decode(body), encoding: 'utf-8', note: null };
  } catch {
    return {
      text: new TextDecoder('windows-1252').decode(body),
      encoding: 'windows-1252',
      note: 'Your file was not UTF-8, so I read it as Latin-1 (Windows-1252); if accented titles look wrong, export it again as UTF-8.',
    };
  }
}

/**
 * For content a platform adapter already decoded as UTF-8: the original bytes are gone, so all that can
 * be done is to notice the replacement characters invalid bytes became, and say so.
 */
export function checkDecodedText(text: string): DecodedExport {
  const body = text.startsWith('\uFEFF') ? text.slice(1) : text;
  return {
    text: body,
    encoding: 'utf-8',
    note: body.includes(REPLACEMENT)
      ? 'Some characters in your file were not valid UTF-8 (was it saved as Latin-1?), so titles with accents may not have matched; export it again as UTF-8 to import them.'
      : null,
  };
}

/** Whether text decoded by someone else lost bytes that were not UTF-8. */
export function hasReplacementCharacters(text: string): boolean {
  return text.includes(REPLACEMENT);
}
