/** Where an area alert's CAP document is published: the alert handler links to it, the public routes serve it. */
export const capPath = (alertId: string) => `/public/cap/${alertId}.xml`;
