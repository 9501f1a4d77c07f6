import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeEach, describe, expect, it } from 'vitest';
import { compileRules, type Classifier } from '../../src/classify/classifier.js';
import { classifyBySubstring, evaluate, readLabelledSet, SUBSTRING_BASELINE } from '../../src/classify/evaluate.js';
import { loadConfig } from '../../src/config/load.js';
import { loadNewsParts } from '../../src/classify/news-set.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const fixtures = path.join(ROOT, 'tests', 'fixtures', 'topics');
const readTuning = () => readLabelledSet(path.join(fixtures, 'labelled-tuning.jsonl'));
const readHoldout = () => readLabelledSet(path.join(fixtures, 'labelled-holdout.jsonl'));

// Compiled before each test, not at collection: Stryker switches a mutant on only while tests run, so a
// classifier built in the file's body would be the unmutated one for every test (docs/mutation.md).
let classifier: Classifier;
beforeEach(() => {
  const config = loadConfig({ configPath: path.join(ROOT, 'config', 'feedkurator.yaml'), env: {} });
  classifier = compileRules(config.topics, config.sources);
});

const topicsOf = (title: string, summary = '') => classifier.classify({ title, summary }).topics;

describe('default topic rules (config/feedkurator.yaml)', () => {
  it.each([
    ['Kernelentwickler Greg Kroah-Hartman', ['kernel']],
    ['Neue Kernel-Maintainer für Netzwerktreiber', ['kernel']],
    ['Langzeitpflege des Linux-Kernels', ['kernel']],
    ['Linus Torvalds gibt Linux 6.12 frei', ['kernel']],
    ['Linux 6.13-rc1 ist da', ['kernel']],
    ['LKML: Streit um Patches', ['kernel']],
    ['eBPF unter Windows', ['kernel']],
    ['Containerisierung im Mittelstand', ['containers']],
    ['Lücken in Container-Images', ['containers']],
    ['Podman 5.0 erschienen', ['containers']],
    ['K8s-Cluster ungeschützt', ['containers']],
    ['Webhoster erhöht Preise', ['hosting']],
    ['Hosting-Anbieter gehackt', ['hosting']],
    ['Gehostet in Deutschland', ['hosting']],
    ['Rechenzentren brauchen mehr Strom', ['hosting']],
    ['Hetzner eröffnet Standort', ['hosting']],
    ['IONOS erhöht Preise', ['hosting']],
    ['Akamai hostet kernel.org', ['kernel', 'hosting']],
  ])('%j → %j', (title, expected) => expect(topicsOf(title)).toEqual(expected));

  it.each([
    'Jupyter-Kernel für R und Julia',
    'Container-Schiff blockiert den Kanal',
    'Containerschiff mit 20.000 Containern',
    'Müllcontainer mit Sensoren',
    'Hostname ändern unter Ubuntu',
    'Warum localhost nicht 127.0.0.1 ist',
    'Die Stadt hostet die Konferenz',
    'Host des Podcasts hört auf',
  ])('%j → no topic', (title) => expect(topicsOf(title)).toEqual([]));

  it('the seed articles (first paragraphs) get their topics', () => {
    const seeds = readTuning().filter((ex) => ex.note?.startsWith('Seed article'));
    expect(seeds).toHaveLength(2);
    for (const s of seeds) expect(topicsOf(s.title, s.summary)).toEqual(s.labels);
  });
});

