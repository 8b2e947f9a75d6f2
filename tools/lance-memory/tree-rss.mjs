// Peak resident memory of a command and every process it starts (npm, the launcher, node), summed,
// as the ingest target is stated ("a 100 MB file peaks at ≤ 300 MB"). Linux only (reads /proc).
//   node tools/lance-memory/tree-rss.mjs [--samples FILE] -- npm run -s ingest -- --json FILE
// Also prints the largest single process's own peak (the ingest's node process, its VmHWM: exact).
// The tree is sampled every 200 ms, so its peak can miss a shorter spike; --samples writes one
// line per sample: seconds, total MB, pid:MB of each process.
import { spawn } from 'node:child_process';
import { appendFileSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import process from 'node:process';
import { clearInterval, setInterval } from 'node:timers';

const args = process.argv.slice(2);
const split = args.indexOf('--');
const samplesAt = args.indexOf('--samples');
const samples = samplesAt >= 0 && samplesAt < split ? args[samplesAt + 1] : undefined;
if (split < 0 || split === args.length - 1) {
  process.stderr.write('usage: node tools/lance-memory/tree-rss.mjs [--samples FILE] -- COMMAND [ARGS…]\n');
  process.exit(2);
}
const [command, ...commandArgs] = args.slice(split + 1);
const child = spawn(command, commandArgs, { stdio: 'inherit' });
const started = Date.now();
if (samples) writeFileSync(samples, '');

/** The child and its descendants, from each process's parent id in /proc/PID/stat. */
function tree(root) {
  const children = new Map();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      // Field 4 is the parent; the command name before it may hold spaces, so count from its ')'.
      const parent = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      children.set(parent, [...(children.get(parent) ?? []), Number(entry)]);
    } catch {
      // The process ended between the listing and the read.
    }
  }
  const all = [root];
  for (let i = 0; i < all.length; i++) all.push(...(children.get(all[i]) ?? []));
  return all;
}

/** Resident now and the process's own high-water mark (exact, unlike a sample), in kB. */
function residentKb(pid) {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    return [/VmRSS:\s+(\d+)/, /VmHWM:\s+(\d+)/].map((field) => Number(field.exec(status)?.[1] ?? 0));
  } catch {
    return [0, 0];
  }
}

let peakKb = 0;
/** Each process's own peak (VmHWM, read while it runs), for the ingest node process alone. */
const peakByPid = new Map();
const timer = setInterval(() => {
  const each = tree(child.pid).map((pid) => [pid, ...residentKb(pid)]);
  const totalKb = each.reduce((sum, [, kb]) => sum + kb, 0);
  peakKb = Math.max(peakKb, totalKb);
  for (const [pid, , hwmKb] of each) peakByPid.set(pid, Math.max(peakByPid.get(pid) ?? 0, hwmKb));
  const at = ((Date.now() - started) / 1000).toFixed(1);
  if (samples) appendFileSync(samples, `${at}\t${Math.round(totalKb / 1024)}\t${each.map(([pid, kb]) => `${pid}:${Math.round(kb / 1024)}`).join(' ')}\n`);
}, 200);
child.once('exit', (code, signal) => {
  clearInterval(timer);
  const largestKb = Math.max(0, ...peakByPid.values());
  const mb = (kb) => Math.round(kb / 1024);
  process.stderr.write(`peak ${mb(peakKb)} MB (process tree, sampled), ${mb(largestKb)} MB (largest process alone, VmHWM), ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
  process.exitCode = code ?? (signal ? 1 : 0);
});
