/**
 * Logs for people and for machines (SPEC §3, LOG_FORMAT): the real CLI as a
 * child process on pipes, so the default is JSON; LOG_FORMAT=pretty forces
 * readable lines, LOG_FORMAT=json forces JSON, anything else is a config error.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanEnv, CLI, makeTempDir, runCli, spawnCli, waitForExit, writeTestConfig } from '../helpers/cli.js';

let server: Server;
let missingFeed: string;

beforeAll(async () => {
  server = createServer((_req, res) => res.writeHead(404, { 'content-type': 'text/plain' }).end('nope'));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  missingFeed = `http://127.0.0.1:${(server.address() as AddressInfo).port}/feed.xml`;
});

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

function pollConfig(): string {
  return writeTestConfig(makeTempDir(), [{ name: 'Kaputt', url: missingFeed }]);
}

const PRETTY_LINE = /^\[\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3}\] (INFO|WARN): pipeline: /;

describe('log format of poll (stderr)', () => {
  it('is one JSON object per line on a pipe by default', async () => {
    const result = await runCli(['poll', '--config', pollConfig()], { env: { LOG_LEVEL: 'info' } });
    expect(result.code).toBe(0);
    const lines = result.stderr.trim().split('\n');
    expect(lines.length).toBeGreaterThanOrEqual(2);
    const entries = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(entries.find((e) => e.msg === 'source failed')).toMatchObject({ level: 'warn', source: 'Kaputt', code: 'FK_HTTP_STATUS' });
    expect(entries.find((e) => e.msg === 'poll cycle finished')).toMatchObject({ level: 'info', sources: 1, failed: 1 });
  });

  it('is one readable line per entry with LOG_FORMAT=pretty, even on a pipe, without colour codes', async () => {
    const result = await runCli(['poll', '--config', pollConfig()], { env: { LOG_LEVEL: 'info', LOG_FORMAT: 'pretty' } });
    expect(result.code).toBe(0);
    const lines = result.stderr.trim().split('\n');
    for (const line of lines) expect(line).toMatch(PRETTY_LINE);
    const failed = lines.find((l) => l.includes('source failed')) ?? '';
    expect(failed).toMatch(/WARN: pipeline: source failed \{.*"source":"Kaputt".*"code":"FK_HTTP_STATUS".*"error":"[^"]*404/);
    expect(lines.some((l) => /INFO: pipeline: poll cycle finished \{.*"failed":1/.test(l))).toBe(true);
    expect(result.stderr).not.toContain('\u001b[');
    expect(result.stderr).not.toContain('"app"');
  });

  it('is JSON with LOG_FORMAT=json', async () => {
    const result = await runCli(['poll', '--config', pollConfig()], { env: { LOG_LEVEL: 'info', LOG_FORMAT: 'json' } });
    expect(result.code).toBe(0);
    for (const line of result.stderr.trim().split('\n')) expect(JSON.parse(line)).toHaveProperty('app', 'feedkurator');
  });

  // util-linux `script` gives the child a real terminal.
  it.skipIf(!existsSync('/usr/bin/script'))('is readable and coloured on a terminal by default', async () => {
    const command = `${JSON.stringify(process.execPath)} ${JSON.stringify(CLI)} poll --config ${JSON.stringify(pollConfig())}`;
    const output = await new Promise<string>((resolve, reject) =>
      execFile('/usr/bin/script', ['-qec', command, '/dev/null'], { env: cleanEnv({ LOG_LEVEL: 'info' }) }, (err, stdout) =>
        err ? reject(err) : resolve(stdout),
      ),
    );
    expect(output).toMatch(/\[[\d :.-]+\] \u001b\[\d+mWARN\u001b\[39m: \u001b\[36mpipeline: source failed/);
    expect(output).not.toContain('"app":"feedkurator"');
  });

  it('rejects any other LOG_FORMAT as a configuration error (exit 2, one line)', async () => {
    const result = await runCli(['poll', '--config', pollConfig()], { env: { LOG_FORMAT: 'xml' } });
    expect(result.code).toBe(2);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toContain('LOG_FORMAT (environment): "xml" is not one of json, pretty');
  });
});

describe('log format of serve (stdout)', () => {
  async function serveOnce(env: Record<string, string>): Promise<string> {
    const dir = makeTempDir();
    const config = writeTestConfig(dir, []);
    const child = spawnCli(['serve', '--config', config], { LOG_LEVEL: 'info', ...env });
    const stdout: string[] = [];
    child.stdout!.on('data', (d: string) => stdout.push(d));
    // Generous: on a loaded machine start-up can take many seconds, and a SIGTERM before the handler is set kills it.
    const deadline = Date.now() + 60_000;
    while (!/serving/.test(stdout.join('')) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    expect(stdout.join('')).toContain('serving');
    child.kill('SIGTERM');
    const exit = await waitForExit(child);
    expect(exit.code).toBe(0);
    return stdout.join('');
  }

  it('writes readable lines to stdout with LOG_FORMAT=pretty and JSON lines by default', async () => {
    const pretty = (await serveOnce({ LOG_FORMAT: 'pretty' })).trim().split('\n');
    expect(pretty.find((l) => l.includes('serving'))).toMatch(/^\[[\d :.-]+\] INFO: (\w+: )?serving \{"url":"http:\/\/127\.0\.0\.1:\d+"/);
    expect(pretty.find((l) => l.includes('stopped'))).toMatch(/^\[[\d :.-]+\] INFO: (\w+: )?stopped \{"code":0\}/);

    const json = (await serveOnce({})).trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(json.find((e) => e.msg === 'serving')).toMatchObject({ level: 'info', app: 'feedkurator' });
    expect(json.find((e) => e.msg === 'stopped')).toMatchObject({ level: 'info', code: 0 });
  }, 150_000);
});
