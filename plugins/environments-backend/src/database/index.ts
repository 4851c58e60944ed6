export { DatabasePromotionStore } from './DatabasePromotionStore';
export type { NewPromotion, PromotionStore } from './types';
