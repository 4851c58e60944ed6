import { createRouteRef } from '@backstage/frontend-plugin-api';

/** The portfolio page. */
export const rootRouteRef = createRouteRef();
