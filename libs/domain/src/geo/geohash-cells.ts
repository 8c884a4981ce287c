import { encodeGeohash, type GeoPoint } from './geohash';
import { decodeGeohashBounds, geohashCenter } from './point-in-area';

/**
 * The cell and its eight neighbours at the same precision (fewer at the poles; longitude wraps around).
 * A search over these nine cells finds everything within one cell's size of any point in the middle one.
 */
export function geohashWithNeighbours(cell: string): string[] {
  const box = decodeGeohashBounds(cell);
  const height = box.maxLat - box.minLat;
  const width = box.maxLon - box.minLon;
  const center = geohashCenter(cell);
  const cells = new Set<string>();
  for (const dLat of [-1, 0, 1]) {
    for (const dLon of [-1, 0, 1]) {
      const lat = center.lat + dLat * height;
      if (lat <= -90 || lat >= 90) continue;
      let lon = center.lon + dLon * width;
      if (lon >= 180) lon -= 360;
      if (lon < -180) lon += 360;
      cells.add(encodeGeohash({ lat, lon }, cell.length));
    }
  }
  return [...cells];
}

const EARTH_RADIUS_KM = 6371.0088;

/** Great-circle distance (haversine) in kilometres. */
export function distanceKm(a: GeoPoint, b: GeoPoint): number {
  const rad = Math.PI / 180;
  const dLat = (b.lat - a.lat) * rad;
  const dLon = (b.lon - a.lon) * rad;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(a.lat * rad) * Math.cos(b.lat * rad) * Math.sin(dLon / 2) ** 2;
  return 2 * EARTH_RADIUS_KM * Math.asin(Math.min(1, Math.sqrt(h)));
}

/** Distance between the middles of two cells, in kilometres. */
export function cellDistanceKm(a: string, b: string): number {
  return distanceKm(geohashCenter(a), geohashCenter(b));
}
