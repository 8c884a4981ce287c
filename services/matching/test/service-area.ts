/** A pod's service area for the tests: a square of about 2 km around a point. */
export function squareAround(lat: number, lon: number) {
  return {
    type: 'Polygon' as const,
    coordinates: [
      [
        [lon - 0.01, lat - 0.01],
        [lon + 0.01, lat - 0.01],
        [lon + 0.01, lat + 0.01],
        [lon - 0.01, lat + 0.01],
        [lon - 0.01, lat - 0.01],
      ] as [number, number][],
    ],
  };
}
