/**
 * Node.js library for the environments plugin: the declared-state engine
 * (GitOps layouts → environments and workloads with provenance) and the
 * `scan` command. Plain functions, no Backstage imports, shared by the
 * backend, the scaffolder module and the command line.
 *
 * @packageDocumentation
 */

export type {
  AutoscalingTarget,
  DeclaredAutoscaling,
  DeclaredContainer,
  DeclaredModel,
  DeclaredWorkload,
  DeployedBy,
  Environment,
  HelmValuesSource,
  ManagedBy,
  Problem,
  ProblemSeverity,
  Provenance,
  ResourceRequirements,
  ValuesLayer,
} from './engine/types';
export type { HelmOptions, HelmValuePaths } from './engine/helm/values';
export {
  scanRepository,
  scanDirectory,
  defaultLayoutReaders,
  DEFAULT_ENVIRONMENT,
} from './engine/scan';
export type { ScanOptions } from './engine/scan';
export type {
  RepositoryFiles,
  RepositoryListing,
} from './engine/files/repositoryFiles';
export { DirectoryFiles } from './engine/files/directoryFiles';
export { MemoryFiles } from './engine/files/memoryFiles';
export { RepoReader } from './engine/files/repoReader';
export { orderEnvironments } from './engine/environments/environmentOrder';
export {
  isSecretKey,
  redactValue,
  redactEntry,
  REDACTED,
} from './engine/redaction/redact';
export type {
  LayoutReader,
  LayoutContext,
  RenderedUnit,
} from './engine/layouts/layoutReader';
export type { Resource } from './engine/resources';
export { Leaf, PROV } from './engine/yaml/tree';
export type { ImageParts, TMap, TNode, TSeq } from './engine/yaml/tree';
export { runCli } from './cli/main';
export type { CliIo } from './cli/main';
export { planVersionChange } from './engine/edit/planVersionChange';
export type {
  FileEdit,
  ImageVersion,
  PlanVersionChangeOptions,
  Version,
  VersionChange,
  VersionChangePlan,
  VersionRefusal,
} from './engine/edit/planVersionChange';
export { planNewEnvironment } from './engine/edit/planNewEnvironment';
export type {
  PlannedEnvironmentValue,
  PlanNewEnvironmentResult,
  EnvironmentQuantities,
  PlanNewEnvironmentRequest,
  PlanNewEnvironmentOptions,
} from './engine/edit/planNewEnvironment';
export { formatUnifiedDiff } from './engine/edit/unifiedDiff';
export { parseYamlPath } from './engine/edit/yamlEdit';
export type { PathSegment } from './engine/edit/yamlEdit';
export { parseImageRef } from './engine/kustomize/imageRef';
export type { ImageRef } from './engine/kustomize/imageRef';
export type { UnifiedDiffOptions } from './engine/edit/unifiedDiff';
export {
  isValidOciDigest,
  isValidOciTag,
  validateImageVersion,
} from './engine/edit/ociReference';
export { environmentsServiceRef } from './environmentsService';
export type { EnvironmentsService } from './environmentsService';
