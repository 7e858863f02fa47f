import { CdkCopyToClipboard } from '@angular/cdk/clipboard';
import { ChangeDetectionStrategy, Component, computed, input, model, signal } from '@angular/core';
import { MatButtonModule } from '@angular/material/button';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatSelectModule } from '@angular/material/select';
import { RouterLink } from '@angular/router';
import type { DataSource } from '@feedpass/contracts';

/**
 * How to point Power BI Desktop, the Power BI service and Excel at a data source, and find its
 * related tables, with the user's own username and the chosen data source's URL filled in. The
 * README's "Connecting Power BI" section says the same: change both together.
 */
@Component({
  selector: 'fp-connect-power-bi',
  imports: [CdkCopyToClipboard, RouterLink, MatButtonModule, MatFormFieldModule, MatSelectModule],
  templateUrl: './connect-power-bi.component.html',
  styleUrl: './connect-power-bi.component.scss',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class ConnectPowerBiComponent {
  readonly sources = input.required<DataSource[]>();
  readonly username = input.required<string>();
  /** The data source the guide is about; the first one when none (or a deleted one) is chosen. */
  readonly selectedId = model<string | null>(null);

  protected readonly selected = computed<DataSource | null>(() => {
    const sources = this.sources();
    return sources.find((s) => s.id === this.selectedId()) ?? sources[0] ?? null;
  });
  private readonly copiedUrl = signal<string | null>(null);
  /** Whether the URL on show is the one last copied (announced to screen readers). */
  protected readonly copied = computed(() => this.copiedUrl() === this.selected()?.odataUrl);

  protected onCopied(url: string, ok: boolean): void {
    this.copiedUrl.set(ok ? url : null);
  }
}
