import { DomainRuleViolation } from '../decider';

/**
 * Geohash cells (base 32, no a/i/l/o). Members share where they are only at neighbourhood size:
 * precision 6 is a cell of about 1.2 km × 0.6 km.
 */
export const GEOHASH_ALPHABET = '0123456789bcdefghjkmnpqrstuvwxyz';
export const NEIGHBOURHOOD_PRECISION = 6;

const GEOHASH = new RegExp(`^[${GEOHASH_ALPHABET}]+$`);

export interface GeoPoint {
  readonly lat: number;
  readonly lon: number;
}

export function isGeohash(text: string, precision: number): boolean {
  return text.length === precision && GEOHASH.test(text);
}

export function isValidPoint(point: GeoPoint): boolean {
  return Number.isFinite(point.lat) && Number.isFinite(point.lon) && point.lat >= -90 && point.lat <= 90 && point.lon >= -180 && point.lon <= 180;
}

/** The cell of `precision` characters that holds the point (intervals are closed below, open above). */
export function encodeGeohash(point: GeoPoint, precision: number): string {
  const lat = { min: -90, max: 90 };
  const lon = { min: -180, max: 180 };
  let hash = '';
  let bits = 0;
  let value = 0;
  let evenBit = true; // bits alternate longitude, latitude, longitude, ...
  while (hash.length < precision) {
    const range = evenBit ? lon : lat;
    const coordinate = evenBit ? point.lon : point.lat;
    const mid = (range.min + range.max) / 2;
    value <<= 1;
    if (coordinate >= mid) {
      value |= 1;
      range.min = mid;
    } else {
      range.max = mid;
    }
    evenBit = !evenBit;
    if (++bits === 5) {
      hash += GEOHASH_ALPHABET[value];
      bits = 0;
      value = 0;
    }
  }
  return hash;
}

export interface GeohashRule {
  /** The input field, named in the refusal. */
  readonly field: string;
  readonly minLength: number;
  readonly maxLength: number;
  /** The refusal's code (default INVALID_LOCATION). */
  readonly code?: string;
}

/**
 * A geohash cell or prefix from outside, lowercased, or a DomainRuleViolation naming the field. Checked where
 * it enters, because decoding a malformed cell later fails as an internal error.
 */
export function geohashCell(text: string, rule: GeohashRule): string {
  const cell = text.trim().toLowerCase();
  if (cell.length < rule.minLength || cell.length > rule.maxLength || !GEOHASH.test(cell)) {
    const size = rule.minLength === rule.maxLength ? `${rule.minLength}` : `${rule.minLength} to ${rule.maxLength}`;
    throw new DomainRuleViolation(
      rule.code ?? 'INVALID_LOCATION',
      `${rule.field} must be a geohash of ${size} characters from "${GEOHASH_ALPHABET}"`,
      rule.field,
    );
  }
  return cell;
}
