/**
 * A demo and test stand-in for Kubernetes clusters (not a Kubernetes): serves
 * the read side of the Kubernetes REST API for several clusters from one
 * port, filled from the declared state of a local GitOps repository, with
 * rollouts that take time and switchable faults.
 *
 * @packageDocumentation
 */

export { startClusterStandin } from './ClusterStandin';
export type { ClusterStandin, ClusterStandinOptions } from './ClusterStandin';
export { loadStandinConfig, parseStandinConfig } from './config';
export type { StandinConfig } from './config';
export { runStandinCli } from './cli/main';
export { ObjectStore } from './store/ObjectStore';
export type {
  KubeObject,
  StoreEvent,
  WatchEventType,
} from './store/ObjectStore';
export { StandinServer } from './server/StandinServer';
export type {
  StandinLogger,
  StandinServerOptions,
} from './server/StandinServer';
