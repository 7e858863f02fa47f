import { ChangeDetectionStrategy, Component, input } from '@angular/core';
import { Routes } from '@angular/router';

/** Stand-in for pages that are not built yet; the heading comes from the route's `data`. */
@Component({
  selector: 'fp-coming-soon-page',
  template: `
    <h1>{{ heading() }}</h1>
    <p>This page is coming soon.</p>
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class ComingSoonPage {
  readonly heading = input.required<string>();
}

/** The routes of a page that shows a {@link ComingSoonPage} for now. */
export function comingSoonRoutes(heading: string): Routes {
  return [
    { path: '', title: `${heading} · feedpass`, component: ComingSoonPage, data: { heading } },
  ];
}
