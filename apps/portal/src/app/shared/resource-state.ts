import { computed, linkedSignal, type Resource, type Signal } from '@angular/core';
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
