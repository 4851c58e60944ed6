import { TestApiProvider } from '@backstage/frontend-test-utils';
import { act, renderHook } from '@testing-library/react';
import { ReactNode } from 'react';
import { mockSignalApi } from '../__testUtils__/mockSignalApi';
import {
  FALLBACK_POLL_MS,
  MIN_RELOAD_GAP_MS,
  useEntityChanges,
} from './useEntityChanges';

const catalogue = 'component:default/catalogue';
const voting = 'component:default/voting';

function withApis(apis: readonly any[]) {
  return ({ children }: { children: ReactNode }) => (
    <TestApiProvider apis={apis as any}>{children}</TestApiProvider>
  );
}

describe('useEntityChanges', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('calls back on each signal of the entity’s channel, and never polls', () => {
    const signals = mockSignalApi();
    const onChange = jest.fn();
    const { result, unmount } = renderHook(
      () => useEntityChanges(catalogue, onChange),
      { wrapper: withApis([signals.apiPair]) },
    );
    expect(result.current.live).toBe(true);
    expect(signals.subscribers(`environments:${catalogue}`)).toBe(1);

    act(() => jest.advanceTimersByTime(5 * FALLBACK_POLL_MS));
    expect(onChange).not.toHaveBeenCalled();

    act(() => signals.emit(`environments:${catalogue}`));
    expect(onChange).toHaveBeenCalledTimes(1);
    act(() => signals.emit(`environments:${voting}`));
    expect(onChange).toHaveBeenCalledTimes(1);

    unmount();
    expect(signals.subscribers(`environments:${catalogue}`)).toBe(0);
  });

  it('turns a burst of signals into one call at once and one at the end of the gap', () => {
    const signals = mockSignalApi();
    const onChange = jest.fn();
    renderHook(() => useEntityChanges([catalogue, voting], onChange), {
      wrapper: withApis([signals.apiPair]),
    });

    act(() => {
      for (let i = 0; i < 10; i++) {
        signals.emit(`environments:${i % 2 ? catalogue : voting}`);
      }
    });
    expect(onChange).toHaveBeenCalledTimes(1);
    act(() => jest.advanceTimersByTime(MIN_RELOAD_GAP_MS));
    expect(onChange).toHaveBeenCalledTimes(2);
    act(() => jest.advanceTimersByTime(10 * MIN_RELOAD_GAP_MS));
    expect(onChange).toHaveBeenCalledTimes(2);

    // After a quiet gap, the next signal is answered at once again.
    act(() => signals.emit(`environments:${catalogue}`));
    expect(onChange).toHaveBeenCalledTimes(3);
  });

  it('polls slowly in an app without signals, and stops when unmounted', () => {
    const onChange = jest.fn();
    const { result, unmount } = renderHook(
      () => useEntityChanges(catalogue, onChange),
      { wrapper: withApis([]) },
    );
    expect(result.current.live).toBe(false);

    act(() => jest.advanceTimersByTime(FALLBACK_POLL_MS - 1));
    expect(onChange).not.toHaveBeenCalled();
    act(() => jest.advanceTimersByTime(1));
    expect(onChange).toHaveBeenCalledTimes(1);
    act(() => jest.advanceTimersByTime(FALLBACK_POLL_MS));
    expect(onChange).toHaveBeenCalledTimes(2);

    unmount();
    act(() => jest.advanceTimersByTime(10 * FALLBACK_POLL_MS));
    expect(onChange).toHaveBeenCalledTimes(2);
  });

  it('neither polls nor subscribes without entities, or when told not to poll', () => {
    const onChange = jest.fn();
    renderHook(() => useEntityChanges([], onChange), {
      wrapper: withApis([]),
    });
    renderHook(
      () => useEntityChanges(catalogue, onChange, { fallbackPollMs: null }),
      { wrapper: withApis([]) },
    );
    act(() => jest.advanceTimersByTime(10 * FALLBACK_POLL_MS));
    expect(onChange).not.toHaveBeenCalled();
  });
});
