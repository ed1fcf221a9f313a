#!/usr/bin/env python3
"""Runs the integration tests against a running Tawasul stack.

scripts/check starts the stack and sets TW_BASE_URL, TW_VAR and TW_TOP;
this runner loads every tests/integration/test_*.py with unittest and
ends with the line "N passed, N failed". Names given on the command line
select test modules or single tests (test_portal.ComplaintTest).
"""
import os
import sys
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))


def main():
    sys.path.insert(0, HERE)
    loader = unittest.TestLoader()
    if len(sys.argv) > 1:
        suite = loader.loadTestsFromNames(sys.argv[1:])
    else:
        suite = loader.discover(HERE, pattern="test_*.py", top_level_dir=HERE)
    result = unittest.TextTestRunner(verbosity=2, stream=sys.stdout).run(suite)
    failed = len(result.failures) + len(result.errors)
    passed = result.testsRun - failed - len(result.skipped)
    print(f"{passed} passed, {failed} failed, {len(result.skipped)} skipped")
    return 0 if failed == 0 and result.testsRun > 0 else 1


if __name__ == "__main__":
    sys.exit(main())
