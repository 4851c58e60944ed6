export {
  createEntitySignals,
  entitySignalsChannel,
} from './createEntitySignals';
export { signalingPromotionStore } from './signalingPromotionStore';
