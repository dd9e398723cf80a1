// Ping round trip through Chromium over one connectNative port: our host (bin/nm-host; the daemon serves the
// port's pipes) vs the minimal Python host in peers/. n sequential requests per run, after one unmeasured
// run, timed in the extension's service worker with performance.now() (each, rounded to 0.1 ms, for the
// median; all n together for the mean); runs alternate between the rows. Then 30 sendNativeMessage calls each
// (a new host process per call: start-up dominates), alternating, after one unmeasured call each.
// Usage: node bench/ping.mjs [n] [runs]
import { join } from 'node:path';
import { nmHost, REPO } from '../lib/nm-host.mjs';
import { startSession } from '../lib/session.mjs';

const n = Number(process.argv[2] ?? 2000);
const runs = Number(process.argv[3] ?? 3);
const PEER = 'nm_peer_echo';

function percentile(sorted, p) {
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))];
}

// The median of sorted values: of an even count, the mean of the two middle ones.
function median(sorted) {
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

const session = await startSession();
try {
  await nmHost(
    ['install', '--browser', 'chromium', '--user-data-dir', session.userDataDir, '--host-name', PEER,
      '--host-path', join(REPO, 'e2e/peers/echo_host.py'), '--extension-id', session.ids.allowed],
    session.env,
  );
  // What each row sends: our `hello` answers with the protocol and the route list (511 bytes); `cancel` of an id
  // not in flight answers {"cancelled": false} (62 bytes), the size of the peer's echo (50 bytes).
  const rows = [
    ['nm-host, hello (511-byte reply)', 'nm_host', 'hello', {}],
    ['nm-host, cancel (62-byte reply)', 'nm_host', 'cancel', { request_id: 'not-in-flight' }],
    ['python peer (50-byte reply)', PEER, 'hello', {}],
  ];
  const results = Object.fromEntries(rows.map(([name]) => [name, []]));
  // One unmeasured run per row first: the daemon starts with the session, and its first requests are compiled.
  for (let run = -1; run < runs; run++) {
    for (const [name, host, route, payload] of rows) {
      const { times, total, error } = await session.workers.allowed.evaluate(
        ([count, h, r, p]) => nm.ping(count, r, p, h), [n, host, route, payload]);
      if (error) throw new Error(`${name}: ${error}\n${session.log()}`);
      if (run < 0) continue;
      const sorted = times.sort((a, b) => a - b);
      results[name].push({ median: median(sorted), p99: percentile(sorted, 0.99), mean: total / n });
    }
  }
  console.log(`ping round trip over connectNative, n=${n} per run, ${runs} runs (ms)`);
  console.log("| host | median per run | mean per run | p99 per run | median of means ÷ the peer's |");
  console.log('|---|---|---|---|---:|');
  const medianOfMeans = (list) => median(list.map((r) => r.mean).sort((a, b) => a - b));
  for (const [name, list] of Object.entries(results)) {
    const ratio = medianOfMeans(list) / medianOfMeans(results[rows[2][0]]);
    console.log(`| ${name} | ${list.map((r) => r.median.toFixed(2)).join(', ')} | ${list.map((r) => r.mean.toFixed(3)).join(', ')} | ${list.map((r) => r.p99.toFixed(2)).join(', ')} | ${ratio.toFixed(2)} |`);
  }
  // The calls alternate between the hosts, after one unmeasured call each, so that both see the same load.
  const onceHosts = [['nm-host', 'nm_host'], ['python peer', PEER]];
  const once = Object.fromEntries(onceHosts.map(([name]) => [name, []]));
  for (let call = -1; call < 30; call++) {
    for (const [name, host] of onceHosts) {
      const { times, error } = await session.workers.allowed.evaluate((h) => nm.sendOnceTimes(1, 'hello', {}, h), host);
      if (error) throw new Error(`${name}: ${error}\n${session.log()}`);
      if (call >= 0) once[name].push(times[0]);
    }
  }
  for (const name of Object.keys(once)) once[name].sort((a, b) => a - b);
  console.log('\nsendNativeMessage (new host process per call), 30 calls (ms)');
  console.log('| host | median | p90 |');
  console.log('|---|---|---|');
  for (const [name, sorted] of Object.entries(once)) {
    console.log(`| ${name} | ${median(sorted).toFixed(1)} | ${percentile(sorted, 0.9).toFixed(1)} |`);
  }
} finally {
  await session.close();
}
