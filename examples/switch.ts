/**
 * Explicit switching between two tasks, greenlet style. Ports seed 000/001 ("greenlet实现协程"):
 *
 *   def test1():
 *       print(12); gr2.switch(); print(34); gr2.switch()
 *   def test2():
 *       print(56); gr1.switch(); print(78)
 *   gr1 = greenlet(test1); gr2 = greenlet(test2)
 *   gr1.switch()
 *
 * and with `--long` seed 002's variant:
 *
 *   def test1():
 *       for i in range(10):
 *           print(i); print("切换到g2"); g2.switch(); time.sleep(0.1)
 *   def test2():
 *       for i in range(10, 20):
 *           print(i); print("切换到g1"); g1.switch(); time.sleep(0.1)
 *
 * Run:    deno run examples/switch.ts [--long]
 * Expect: 12, 56, 34, 78 (one per line; test1 never prints after its last switch, because
 *         test2 ends and control returns to the main program, greenlet's parent).
 *         With --long: 0, 切换到g2, 10, 切换到g1, 1, 切换到g2, 11, ... 9, 切换到g2, 19, 切换到g1.
 *         (The seed's time.sleep(0.1) only slows the printing down; it is left out.)
 *
 * greencrawl has no raw `switch()`, and gevent-style code rarely wants one: there you never say
 * *whom* to run next. Every green wait (sleep, queue get, event wait, join, green I/O) is a
 * switch point, and the hub resumes whichever greenlet is ready: the scheduling follows the
 * data. Explicit switching is the engine under gevent, not its interface. To show the engine
 * anyway, each task here is a generator that `yield`s the name of the task to switch to, and a
 * tiny trampoline (the hub) resumes that task.
 */
import { parseArgs } from "node:util";

/** A task yields the name of the task it switches to; returning gives control back to main. */
type Task = Generator<string, void, undefined>;

function* test1(): Task {
  console.log(12);
  yield "gr2";
  console.log(34);
  yield "gr2";
}

function* test2(): Task {
  console.log(56);
  yield "gr1";
  console.log(78);
}

function* longTest1(): Task {
  for (let i = 0; i < 10; i++) {
    console.log(i);
    console.log("切换到g2");
    yield "g2";
  }
}

function* longTest2(): Task {
  for (let i = 10; i < 20; i++) {
    console.log(i);
    console.log("切换到g1");
    yield "g1";
  }
}

/** Runs `first`, then whatever each switch names, until a task returns (like greenlet's parent). */
function trampoline(tasks: Record<string, Task>, first: string): void {
  for (let name: string | undefined = first; name !== undefined;) {
    const step = tasks[name].next();
    name = step.done ? undefined : step.value;
  }
}

const { values } = parseArgs({ options: { long: { type: "boolean", default: false } } });
if (values.long) trampoline({ g1: longTest1(), g2: longTest2() }, "g1");
else trampoline({ gr1: test1(), gr2: test2() }, "gr1"); // gr1.switch()
