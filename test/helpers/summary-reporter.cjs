// Mocha's spec reporter, plus a last line that CI reads: "N passed, N failed".
const Mocha = require('mocha');

class SummaryReporter extends Mocha.reporters.Spec {
  epilogue() {
    super.epilogue();
    const { passes = 0, failures = 0, pending = 0 } = this.stats;
    process.stdout.write(
      `${passes} passed, ${failures} failed${pending ? `, ${pending} skipped` : ''}\n`,
    );
  }
}

module.exports = SummaryReporter;
