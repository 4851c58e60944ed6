export { RelativeTime } from './RelativeTime';
export { relativeTime, durationLabel } from './relativeTime';
