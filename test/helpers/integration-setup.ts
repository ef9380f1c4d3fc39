// Integration tests talk to real servers on a shared 2-core machine: a slow moment is not a
// failure. Timing belongs in bench/, so the per-test limit here is generous.
jest.setTimeout(60_000);

// Unit letters (MAIL_LETTERS, on in production) gather a unit's notices of one moment into one
// email. The suites written for single notices (their subjects, links, counts per notice) run with
// letters off; the letter suites (notify-letters, the fault tests' letter cases) turn them on.
process.env.MAIL_LETTERS ??= 'off';
