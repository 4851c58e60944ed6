export type { EntityEnvironmentsService } from './types';
export { createEntityEnvironmentsService } from './createEntityEnvironmentsService';
