import { useCallback, useEffect, useRef, useState } from 'react';

type State<T> = { key: string; value?: T; error?: Error; loading: boolean };

/**
 * Loads `load()` again whenever `key` changes or `refresh()` is called. Unlike `useAsync`, the
 * last value stays while a reload runs or after it fails, so what renders it is not unmounted.
 * The value is dropped only when `key` changes to something else.
 */
export function useRefreshingAsync<T>(key: string, load: () => Promise<T>) {
  const loadRef = useRef(load);
  loadRef.current = load;
  const [generation, setGeneration] = useState(0);
  const [state, setState] = useState<State<T>>({ key, loading: true });

  useEffect(() => {
    let cancelled = false;
    setState(previous => ({
      key,
      value: previous.key === key ? previous.value : undefined,
      error: undefined,
      loading: true,
    }));
    loadRef.current().then(
      value => {
        if (!cancelled) setState({ key, value, loading: false });
      },
      error => {
        if (!cancelled) {
          setState(previous => ({ ...previous, error, loading: false }));
        }
      },
    );
    return () => {
      cancelled = true;
    };
  }, [key, generation]);

  const refresh = useCallback(() => setGeneration(g => g + 1), []);
  const current = state.key === key;
  return {
    value: current ? state.value : undefined,
    error: current ? state.error : undefined,
    loading: current ? state.loading : true,
    refresh,
  };
}
