import {
  createPermission,
  ResourcePermission,
} from '@backstage/plugin-permission-common';
import { RESOURCE_TYPE_CATALOG_ENTITY } from '@backstage/plugin-catalog-common/alpha';

/**
 * The resource type of a promotion, so that policies can decide on its entity, owner, source and
 * target environments.
 *
 * @public
 */
export const RESOURCE_TYPE_ENVIRONMENTS_PROMOTION = 'environments-promotion';

/**
 * Reading an entity's environments (matrix, history, portfolio rows). A catalog entity permission:
 * the entity's catalog read rules apply too.
 *
 * @public
 */
export const environmentsEntityReadPermission: ResourcePermission<
  typeof RESOURCE_TYPE_CATALOG_ENTITY
> = createPermission({
  name: 'environments.entity.read',
  attributes: { action: 'read' },
  resourceType: RESOURCE_TYPE_CATALOG_ENTITY,
});

/**
 * Starting a promotion of an entity from one environment to another.
 *
 * @public
 */
export const environmentsPromotionCreatePermission: ResourcePermission<
  typeof RESOURCE_TYPE_ENVIRONMENTS_PROMOTION
> = createPermission({
  name: 'environments.promotion.create',
  attributes: { action: 'create' },
  resourceType: RESOURCE_TYPE_ENVIRONMENTS_PROMOTION,
});

/**
 * Every permission of the environments plugin.
 *
 * @public
 */
export const environmentsPermissions = [
  environmentsEntityReadPermission,
  environmentsPromotionCreatePermission,
];
