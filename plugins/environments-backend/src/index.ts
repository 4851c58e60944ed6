export { environmentsPlugin as default } from './plugin';
export {
  createEnvironmentsPromotionConditionalDecision,
  environmentsPromotionConditions,
  environmentsPromotionPermissionResourceRef,
  environmentsPromotionRules,
} from './permissions';
export type {
  EnvironmentsPromotionQuery,
  EnvironmentsPromotionResource,
} from './permissions';
