/**
 * What a file is, by its own first bytes (magic numbers), never by its name or a declared type:
 * a receipt renamed `.pdf` that is really an HTML page is refused. Pure.
 */
export const CONTENT_TYPES = ['application/pdf', 'image/jpeg', 'image/png', 'image/heic'] as const;
export type ContentType = (typeof CONTENT_TYPES)[number];

/** How many leading bytes `sniffContentType` needs. */
export const SNIFF_BYTES = 16;

/** ISO BMFF brands of HEIF images (still images and sequences, HEVC-coded or not). */
const HEIF_BRANDS = new Set(['heic', 'heix', 'hevc', 'hevx', 'heim', 'heis', 'hevm', 'hevs', 'mif1', 'msf1']);

const startsWith = (bytes: Uint8Array, signature: readonly number[], offset = 0) =>
  bytes.length >= offset + signature.length && signature.every((byte, i) => bytes[offset + i] === byte);

const ascii = (bytes: Uint8Array, from: number, to: number) => String.fromCharCode(...bytes.subarray(from, to));

/** The content type the bytes are, among those accepted; undefined for anything else. */
export function sniffContentType(head: Uint8Array): ContentType | undefined {
  if (startsWith(head, [0x25, 0x50, 0x44, 0x46, 0x2d])) return 'application/pdf'; // %PDF-
  if (startsWith(head, [0xff, 0xd8, 0xff])) return 'image/jpeg';
  if (startsWith(head, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'image/png';
  // ISO BMFF: a box size, then `ftyp` and the major brand.
  if (head.length >= 12 && ascii(head, 4, 8) === 'ftyp' && HEIF_BRANDS.has(ascii(head, 8, 12))) return 'image/heic';
  return undefined;
}
