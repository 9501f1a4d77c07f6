/**
 * German news vocabulary for the generated feeds: headlines, teasers and
 * body paragraphs per topic, plus off-topic news and the traps the topic
 * rules must reject (Jupyter-Kernel, Containerschiff, localhost). Placeholders
 * in braces are filled by generate-feeds.mjs from the seeded PRNG.
 */

export const TOPIC_SHARE = [
  ['kernel', 0.22],
  ['containers', 0.18],
  ['hosting', 0.14],
  ['trap', 0.06],
  ['offtopic', 0.4],
];

export const HEADLINES = {
  kernel: [
    'Linux {ver}: Torvalds gibt neuen Kernel mit {feature} frei',
    'Kernel-Entwicklung: {firm} steuert {n} Patches für {feature} bei',
    'Linux-Kernel {ver}-rc{rc}: Merge-Window schließt mit {feature}',
    'eBPF im Kernel: {feature} macht Tracing schneller',
    'Kernelentwickler diskutieren auf der LKML über {feature}',
    'Akamai hostet kernel.org: Linux bekommt kommerzielles Rückgrat',
    'Rust im Linux-Kernel: Neue Treiber für {feature} in Linux {ver}',
    'Sicherheitslücke im Linux-Kernels {ver}: Update dringend empfohlen',
    'Greg Kroah-Hartman: Stabile Kernel {ver}.{n} mit {n2} Korrekturen',
  ],
  containers: [
    'Kubernetes {kver}: {feature} erreicht Beta-Status',
    'Docker Desktop {dver} bringt {feature} für Entwickler',
    'Podman {pver}: Rootless-Container starten schneller',
    'Containerisierung im Mittelstand: {n} Prozent setzen auf Container',
    'LinuxCon und ContainerCon: Container in schlanken VMs einsperren',
    'K8s-Cluster absichern: {firm} veröffentlicht Leitfaden zu {feature}',
    'Container-Images: Scanner findet {n} Lücken in beliebten Basis-Images',
    'Docker Hub begrenzt Pulls: Was Kubernetes-Betreiber jetzt tun müssen',
  ],
  hosting: [
    'Webhoster {host} senkt Preise für {product}',
    'Rechenzentrum in {city}: {host} eröffnet neuen Standort',
    'Managed Hosting: {host} bietet {product} mit {n} GByte RAM',
    'Stromkosten: Rechenzentren in {city} unter Druck',
    '{host} meldet Störung: {n} Kunden ohne gehostete Websites',
    'Hosting-Markt: {host} übernimmt {firm}',
    'Green Hosting: {host} betreibt Rechenzentrum mit Abwärmenutzung',
  ],
  trap: [
    'Data Science: Jupyter-Kernel für {lang} deutlich schneller',
    'Hafen {city}: Containerschiff mit {n} Boxen festgesetzt',
    'Netzwerk-Tipp: Hostname und localhost richtig auflösen',
    'Müllcontainer-Sensoren melden Füllstand per LoRaWAN',
    'Popcorn-Kernel: Warum Mais beim Erhitzen platzt',
  ],
  offtopic: [
    'Smartphone-Test: Das {phone} hält zwei Tage durch',
    '{firm} meldet Rekordumsatz im {quarter}',
    'Elektroautos: Ladesäulen in {city} fallen reihenweise aus',
    'Datenschutz: Bußgeld von {n} Millionen Euro gegen {firm}',
    'Wochenrückblick: {n} Meldungen, die Sie verpasst haben',
    'Spiele-Charts: {game} stürmt an die Spitze',
    'Bahn-App zeigt falsche Verspätungen in {city}',
    'Glasfaser-Ausbau: {firm} verspricht {n}000 neue Anschlüsse',
    'KI-Verordnung: Was Unternehmen in {quarter} beachten müssen',
    'Homeoffice-Studie: {n} Prozent wollen nicht zurück ins Büro',
    'Windows 11: Update {ver} bereitet Druckern Probleme',
    'Raumfahrt: Ariane startet mit {n} Satelliten',
  ],
};

