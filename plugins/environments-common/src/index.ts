/**
 * Common types, annotations, permissions and the HTTP client of the environments plugin.
 *
 * @packageDocumentation
 */

export * from './annotations';
export * from './permissions';
export * from './types';
export * from './matrix';
export * from './promotions';
export * from './newEnvironment';
export * from './client';
