/**
 * What a bot needs in memory to serve a store: opens it as `npm start` does, answers the given
 * questions (the first few twice, to warm up), and prints its own peak resident memory and the
 * warm questions' latency as JSON. The bench runs it as a separate process so that neither the
 * ingest nor the brute-force baseline counts.
 *
 * Usage: node serve-probe.js <store uri> <questions as a JSON array>
 */
import { readFileSync } from 'node:fs';
import { openEngine } from '../app.ts';
import { percentile } from '../eval/metrics.ts';

const WARM_UP = 3;

const [uri, questions] = process.argv.slice(2);
if (!uri || !questions) throw new Error('usage: serve-probe <store uri> <questions as a JSON array>');
const asked = JSON.parse(questions) as string[];
const { engine } = await openEngine({ store: { uri }, embeddings: { kind: 'builtin' }, corpusPath: '' }, { seed: false });
for (const question of asked.slice(0, WARM_UP)) await engine.ask(question);
const ms: number[] = [];
for (const question of asked) {
  const t = performance.now();
  await engine.ask(question);
  ms.push(performance.now() - t);
}
await engine.close();
process.stdout.write(JSON.stringify({ maxRssMb: peakRssMb(), askP50Ms: percentile(ms, 50), askP95Ms: percentile(ms, 95) }));

/**
 * This process's peak resident memory. On Linux the kernel's high-water mark of its own memory:
 * getrusage's maxRSS starts from the parent's resident size at fork, so a probe the bench spawns
 * reported the bench's (at 10k papers 371 MB where the probe itself peaked at 233 MB).
 */
function peakRssMb(): number {
  const hwm = process.platform === 'linux' ? /^VmHWM:\s+(\d+) kB/m.exec(readFileSync('/proc/self/status', 'utf8')) : null;
  return hwm ? Number(hwm[1]) / 1024 : process.resourceUsage().maxRSS / 1024;
}
