import { provideHttpClient } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';
import type { FailedMailList } from '@feedpass/contracts';
import { FailedMailNoticeComponent } from './failed-mail-notice.component';

describe('FailedMailNoticeComponent', () => {
  function render(list: FailedMailList): HTMLElement {
    TestBed.configureTestingModule({
      providers: [provideHttpClient(), provideHttpClientTesting()],
    });
    const fixture = TestBed.createComponent(FailedMailNoticeComponent);
    TestBed.inject(HttpTestingController).expectOne('/api/admin/mail/failed').flush(list);
    fixture.detectChanges();
    return fixture.nativeElement as HTMLElement;
  }

  it('names each parked email, its recipient and tokens', () => {
    const el = render({
      queued: 0,
      items: [
        {
          id: '1',
          createdAt: '2026-11-25T10:00:00Z',
          attempts: 15,
          lastError: 'connect ECONNREFUSED',
          recipient: { id: 'u', username: 'ada', displayName: 'Ada' },
          tokenLabels: ['Laptop', 'Service'],
        },
      ],
    });
    expect(el.querySelector('[role=alert]')?.textContent).toContain(
      '1 expiry email could not be delivered',
    );
    expect(el.textContent).toContain('Laptop, Service');
    expect(el.textContent).toContain('ECONNREFUSED');
  });

  it('says nothing alarming when all mail went out', () => {
    const el = render({ queued: 0, items: [] });
    expect(el.querySelector('[role=alert]')).toBeNull();
    expect(el.textContent?.trim()).toBe('');
  });
});
