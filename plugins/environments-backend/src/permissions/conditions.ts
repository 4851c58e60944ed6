import { createConditionExports } from '@backstage/plugin-permission-node';
import { environmentsPromotionPermissionResourceRef } from './promotionResource';
import { environmentsPromotionRules } from './rules';

const exports = createConditionExports({
  resourceRef: environmentsPromotionPermissionResourceRef,
  rules: environmentsPromotionRules,
});

/**
 * Conditions for policies on `environments.promotion.create`, e.g.
 * `environmentsPromotionConditions.isEntityOwner({ claims: user.info.ownershipEntityRefs })`.
 *
 * @public
 */
export const environmentsPromotionConditions = exports.conditions;

/**
 * Wraps conditions into a conditional decision for `environments.promotion.create`.
 *
 * @public
 */
export const createEnvironmentsPromotionConditionalDecision =
  exports.createConditionalDecision;