describe('default vocabularies (each list in config/feedkurator.yaml, see README "How well it curates")', () => {
  it.each([
    // kernel people, subsystems, security modules, schedulers, drivers, file systems – without the word Kernel
    ['Christoph Hellwig blockiert Rust-Bindings für DMA', ['kernel']],
    ['Zwölf Entwickler flogen aus der Liste der Linux-Maintainer', ['kernel']],
    ['Landlock lernt Netzwerkregeln', ['kernel']],
    ['sched_ext: Scheduler als BPF-Programme', ['kernel']],
    ['EEVDF ersetzt CFS', ['kernel']],
    ['Nouveau-Nachfolger Nova entsteht in Rust', ['kernel']],
    ['Bcachefs fliegt aus dem Hauptzweig', ['kernel']],
    ['exFAT-Unterstützung endlich offiziell', ['kernel']],
    ['OverlayFS kann jetzt POSIX-ACLs', ['kernel']],
    ['Linux-Entwickler streiten über Rust-Treiber', ['kernel']],
    ['Nvidia veröffentlicht GPU-Kernelmodule als Open Source', ['kernel']],
    // hosting actors: CDNs, clouds, hosters, data-centre operators – without the word Hosting
    ['Cloudflare-Störung legt Websites lahm', ['hosting']],
    ['Fastly-Ausfall: Nachrichtenseiten offline', ['hosting']],
    ['AWS-Region us-east-1 gestört', ['hosting']],
    ['Amazon Web Services erhöht Preise für IPv4', ['hosting']],
    ['Azure stellt Dienst ein', ['hosting']],
    ['Sicherheitsforscher sollen Googles Cloud quälen', ['hosting']],
    ['Interxion baut in Frankfurt', ['hosting']],
    ['Equinix eröffnet FR8', ['hosting']],
    ['Europas größtes Einzelrechenzentrum erweitert', ['hosting']],
    ['Milliarden für KI-Infrastruktur in Finnland', ['hosting']],
    ['Dokku: Heroku zum Selbermachen', ['hosting']],
    ['Oracle Cloud eröffnet zweite Region in Frankfurt', ['hosting']],
    ['CDN-Ausfall: Tausende Websites nicht erreichbar', ['hosting']],
    ['Scaleway erhöht die Preise für Instanzen', ['hosting']],
    ['Souveräne Cloud: Anbieter rüsten auf', ['hosting']],
    ['Eine Stunde Stillstand bei Content Delivery Networks', ['hosting']],
    // container actors without the word Container: engines, tools, managed Kubernetes
    ['nerdctl 2.0 spricht mit containerd', ['containers']],
    ['Portainer verwaltet jetzt auch Podman', ['containers']],
    ['Distrobox und Toolbx im Vergleich', ['containers']],
    ['Apptainer für HPC-Cluster', ['containers']],
    ['GKE und EKS: verwaltete Cluster im Preisvergleich', ['containers']],
    ['Systemcontainer mit Incus verwalten', ['containers']],
    ['Sidecar-Container richtig einsetzen', ['containers']],
    ['OCI-Images signieren mit Sigstore', ['containers']],
  ])('%j → %j', (title, expected) => expect(topicsOf(title)).toEqual(expected));

  it.each([
    // Kernel in another sense
    'CUDA-Kernel schneller schreiben',
    'Kernel-Methoden und Kernel-Maschinen im maschinellen Lernen',
    'Semantic Kernel: KI-Agenten in C#',
    'Microsoft verbannt Antivirensoftware aus dem Kernel – Lehre aus CrowdStrike',
    'Kernel-Modus-Treiber führen zu Bluescreens',
    'Neue Kerne: ARM-Kerngeneration C2',
    'Bundesnetzagentur genehmigt Wasserstoff-Kernnetz',
    // Container in another sense
    'MKV: das Containerformat für Filme mit vielen Untertitel-Spuren',
    'Tomcat als Servlet-Container absichern',
    'Reederei bestellt 60 000 TEU neue Container',
    'DI-Container in .NET',
    'Stadt stellt Wohncontainer für Geflüchtete auf',
    'Containerdorf für 300 Menschen eröffnet',
    'Container für Flüchtlinge auch in Neubaugebieten',
    'VeraCrypt: verschlüsselten Container anlegen',
    'Was bleibt, ist eine unlesbare Container-Datei',
    'Batteriecontainer speichert Windstrom',
    'Frachter verliert 40-Fuß-Container in der Nordsee',
    'Schifffahrt: Container stapeln sich in Rotterdam',
    'Jetty als leichter Container für Webanwendungen',
    // distributions numbered like kernels, other operating systems' kernels
    'Kali Linux 2024.4 bringt neue Werkzeuge',
    'Rocky Linux 9.5 und AlmaLinux 9.5 erschienen',
    'Red Hat Enterprise Linux 9.4 ist fertig',
    'FreeBSD: Kernel bekommt neuen Scheduler-Code',
    'Fuchsia: Googles Zircon-Kernel im Überblick',
    // clouds named for leaked credentials, Azure AD as identity service
    'AWS-Zugangsdaten in Hunderten Apps gefunden',
    'Störung bei Azure AD: Anmeldung bei Microsoft 365 klemmt',
    // Host/provider in another sense
    'Provider dürfen nicht einfach Preise erhöhen: EuGH-Urteil zu Vodafone',
    'Klimarechenzentrum bekommt neuen Supercomputer',
  ])('%j → no topic', (title) => expect(topicsOf(title)).toEqual([]));

  it.each([
    // a data centre built from steel containers is hosting news, not container news
    ['Gigantisches Containerrechenzentrum in Chicago eröffnet', ['hosting']],
    ['Modulares Container-Rechenzentrum für die Uni', ['hosting']],
    // OCI next to Oracle is Oracle Cloud Infrastructure
    ['Oracle Cloud Infrastructure (OCI) baut KI-Kapazität aus', ['hosting']],
    // Sovereign Cloud Stack is a software project, not a provider
    ['Sovereign Cloud Stack: Version 7 veröffentlicht', []],
  ])('%j → %j (homonym of another topic)', (title, expected) => expect(topicsOf(title)).toEqual(expected));

  it.each([
    // the rest of the container list: one headline per term, none of them says "Container"
    ['BuildKit beschleunigt Builds', ['containers']],
    ['kaniko baut Images ohne Daemon', ['containers']],
    ['systemd-nspawn als leichte Alternative', ['containers']],
    ['minikube 1.34 erschienen', ['containers']],
    ['k0s: Kubernetes-Distribution ohne Abhängigkeiten', ['containers']],
    ['Softwarecontainer im Mittelstand', ['containers']],
    ['Anwendungscontainer sicher betreiben', ['containers']],
    ['Devcontainer in VS Code', ['containers']],
    ['AKS und Helm: Cluster per Chart ausrollen', ['containers']],
    // the rest of the hosting list
    ['IBM Cloud fällt in Frankfurt aus', ['hosting']],
    ['Alibaba Cloud eröffnet Region in Deutschland', ['hosting']],
    ['Open Telekom Cloud senkt Preise', ['hosting']],
    ['bunnyCDN wächst in Europa', ['hosting']],
    ['Vultr und UpCloud im Vergleich', ['hosting']],
    ['Infomaniak baut neues Data Centre', ['hosting']],
    ['Cloud-Infrastruktur und Rechenzentren: Milliarden für Europa', ['hosting']],
  ])('%j → %j (vocabulary)', (title, expected) => expect(topicsOf(title)).toEqual(expected));

  it.each([
    // the rest of the homonym lists
    'AVI, MKV und MP4: welcher Container für Videos?',
    'Codecs und Container für Streaming',
    'WildFly und GlassFish als Container für Jakarta EE',
    'Inversion of Control: Container in Spring richtig nutzen',
    'Maersk meldet Rekord: mehr Container als je zuvor',
    'Nur ein Hinweis auf die Cloud-Infrastruktur',
  ])('%j → no topic (homonyms, weak terms)', (title) => expect(topicsOf(title)).toEqual([]));

  it('a term found only once deep in a full text is a passing mention; a second term or one in the teaser counts', () => {
    const body = '<p>Die Redaktion testete mehrere Notebooks.</p><p>Die Website liegt übrigens bei Hetzner.</p>';
    expect(classifier.classify({ title: 'Notebooks im Test', summary: 'Sechs Geräte', content: body }).topics).toEqual([]);
    expect(classifier.classify({ title: 'Notebooks im Test', summary: 'Sechs Geräte', content: `${body}<p>Das Rechenzentrum steht in Falkenstein.</p>` }).topics).toEqual(['hosting']);
    expect(classifier.classify({ title: 'Notebooks im Test', summary: 'Gehostet bei Hetzner', content: body }).topics).toEqual(['hosting']);
  });

  it('a housing-container word does not hide a real container actor in the same article', () => {
    expect(topicsOf('Flüchtlingshilfe: Verein verwaltet Spenden mit Kubernetes und Containern')).toEqual(['containers']);
  });

  it('an actor in the same headline as its other meaning: the kernel word is disarmed, the actor still counts', () => {
    expect(topicsOf('Kernel für neuronale Netze: Cloudflare rechnet auf GPUs')).toEqual(['hosting']);
  });
});

