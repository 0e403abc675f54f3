import { accountEndpoints } from './account-endpoints.ts';
import type { Endpoint } from './endpoint.ts';
import { tenantEndpoints } from './tenant-endpoints.ts';

/** Every operation of /admin/v1, in the order the OpenAPI document lists them. */
export const endpoints: Endpoint[] = [...tenantEndpoints, ...accountEndpoints];
