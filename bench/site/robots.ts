/**
 * A minimal robots.txt reader for the test site: just enough to decide which canonical paths a
 * polite crawler may fetch, so `buildSite().reachable()` can leave out the disallowed ones.
 *
 * Supports `User-agent` groups, `Allow`/`Disallow` with `*` and `$`, longest match wins and
 * `Allow` wins a tie (RFC 9309).
 * @module
 */

/** The rules of one robots.txt that apply to one user agent. */
export interface RobotsRules {
  /** True when the agent may fetch `path` (a path with optional query, starting with `/`). */
  isAllowed(path: string): boolean;
}

interface Rule {
  allow: boolean;
  length: number;
  regex: RegExp;
}

function compile(pattern: string): RegExp {
  const anchored = pattern.endsWith("$");
  const body = anchored ? pattern.slice(0, -1) : pattern;
  const source = body.split("*").map((part) => part.replace(/[.+?^${}()|[\]\\]/g, "\\$&")).join(
    ".*",
  );
  return new RegExp("^" + source + (anchored ? "$" : ""));
}

/**
 * Parse robots.txt `text` and return the rules for `agent` (the groups naming it, or else the
 * `*` groups; none at all means everything is allowed).
 *
 * @example
 * ```ts
 * const rules = parseRobots("User-agent: *\nDisallow: /private/\n");
 * rules.isAllowed("/p/1"); // true
 * rules.isAllowed("/private/0"); // false
 * ```
 */
export function parseRobots(text: string, agent = "*"): RobotsRules {
  const want = agent.toLowerCase();
  const named: Rule[] = [];
  const star: Rule[] = [];
  let namedSeen = false;
  let agents: string[] = [];
  let inRules = false;
  for (const raw of text.split(/\r\n|\r|\n/)) {
    const line = raw.replace(/#.*$/, "").trim();
    const colon = line.indexOf(":");
    if (colon < 0) continue;
    const key = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    if (key === "user-agent") {
      if (inRules) agents = [];
      inRules = false;
      agents.push(value.toLowerCase());
      if (want !== "*" && value.toLowerCase() === want) namedSeen = true;
      continue;
    }
    if (key !== "allow" && key !== "disallow") continue;
    inRules = true;
    if (value === "") continue; // "Disallow:" with no path allows everything
    const rule = { allow: key === "allow", length: value.length, regex: compile(value) };
    if (want !== "*" && agents.includes(want)) named.push(rule);
    if (agents.includes("*")) star.push(rule);
  }
  const rules = namedSeen ? named : star;
  return {
    isAllowed(path: string): boolean {
      let best: Rule | null = null;
      for (const rule of rules) {
        if (!rule.regex.test(path)) continue;
        if (
          best === null || rule.length > best.length ||
          (rule.length === best.length && rule.allow)
        ) best = rule;
      }
      return best === null || best.allow;
    },
  };
}
