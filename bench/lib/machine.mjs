// What the bench ran on: machine, kernel, versions of everything measured.
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import os from "node:os";

const sh = (cmd, args) => {
  try {
    return execFileSync(cmd, args, { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] }).trim();
  } catch (error) {
    return (error.stdout || error.stderr || "").toString().trim() || "unknown";
  }
};
const pkg = (name) => {
  try {
    return JSON.parse(readFileSync(`node_modules/${name}/package.json`, "utf8")).version;
  } catch {
    return "not installed";
  }
};

export function machineInfo() {
  const cpuinfo = readFileSync("/proc/cpuinfo", "utf8");
  const dirty = sh("git", ["status", "--porcelain", "--", "src"]) !== "";
  return {
    cpu_model: (cpuinfo.match(/^model name\s*:\s*(.*)$/m) ?? [])[1] ?? "unknown",
    cores: os.cpus().length,
    memory_gib: +(os.totalmem() / 2 ** 30).toFixed(1),
    kernel: os.release(),
    node: process.version,
    undici: pkg("undici"),
    portkey: pkg("@portkey-ai/gateway"),
    hono: pkg("hono"),
    hono_node_server: pkg("@hono/node-server"),
    wrk: sh("wrk", ["-v"])
      .split("\n")[0]
      .replace(/ Copyright.*/, ""),
    switchyard_commit:
      sh("git", ["rev-parse", "--short", "HEAD"]) + (dirty ? " (+ uncommitted changes in src/)" : ""),
  };
}
