export { PromotionSteps } from './PromotionSteps';
