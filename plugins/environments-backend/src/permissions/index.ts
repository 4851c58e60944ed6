export {
  environmentsPromotionPermissionResourceRef,
  parsePromotionResourceRef,
  toPromotionResourceRef,
} from './promotionResource';
export type {
  EnvironmentsPromotionQuery,
  EnvironmentsPromotionResource,
} from './promotionResource';
export {
  environmentsPromotionRules,
  isEntityOwner,
  isTargetEnvironment,
} from './rules';
export {
  createEnvironmentsPromotionConditionalDecision,
  environmentsPromotionConditions,
} from './conditions';
