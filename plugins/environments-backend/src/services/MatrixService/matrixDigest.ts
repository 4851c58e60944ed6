import { createHash } from 'node:crypto';
import { EnvironmentMatrix } from '@stagecraft/plugin-environments-common';

/**
 * What a matrix says, as a hash: equal for two matrices that differ only in when they were
 * computed (`generatedAt`), so a refresh that found nothing new is told from one that did.
 */
export function matrixDigest(matrix: EnvironmentMatrix): string {
  const { generatedAt: _generatedAt, ...content } = matrix;
  return createHash('sha256').update(JSON.stringify(content)).digest('hex');
}
