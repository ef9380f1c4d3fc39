// Integration tests talk to real servers on a shared 2-core machine: a slow moment is not a
// failure. Timing belongs in bench/, so the per-test limit here is generous.
jest.setTimeout(60_000);
