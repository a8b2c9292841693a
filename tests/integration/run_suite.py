"""ctest's entry point for one suite: `python3 run_suite.py test_<suite>`.
Exits 0 if every test passed, harness.SKIP_EXIT if any was skipped (ctest:
Skipped), 1 otherwise; see harness.run_suite."""
import sys

import harness

if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: run_suite.py test_<suite>")
    sys.exit(harness.run_suite(sys.argv[1]))