describe('evaluation on the labelled set', () => {
  // Floors set from the measurement (tuning 0.995, held-out 0.990, all 0.994) with a margin for later vocabulary edits.
  it('reaches the micro-F1 floor on the whole set and on the held-out part', () => {
    const [tuning, holdout] = [readTuning(), readHoldout()];
    const all = evaluate([...tuning, ...holdout], classifier.topics, (t) => classifier.classify(t));
    const held = evaluate(holdout, classifier.topics, (t) => classifier.classify(t));
    expect(all.micro.f1).toBeGreaterThanOrEqual(0.97);
    expect(held.micro.f1).toBeGreaterThanOrEqual(0.95);
    for (const t of all.perTopic) expect(t.f1, t.topic).toBeGreaterThanOrEqual(0.95);
  });

  // The independent news set (tests/fixtures/topics/README.md). Floors just below the figures measured at the end of
  // tuning (held-out, 180 items: micro 0.989, kernel 1.000, containers 0.960, hosting 1.000; tuning: 1.000);
  // README "How well it curates". One more miss costs a topic 0.04-0.08 on a part this small.
  it('holds its floors on the news set\'s held-out part, which no rule or weight was tuned on', () => {
    const news = loadNewsParts(fixtures);
    const held = evaluate(news.holdout, classifier.topics, (t) => classifier.classify(t));
    expect(held.micro.f1).toBeGreaterThanOrEqual(0.98);
    const floors: Record<string, number> = { kernel: 0.95, containers: 0.95, hosting: 0.95 };
    for (const t of held.perTopic) expect(t.f1, t.topic).toBeGreaterThanOrEqual(floors[t.topic]!);
  });

  it('holds its floor on the news set\'s tuning part', () => {
    const news = loadNewsParts(fixtures);
    const tuned = evaluate(news.tuning, classifier.topics, (t) => classifier.classify(t));
    expect(tuned.micro.f1).toBeGreaterThanOrEqual(0.98);
  });

  it('the set is what the issue asks for: ≥250 examples, about 40% without topic, hard cases with notes', () => {
    const [tuning, holdout] = [readTuning(), readHoldout()];
    const all = [...tuning, ...holdout];
    expect(all.length).toBeGreaterThanOrEqual(250);
    const none = all.filter((e) => e.labels.length === 0).length / all.length;
    expect(none).toBeGreaterThan(0.35);
    expect(none).toBeLessThan(0.45);
    expect(all.filter((e) => e.note?.startsWith('Hard')).length).toBeGreaterThanOrEqual(25);
    expect(holdout.length / all.length).toBeGreaterThan(0.3);
  });

  it('the naive substring baseline is clearly worse on the same set (the set is not trivial)', () => {
    const [tuning, holdout] = [readTuning(), readHoldout()];
    const all = [...tuning, ...holdout];
    const base = evaluate(all, classifier.topics, classifyBySubstring(SUBSTRING_BASELINE));
    expect(base.micro.f1).toBeLessThan(0.8);
  });
});
