export type { MatrixService } from './types';
export { createMatrixService } from './createMatrixService';
