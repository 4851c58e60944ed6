import { SignalApi, signalApiRef } from '@backstage/plugin-signals-react';

type Listener = (message: object) => void;

/**
 * A signals API in memory: `emit` delivers a message to the channel's subscribers, as the
 * signals backend would; `subscribers` counts them. `api` goes into a test app's `apis`.
 */
export function mockSignalApi() {
  const channels = new Map<string, Set<Listener>>();
  const api: SignalApi = {
    subscribe(channel, onMessage) {
      const listeners = channels.get(channel) ?? new Set();
      const listener = onMessage as Listener;
      listeners.add(listener);
      channels.set(channel, listeners);
      return { unsubscribe: () => listeners.delete(listener) };
    },
  };
  return {
    api,
    apiPair: [signalApiRef, api] as const,
    emit(channel: string, message: object = { type: 'changed' }) {
      channels.get(channel)?.forEach(listener => listener(message));
    },
    subscribers(channel: string): number {
      return channels.get(channel)?.size ?? 0;
    },
  };
}
