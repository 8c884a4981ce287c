import { GEOHASH_ALPHABET, type GeoPoint } from './geohash';
import type { GeoPolygon } from './geo-polygon';

/** The rectangle a geohash cell covers. */
export interface GeohashBounds {
  readonly minLat: number;
  readonly maxLat: number;
  readonly minLon: number;
  readonly maxLon: number;
}

/** The bounds of a geohash cell; throws on a character outside the geohash alphabet. */
export function decodeGeohashBounds(cell: string): GeohashBounds {
  const lat = { min: -90, max: 90 };
  const lon = { min: -180, max: 180 };
  let evenBit = true;
  for (const character of cell) {
    const value = GEOHASH_ALPHABET.indexOf(character);
    if (value < 0) throw new Error(`"${cell}" is not a geohash: "${character}" is not in its alphabet`);
    for (let bit = 4; bit >= 0; bit--) {
      const range = evenBit ? lon : lat;
      const mid = (range.min + range.max) / 2;
      if ((value >> bit) & 1) range.min = mid;
      else range.max = mid;
      evenBit = !evenBit;
    }
  }
  return { minLat: lat.min, maxLat: lat.max, minLon: lon.min, maxLon: lon.max };
}

/** The centre of a geohash cell: where a member sharing only that cell is taken to be. */
export function geohashCenter(cell: string): GeoPoint {
  const bounds = decodeGeohashBounds(cell);
  return { lat: (bounds.minLat + bounds.maxLat) / 2, lon: (bounds.minLon + bounds.maxLon) / 2 };
}

/** Even-odd ray casting over one ring of [lon, lat] positions (points on an edge may fall either way). */
function insideRing(point: GeoPoint, ring: readonly (readonly [number, number])[]): boolean {
  let inside = false;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const [xi, yi] = ring[i]!;
    const [xj, yj] = ring[j]!;
    const crosses = yi > point.lat !== yj > point.lat && point.lon < ((xj - xi) * (point.lat - yi)) / (yj - yi) + xi;
    if (crosses) inside = !inside;
  }
  return inside;
}

/** Whether the point lies in the polygon's outline and in none of its holes. */
export function isPointInPolygon(point: GeoPoint, polygon: GeoPolygon): boolean {
  const [outline, ...holes] = polygon.coordinates;
  if (!outline || !insideRing(point, outline)) return false;
  return !holes.some((hole) => insideRing(point, hole));
}

/** Whether a coarse location (a geohash cell, judged by its centre) lies in the polygon. */
export function isCellInPolygon(cell: string, polygon: GeoPolygon): boolean {
  return isPointInPolygon(geohashCenter(cell), polygon);
}
