/**
 * The environments collator module for @backstage/plugin-search-backend.
 *
 * @packageDocumentation
 */

export { searchModuleEnvironmentsCollator as default } from './module';
export { EnvironmentsCollatorFactory } from './collator/EnvironmentsCollatorFactory';
export type {
  EnvironmentDocument,
  EnvironmentsCollatorFactoryOptions,
} from './collator/EnvironmentsCollatorFactory';
