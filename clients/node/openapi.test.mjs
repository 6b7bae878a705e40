// The OpenAPI document at /ogc/api, checked by swagger-cli and by
// redocly's recommended rules, both run from node_modules/.bin.

import test, { after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { serviceURL, get, binDir } from './common.mjs';

// Nothing may leave loopback: no registry, no telemetry, no update check
// (redocly's README names REDOCLY_TELEMETRY and REDOCLY_SUPPRESS_NOTIFICATIONS;
// its code also reads REDOCLY_SUPPRESS_UPDATE_NOTICE).
const offline = {
    ...process.env,
    npm_config_offline: 'true',
    REDOCLY_TELEMETRY: 'off',
    REDOCLY_SUPPRESS_NOTIFICATIONS: 'true',
    REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true',
};

function run(tool, args, cwd) {
    return new Promise(resolve => {
        execFile(path.join(binDir, tool), args, { cwd, env: offline, timeout: 30_000, maxBuffer: 16 << 20 },
            (err, stdout, stderr) => resolve({ code: err ? (err.code ?? err.signal) : 0, stdout, stderr }));
    });
}

// A folder of its own, so redocly finds no configuration but its defaults.
const dir = await mkdtemp(path.join(os.tmpdir(), 'frontline-openapi-'));
after(() => rm(dir, { recursive: true, force: true }));
const file = path.join(dir, 'openapi.json');
const res = await get(`${serviceURL()}/ogc/api`);
await writeFile(file, Buffer.from(await res.arrayBuffer()));

test('swagger-cli validate accepts /ogc/api', async () => {
    const { code, stdout, stderr } = await run('swagger-cli', ['validate', file], dir);
    assert.equal(code, 0, `swagger-cli validate exited ${code}:\n${stdout}${stderr}`);
    assert.match(stdout, /is valid/);
});

test('redocly lint with the recommended rules passes /ogc/api', async t => {
    const { code, stdout, stderr } = await run('redocly', ['lint', '--extends=recommended', '--format=json', file], dir);
    let report;
    try {
        report = JSON.parse(stdout);
    } catch {
        assert.fail(`redocly lint exited ${code} without a JSON report:\n${stdout}${stderr}`);
    }
    const line = p => `${p.severity} ${p.ruleId}: ${p.message} at ${p.location.map(l => l.pointer).join(', ')}`;
    const failing = report.problems.filter(p => p.severity === 'error');
    assert.deepEqual(failing.map(line), [], `redocly lint exited ${code}`);
    assert.equal(code, 0, `redocly lint exited ${code}:\n${stderr}`);
    const warnings = report.problems.filter(p => p.severity === 'warn');
    t.diagnostic(`redocly lint ${report.version}, recommended rules: ${warnings.length} warnings` +
        warnings.map(p => `\n  ${p.ruleId}: ${p.message} at ${p.location.map(l => l.pointer).join(', ')}`).join(''));
});
