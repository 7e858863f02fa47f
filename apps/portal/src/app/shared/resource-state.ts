import { computed, linkedSignal, signal, type Resource, type Signal } from '@angular/core';
import { apiErrorMessage } from '../core/api-error';

/**
 * The last value a resource loaded. Unlike `value()` it stays while the resource reloads and
 * after a failed reload, so a list keeps its rows next to the error instead of vanishing.
 */
export function lastValue<T>(resource: Resource<T | undefined>): Signal<T | undefined> {
  return linkedSignal<T | undefined, T | undefined>({
    source: () => (resource.hasValue() ? resource.value() : undefined),
    computation: (value, previous) => value ?? previous?.value,
  });
}

/** The message to show for a resource that failed to load, or `null`. */
export function loadErrorMessage(resource: Resource<unknown>): Signal<string | null> {
  return computed(() => {
    const error = resource.error();
    return error ? apiErrorMessage(error) : null;
  });
}

/** A page's error line: what its last action ran into, else why its resource failed to load. */
export interface ErrorLine {
  readonly message: Signal<string | null>;
  /** Shows an action's own words, or clears them with `null`. */
  set(message: string | null): void;
  /** Shows the message for a failed API call. */
  fail(err: unknown): void;
}

export function errorLine(resource: Resource<unknown>): ErrorLine {
  const action = signal<string | null>(null);
  const load = loadErrorMessage(resource);
  return {
    message: computed(() => action() ?? load()),
    set: (message) => action.set(message),
    fail: (err) => action.set(apiErrorMessage(err)),
  };
}
