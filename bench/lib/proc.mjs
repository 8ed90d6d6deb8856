// Process helpers for the bench: start pinned processes, wait for them, read /proc, run tools.
import { spawn, execFileSync } from "node:child_process";
import { openSync, readFileSync, closeSync } from "node:fs";
import http from "node:http";
import net from "node:net";

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
export const CLK_TCK = Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim());

/** A free loopback TCP port (asked from the kernel, then released). */
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer().on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

const started = new Set();

/** Starts `cmd args` pinned to `cpu` (taskset execs it, so the pid is the process itself). */
export function start(name, cpu, cmd, args, { env = {}, log }) {
  const fd = openSync(log, "a");
  const child = spawn("taskset", ["-c", String(cpu), cmd, ...args], {
    env: { ...process.env, ...env },
    stdio: ["ignore", fd, fd],
  });
  closeSync(fd);
  const proc = { name, pid: child.pid, child, log, exited: false, exitCode: null };
  child.on("exit", (code, signal) => Object.assign(proc, { exited: true, exitCode: code ?? signal }));
  started.add(proc);
  return proc;
}

/** SIGTERM, then SIGKILL after `graceMs`; resolves once the process has exited. */
export async function stop(proc, graceMs = 5000) {
  if (!proc) return;
  started.delete(proc);
  if (proc.exited) return;
  const exited = new Promise((resolve) => proc.child.once("exit", resolve));
  proc.child.kill("SIGTERM");
  if ((await Promise.race([exited.then(() => true), sleep(graceMs).then(() => false)])) === false) {
    proc.child.kill("SIGKILL");
    await exited;
  }
}

/** Kills everything this process started (on exit or interrupt). */
export function stopAllSync() {
  for (const proc of started) if (!proc.exited) proc.child.kill("SIGKILL");
  started.clear();
}

function get(url) {
  return new Promise((resolve) => {
    const req = http.get(url, { timeout: 1000 }, (res) => {
      res.resume();
      res.on("end", () => resolve(res.statusCode));
    });
    req.on("error", () => resolve(0));
    req.on("timeout", () => req.destroy());
  });
}

/** Waits until `url` answers any HTTP status; fails if the process exits or time runs out. */
export async function waitHttp(url, proc, timeoutMs = 20_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (proc.exited)
      throw new Error(`${proc.name} exited (${proc.exitCode}) before answering; see ${proc.log}`);
    if ((await get(url)) > 0) return;
    await sleep(100);
  }
  throw new Error(`${proc.name} did not answer ${url} within ${timeoutMs} ms; see ${proc.log}`);
}

/** utime + stime of a process, in seconds. */
export function cpuSeconds(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return (Number(fields[11]) + Number(fields[12])) / CLK_TCK;
}

/** Busy time of one CPU (all processes, irq and softirq included), in seconds, from /proc/stat. */
export function cpuBusySeconds(cpu) {
  const line = readFileSync("/proc/stat", "utf8").match(new RegExp(`^cpu${cpu} (.*)$`, "m"))[1];
  const [user, nice, system, , , irq, softirq, steal] = line.trim().split(/\s+/).map(Number);
  return (user + nice + system + irq + softirq + steal) / CLK_TCK;
}

/** How busy the whole machine is (0..1, all CPUs) over `ms` milliseconds. */
export async function machineBusy(ms) {
  const sample = () => {
    const f = readFileSync("/proc/stat", "utf8")
      .match(/^cpu (.*)$/m)[1]
      .trim()
      .split(/\s+/)
      .map(Number);
    return { busy: f[0] + f[1] + f[2] + f[5] + f[6] + f[7], all: f.slice(0, 8).reduce((a, b) => a + b) };
  };
  const a = sample();
  await sleep(ms);
  const b = sample();
  return b.all > a.all ? (b.busy - a.busy) / (b.all - a.all) : 0;
}

/** A kB field of /proc/PID/status (VmRSS, VmHWM), in MB. */
export function memMB(pid, field) {
  const m = readFileSync(`/proc/${pid}/status`, "utf8").match(new RegExp(`^${field}:\\s+(\\d+) kB`, "m"));
  return m ? +(Number(m[1]) / 1024).toFixed(1) : null;
}

/** Runs a command to completion and returns its stdout (stderr is kept for errors). */
export function run(cmd, args, { env = {}, timeoutMs = 600_000 } = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    let err = "";
    child.stdout.on("data", (d) => (out += d));
    child.stderr.on("data", (d) => (err += d));
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    child.on("error", reject);
    child.on("close", (code) => {
      clearTimeout(timer);
      if (code === 0) resolve(out);
      else reject(new Error(`${cmd} ${args.join(" ")} exited ${code}: ${err.slice(-500)}`));
    });
  });
}
