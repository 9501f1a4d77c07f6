import { describe, expect, it } from 'vitest';
import { renderOpml } from '../../src/publish/render-opml.js';
import { loadTestConfig } from '../fixtures/publish/german-linux-news.js';

const YAML = `
server:
  baseUrl: http://feeds.example.org/linux
feed:
  title: "Kernel & Co <Auswahl>"
topics:
  kernel:
    include: [kernel]
  containers:
    include: [container]
sources:
  - name: "Müller's \\"Blog\\" & mehr"
    url: https://user:geheim@blog.example:8443/feed/?a=1&b=2
    topics: [kernel, containers]
  - name: Nur Kernel
    url: http://kernel.example/rss
    topics: [kernel]
`;

describe('renderOpml', () => {
  // Rendered inside each test, not at collection: Stryker switches a mutant on for the tests only.
  const render = () => renderOpml(loadTestConfig(YAML));

  it('writes the whole OPML 2.0 document, one outline per source, escaped', () => {
    expect(render()).toBe([
      '<?xml version="1.0" encoding="utf-8"?>',
      '<opml version="2.0">',
      '  <head>',
      '    <title>Kernel &amp; Co &lt;Auswahl&gt; – Quellen</title>',
      '    <docs>http://opml.org/spec2.opml</docs>',
      '  </head>',
      '  <body>',
      '    <outline type="rss" text="Müller&#39;s &quot;Blog&quot; &amp; mehr" title="Müller&#39;s &quot;Blog&quot; &amp; mehr"'
        + ' xmlUrl="https://***@blog.example:8443/feed/?a=1&amp;b=2" htmlUrl="https://blog.example:8443/" category="/kernel,/containers"/>',
      '    <outline type="rss" text="Nur Kernel" title="Nur Kernel" xmlUrl="http://kernel.example/rss" htmlUrl="http://kernel.example/" category="/kernel"/>',
      '  </body>',
      '</opml>',
      '',
    ].join('\n'));
  });

  it('never publishes the credentials a source URL carries', () => {
    const opml = render();
    expect(opml).not.toContain('geheim');
    expect(opml).not.toContain('user:');
  });

  it('leaves out the category of a source that lends every topic', () => {
    const plain = renderOpml(loadTestConfig(YAML.replace('    topics: [kernel]\n', '')));
    expect(plain).toContain('    <outline type="rss" text="Nur Kernel" title="Nur Kernel" xmlUrl="http://kernel.example/rss" htmlUrl="http://kernel.example/"/>');
  });
});
