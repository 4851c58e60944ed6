import { PromotionStore } from '../../database';

/**
 * The store, calling `onChange(entityRef)` after each write that changes a promotion's record:
 * a new record (`create`, `adopt`) or a move (`transition`). Leases (`claim`, `release`) are not
 * changes anyone sees. Every other method is the store's own.
 */
export function signalingPromotionStore(
  store: PromotionStore,
  onChange: (entityRef: string) => void,
): PromotionStore {
  const overrides: Partial<PromotionStore> = {
    async create(promotion, options) {
      const result = await store.create(promotion, options);
      if (result.created) {
        onChange(result.promotion.entityRef);
      }
      return result;
    },
    async adopt(promotion) {
      const adopted = await store.adopt(promotion);
      if (adopted) {
        onChange(promotion.entityRef);
      }
      return adopted;
    },
    async transition(id, change) {
      const moved = await store.transition(id, change);
      if (moved) {
        onChange(moved.entityRef);
      }
      return moved;
    },
  };
  return new Proxy(store, {
    get(target, property) {
      if (Object.prototype.hasOwnProperty.call(overrides, property)) {
        return overrides[property as keyof PromotionStore];
      }
      const value = Reflect.get(target, property, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}
