export { createNewEnvironmentService } from './createNewEnvironmentService';
export type { NewEnvironmentService } from './types';