export const TEASERS = {
  kernel: [
    'Linus Torvalds hat Linux {ver} veröffentlicht. Der Scheduler verteilt Last auf Hybrid-CPUs besser, eBPF-Programme dürfen mehr Speicher nutzen.',
    'Die Kernel-Entwickler haben {feature} überarbeitet; laut {firm} sinkt die Latenz um {n} Prozent.',
    'Auf der Kernel-Mailingliste wird gestritten: {feature} soll in Linux {ver} einziehen, doch die Maintainer zögern.',
  ],
  containers: [
    'Die neue Version von Kubernetes bringt {feature}. Betreiber von Clustern sollten vor dem Update ihre Manifeste prüfen.',
    'Mit Podman und Docker lassen sich Container ohne Root-Rechte betreiben – das schützt den Host bei einem Ausbruch.',
    '{firm} hat {n} Container-Images untersucht und fand veraltete Pakete in jedem dritten.',
  ],
  hosting: [
    'Der Hoster {host} stellt sein Angebot um: {product} kostet künftig {n} Euro im Monat.',
    'Das neue Rechenzentrum in {city} soll {n} Megawatt leisten und mit Ökostrom betrieben werden.',
    'Kunden von {host} konnten stundenlang nicht auf ihre gehosteten Seiten zugreifen.',
  ],
  trap: [
    'Der neue Jupyter-Kernel für {lang} startet Notebooks in einem Bruchteil der bisherigen Zeit – „ein großer Schritt“, sagen die Entwickler.',
    'Das Containerschiff liegt seit {n} Tagen vor {city} fest, die Reederei spricht von „technischen Problemen“.',
    'Wer den Hostname falsch setzt, landet schnell bei localhost – wir zeigen, wie es richtig geht.',
  ],
  offtopic: [
    'Googles neues Smartphone überzeugt im Test mit langer Akkulaufzeit – die Kamera schwächelt bei Nacht.',
    '{firm} hat im {quarter} mehr umgesetzt als erwartet, die Aktie legt {n} Prozent zu.',
    'In {city} sind {n} Ladesäulen außer Betrieb, der Betreiber verweist auf einen Softwarefehler.',
    'Die Datenschutzbehörde wirft {firm} vor, Nutzerdaten ohne Einwilligung weitergegeben zu haben.',
  ],
};

/** Body paragraphs shared by all topics: the bulk of a full-text entry is ordinary prose. */
export const PARAGRAPHS = [
  'Die Entwickler haben die Änderungen in den vergangenen Wochen ausführlich getestet. Laut Ankündigung sollen Anwender vom Update profitieren, ohne ihre Konfiguration anpassen zu müssen.',
  'Wie {firm} auf Nachfrage mitteilte, steht das Update ab sofort zum Download bereit. Ältere Versionen erhalten noch bis Ende des Jahres Sicherheitskorrekturen.',
  'Kritiker bemängeln, dass die Dokumentation hinterherhinkt. Im Forum berichten Nutzer von Problemen bei der Migration, die sich aber mit wenigen Handgriffen beheben lassen.',
  'Die Zahlen stammen aus einer Umfrage unter {n} IT-Verantwortlichen in Deutschland, Österreich und der Schweiz. Mehrfachnennungen waren möglich.',
  'Besonders Administratoren kleiner Unternehmen dürften sich über die vereinfachte Einrichtung freuen. Bisher waren dafür mehrere manuelle Schritte nötig.',
  'Weitere Details will das Projekt auf der Konferenz in {city} vorstellen. Die Vorträge werden aufgezeichnet und später online veröffentlicht.',
  'Im Vergleich zur Vorversion sinkt der Speicherbedarf deutlich. In unseren Messungen lag der Unterschied bei rund {n} Prozent.',
  'Die Änderung betrifft nach Angaben der Entwickler nur Systeme mit aktivierter Option; wer sie nicht nutzt, muss nichts unternehmen.',
];

export const FILL = {
  ver: ['6.12', '6.13', '6.14', '6.15', '6.16', '6.17', '6.18'],
  kver: ['1.31', '1.32', '1.33', '1.34'],
  dver: ['4.36', '4.37', '4.38'],
  pver: ['5.3', '5.4', '5.5'],
  feature: ['Bcachefs', 'io_uring', 'sched_ext', 'Pidfd-Erweiterungen', 'NTSYNC', 'Sidecar-Container', 'Gateway-API', 'cgroups v2', 'Rust-Abstraktionen', 'Live-Patching'],
  firm: ['Red Hat', 'SUSE', 'Canonical', 'Google', 'Intel', 'Microsoft', 'IBM', 'Akamai', 'Deutsche Telekom', 'SAP'],
  host: ['Hetzner', 'IONOS', 'Strato', 'netcup', 'All-Inkl', 'Mittwald', 'Host Europe', 'OVHcloud'],
  product: ['Webspace', 'Root-Server', 'VPS-Tarife', 'Managed Kubernetes', 'Cloud-Server'],
  city: ['Berlin', 'Frankfurt', 'Nürnberg', 'München', 'Hamburg', 'Köln', 'Falkenstein', 'Düsseldorf'],
  lang: ['Julia', 'R', 'Python', 'Scala'],
  phone: ['Pixel 11', 'Galaxy S26', 'iPhone 18', 'Fairphone 6'],
  quarter: ['ersten Quartal', 'zweiten Quartal', 'dritten Quartal', 'vierten Quartal'],
  game: ['Anno 117', 'Siedler Neo', 'Gothic Remake'],
};

export const SITES = [
  'heise.example', 'golem.example', 'linux-magazin.example', 'pro-linux.example', 'linuxnews.example',
  'ip-insider.example', 'computerbase.example', 'netzpolitik.example', 't3n.example', 'it-daily.example',
];

export const AUTHORS = ['Berk Kutsal', 'Kristian Kißling', 'Jan Mahn', 'Anna Müller', 'Jörg Thoma', 'Sabine Weiß', 'Ömer Yılmaz'];
