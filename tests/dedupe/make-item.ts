import type { NormalizedItem } from '../../src/types.js';

/** A normalized item as normalize-item would produce it, with overrides. */
export function makeItem(overrides: Partial<NormalizedItem> = {}): NormalizedItem {
  return {
    title: 'Akamai hostet kernel.org: Linux bekommt kommerzielles Rückgrat',
    link: 'https://www.ip-insider.de/akamai-hostet-kernelorg-a-1234567/',
    guid: 'https://www.ip-insider.de/akamai-hostet-kernelorg-a-1234567/',
    published: '2026-11-20T09:30:00.000Z',
    summary:
      'Akamai stellt künftig die Infrastruktur für kernel.org und stärkt damit das Rückgrat des weltweit meistgenutzten Open-Source-Betriebssystems.',
    content: '<p>Es ist ein Paukenschlag in der Welt der Open-Source-Infrastruktur: Der CDN- und Cloud-Spezialist Akamai übernimmt das Hosting von kernel.org.</p>',
    categories: ['Open Source'],
    enclosures: [],
    ...overrides,
  };
}
