/**
 * The local site of `demo.ts` (run as its Worker; not an example itself): the tests' fault
 * server on 127.0.0.1, which has fast, slow, streamed, failing and redirecting pages. It runs on
 * a thread of its own because `--compare` also runs the list in blocking mode, which freezes the
 * demo's thread during every request: a server on that thread could not answer.
 *
 * Protocol: posts the site's URL once listening; on any message, closes and posts "closed".
 */
import { startFaultServer } from "../tests/fixtures/fault_server.ts";

/** The worker side of `postMessage`, typed here because this file is checked with the window lib. */
const port = self as unknown as {
  postMessage(message: string): void;
  onmessage: (() => void) | null;
};

const server = await startFaultServer();
port.onmessage = async () => {
  await server.close();
  port.postMessage("closed");
};
port.postMessage(server.url);
