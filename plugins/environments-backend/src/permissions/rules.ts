import { createPermissionRule } from '@backstage/plugin-permission-node';
import { z } from 'zod';
import { environmentsPromotionPermissionResourceRef } from './promotionResource';

/**
 * Allows promotions whose target environment is one of those given.
 *
 * @public
 */
export const isTargetEnvironment = createPermissionRule({
  name: 'IS_TARGET_ENVIRONMENT',
  description: 'Allow promotions to one of the given environments',
  resourceRef: environmentsPromotionPermissionResourceRef,
  paramsSchema: z.object({
    environments: z
      .array(z.string())
      .describe('Names of target environments, e.g. prod'),
  }),
  apply: (resource, { environments }) => environments.includes(resource.target),
  toQuery: ({ environments }) => ({ key: 'target', values: environments }),
});

/**
 * Allows promotions of entities owned by one of the given claims (the caller's ownership refs).
 *
 * @public
 */
export const isEntityOwner = createPermissionRule({
  name: 'IS_ENTITY_OWNER',
  description: 'Allow promotions of entities owned by one of the given claims',
  resourceRef: environmentsPromotionPermissionResourceRef,
  paramsSchema: z.object({
    claims: z
      .array(z.string())
      .describe('Entity refs, usually the caller’s ownership refs'),
  }),
  apply: (resource, { claims }) =>
    resource.owners.some(owner => claims.includes(owner)),
  toQuery: ({ claims }) => ({ key: 'owners', values: claims }),
});

/** @public */
export const environmentsPromotionRules = {
  isTargetEnvironment,
  isEntityOwner,
};
