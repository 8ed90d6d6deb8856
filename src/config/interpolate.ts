/**
 * `${NAME}`, `${NAME:-default}` and `$${` in the configuration's strings, replaced from the environment.
 *
 * - `${NAME}`: the variable must be set and not empty; otherwise a problem names the path.
 * - `${NAME:-default}`: the default when the variable is unset or empty (shell semantics); `${NAME:-}`
 *   makes a setting optional.
 * - A value that held a reference and is empty once replaced counts as not written: the key is left out,
 *   so `session_token: ${AWS_SESSION_TOKEN:-}` means "no session token" when the variable is unset.
 * - `$${` is a literal `${`. Anything else between `${` and `}` is reported, never kept as text.
 *
 * Only string values are replaced (keys are not), and the result is always a string.
 */
export function interpolateEnv(
  value: unknown,
  env: NodeJS.ProcessEnv,
  problems: string[],
  path: readonly (string | number)[] = [],
): unknown {
  if (typeof value === "string") return interpolateString(value, env, problems, path);
  if (Array.isArray(value))
    return value.map((item, index) => interpolateEnv(item, env, problems, [...path, index]));
  if (value !== null && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) {
      const replaced = interpolateEnv(item, env, problems, [...path, key]);
      const emptied = replaced === "" && typeof item === "string" && reference.test(item);
      if (!emptied) out[key] = replaced;
    }
    return out;
  }
  return value;
}

/** Any `${…}` (for the emptiness test); the grammar inside is checked by `interpolateString`. */
const reference = /\$\{[^}]*\}/;
const token = /\$\$\{|\$\{([^}]*)\}/g;
const inner = /^([A-Za-z_][A-Za-z0-9_]*)(:-([\s\S]*))?$/;

function interpolateString(
  text: string,
  env: NodeJS.ProcessEnv,
  problems: string[],
  path: readonly (string | number)[],
): string {
  return text.replace(token, (match, body: string | undefined) => {
    if (body === undefined) return "${";
    const parts = inner.exec(body);
    const where = formatConfigPath(path);
    if (parts === null) {
      problems.push(
        `${where}: "${match}" is not an environment reference; write \${NAME}, \${NAME:-default}, or $\${ for a literal "\${"`,
      );
      return "";
    }
    const name = parts[1] ?? "";
    const fallback = parts[2] === undefined ? undefined : (parts[3] ?? "");
    const found = env[name];
    if (found !== undefined && found !== "") return found;
    if (fallback !== undefined) return fallback;
    problems.push(
      found === undefined
        ? `${where}: environment variable ${name} is not set (write \${${name}:-} if it is optional)`
        : `${where}: environment variable ${name} is empty (write \${${name}:-} if it is optional)`,
    );
    return "";
  });
}

/** `providers.azure-eastus.api_key`, `keys[0].tenant`. */
export function formatConfigPath(path: readonly PropertyKey[]): string {
  let out = "";
  for (const segment of path) {
    if (typeof segment === "number") out += `[${segment}]`;
    else out += out === "" ? String(segment) : `.${String(segment)}`;
  }
  return out;
}
