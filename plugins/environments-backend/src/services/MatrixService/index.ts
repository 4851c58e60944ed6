export type { MatrixService, PortfolioQuery } from './types';
export { createMatrixService } from './createMatrixService';
