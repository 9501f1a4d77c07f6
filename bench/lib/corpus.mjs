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

/**
 * Headlines are composed: prefix, subject, verb phrase, object. Real news
 * titles share few words; a handful of fixed templates would make every
 * other title look like the same story to the same-story clustering.
 */
export const HEADLINE_PARTS = {
  kernel: {
    prefix: ['Linux {ver}', 'Kernel-Entwicklung', 'Linux-Kernel', 'LKML', 'eBPF', 'Rust for Linux', 'Kernel {ver}-rc{rc}', 'Stable-Kernel', 'Treiber', 'Dateisysteme', 'Scheduler', 'Kernel-Sicherheit'],
    subject: ['Torvalds', 'Greg Kroah-Hartman', '{firm}', 'Die Kernel-Maintainer', 'Ein Google-Entwickler', 'Kernelentwickler von {firm}', 'Das Rust-Team', 'Der Netzwerk-Maintainer', 'Die Linux Foundation', 'Ein Sicherheitsforscher'],
    verb: ['nimmt {feature} auf', 'verschiebt {feature} auf Linux {ver}', 'kritisiert Patches für {feature}', 'beschleunigt {feature} um {n} Prozent', 'entfernt alten Code für {hw}', 'bringt neue Treiber für {hw}', 'schließt Lücke in {feature}', 'überarbeitet {feature} für {hw}', 'warnt vor Regression in {feature}', 'plant Abschied von {hw}'],
  },
  containers: {
    prefix: ['Kubernetes {kver}', 'Docker', 'Podman {pver}', 'Container-Sicherheit', 'Cloud Native', 'K8s', 'Containerisierung', 'OCI', 'Helm', 'KubeCon'],
    subject: ['{firm}', 'Die CNCF', 'Das Kubernetes-Projekt', 'Docker Inc.', 'Red Hats Podman-Team', 'Ein Scanner-Anbieter', 'Die Maintainer von containerd', 'Eine Studie von {firm}'],
    verb: ['führt {kfeature} ein', 'markiert {kfeature} als stabil', 'findet {n} Lücken in Container-Images', 'begrenzt Pulls für {audience}', 'vereinfacht {kfeature} für {audience}', 'stellt {kfeature} ein', 'empfiehlt {kfeature} für {audience}', 'misst {n} Prozent schnellere Starts dank {kfeature}'],
  },
  hosting: {
    prefix: ['Webhosting', 'Rechenzentren', 'Managed Hosting', 'Hoster', 'Green Hosting', 'Cloud-Server', 'Hosting-Markt', 'Störung'],
    subject: ['{host}', 'Der Webhoster {host}', 'Der Hoster {host}', 'Ein Rechenzentrum in {city}', 'Der Verband eco', 'Kunden von {host}'],
    verb: ['senkt Preise für {product}', 'eröffnet Standort in {city}', 'bietet {product} mit {n} GByte RAM', 'übernimmt {firm}', 'meldet Ausfall gehosteter Websites', 'nutzt Abwärme für {n} Wohnungen', 'erhöht Preise für {product} um {n} Prozent', 'stellt {product} in {city} bereit'],
  },
  trap: {
    prefix: ['Data Science', 'Hafen {city}', 'Netzwerk-Tipp', 'Smart City', 'Wissen'],
    subject: ['Der Jupyter-Kernel für {lang}', 'Ein Containerschiff', 'Hostname und localhost', 'Müllcontainer in {city}', 'Popcorn-Kernel'],
    verb: ['startet deutlich schneller', 'liegt seit {n} Tagen fest', 'richtig auflösen', 'melden Füllstand per Funk', 'platzen beim Erhitzen'],
  },
  offtopic: {
    prefix: ['Smartphones', 'Elektroautos', 'Datenschutz', 'Spiele', 'Glasfaser', 'KI-Verordnung', 'Homeoffice', 'Windows 11', 'Raumfahrt', 'Bahn', 'Quartalszahlen', 'Netzpolitik', 'Handel', 'Energie'],
    subject: ['{firm}', 'Das {phone}', 'Die Bundesnetzagentur', 'Die EU-Kommission', 'Die Deutsche Bahn', 'Eine Umfrage', 'Der Verbraucherzentrale Bundesverband', 'Die Stadt {city}', 'Ariane', 'Der Bundestag'],
    verb: ['hält zwei Tage durch', 'meldet Rekordumsatz im {quarter}', 'verhängt Bußgeld von {n} Millionen Euro', 'verspricht {n}000 neue Anschlüsse', 'startet mit {n} Satelliten', 'verschiebt Pläne um {n} Wochen', 'stürmt mit {game} an die Spitze', 'zeigt falsche Verspätungen an', 'streicht {n} Stellen', 'fordert schärfere Regeln für Plattformen'],
  },
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
  hw: ['Raspberry Pi 5', 'Apple M4', 'Itanium', 'RISC-V-Boards', 'AMD-Grafikkarten', 'Intel Lunar Lake', 'alte Wi-Fi-Chips', 'NVMe-SSDs', 'Qualcomm Snapdragon X', 'Loongarch'],
  kfeature: ['Sidecar-Container', 'die Gateway-API', 'In-Place-Pod-Resizing', 'User Namespaces', 'Image-Volumes', 'Dynamic Resource Allocation', 'Rootless-Betrieb', 'Quadlets', 'signierte Images', 'Compose-Profile'],
  audience: ['Entwickler', 'Betreiber', 'Unternehmen', 'Open-Source-Projekte', 'Behörden', 'Hobby-Nutzer'],
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
