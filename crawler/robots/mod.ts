/**
 * robots.txt: the rules (RFC 9309, {@linkcode parseRobots}) and the per-host cache a crawl asks
 * ({@linkcode RobotsCache}).
 * @module
 */
export { parseRobots, type Robots, robotsForStatus } from "./parse.ts";
export { RobotsCache, type RobotsStore, type RobotsVerdict } from "./cache.ts";
