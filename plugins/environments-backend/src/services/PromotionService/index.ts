export { createPromotionService } from './createPromotionService';
export type { PromotionService } from './types';
export {
  readEnvironmentPolicies,
  defaultEnvironmentPolicies,
} from './environmentPolicies';
export type {
  EnvironmentPolicies,
  EnvironmentPolicy,
} from './environmentPolicies';
