export { DatabasePromotionStore } from './DatabasePromotionStore';
export type {
  Lease,
  LeaseOperation,
  NewPromotion,
  PromotionStore,
  StoredPromotion,
} from './types';
