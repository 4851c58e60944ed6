export { createLiveStateReader } from './createLiveStateReader';
export type { LiveStateReaderOptions } from './createLiveStateReader';
export * from './types';
