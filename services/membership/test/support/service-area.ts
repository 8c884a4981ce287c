/** A pod's service area in Lisbon (Arroios), closed ring, for tests that create pods or pod applications. */
export const ARROIOS_SERVICE_AREA = {
  type: 'Polygon',
  coordinates: [
    [
      [-9.1395, 38.7255],
      [-9.129, 38.7255],
      [-9.129, 38.734],
      [-9.1395, 38.734],
      [-9.1395, 38.7255],
    ],
  ],
};
