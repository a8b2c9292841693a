"""The tests' own rule for what they need (harness.py, "tests that cannot
run here"): every program a suite runs is declared in harness.TOOLS and
guarded by harness.require_tools in the file that runs it; every package
behind a program or a Python module is one scripts/install-deps.sh
installs, so the README's test command skips nothing; and a suite that
skips exits with the status ctest is told to count as skipped."""
import glob
import importlib.util
import os
import re
import shutil
import subprocess
import sys
import tempfile
import textwrap
import unittest

import harness

HERE = os.path.dirname(os.path.abspath(__file__))
SOURCE = os.path.dirname(os.path.dirname(HERE))

# A program name as the first item of a command list: run([...]),
# Popen([...]), Daemon("name", [...]), or `prefix = [...]`.
_RUNS = re.compile(r'(?:\b(?:run|Popen|check_output|check_call)\(|\bDaemon\(\s*"[^"]*",'
                   r'|\b(?:prefix|argv|cmd|command) =)\s*\[\s*"([^"]+)"')
_REQUIRES = re.compile(r"require_tools\(([^)]*)\)")
_IMPORTS = re.compile(r"(?m)^(?:import|from)\s+([\w.]+(?:\s*,\s*[\w.]+)*)")


def sources():
    return sorted(glob.glob(os.path.join(HERE, "*.py")))


def read(path):
    with open(path) as f:
        return f.read()


def install_deps_packages():
    text = read(os.path.join(SOURCE, "scripts", "install-deps.sh"))
    block = re.search(r"(?ms)^packages=\((.*?)^\)", text).group(1)
    return {word for line in block.splitlines()
            for word in line.split("#", 1)[0].split()}


def dpkg_owner(path):
    """The package that installed `path`, or None. Debian 12 merges /bin
    into /usr/bin, but dpkg may know a file by its /bin name."""
    real = os.path.realpath(path)
    for candidate in (real, real[len("/usr"):] if real.startswith("/usr/") else None):
        if candidate is None:
            continue
        out = subprocess.run(["dpkg", "-S", candidate], capture_output=True, text=True,
                             timeout=30)
        if out.returncode == 0:
            return out.stdout.split(":", 1)[0]
    return None


class DeclaredDependenciesTest(unittest.TestCase):
    def test_every_program_run_is_declared_and_required_where_it_runs(self):
        for path in sources():
            text = read(path)
            ran = set(_RUNS.findall(text))
            required = set(re.findall(r'"([^"]+)"', " ".join(_REQUIRES.findall(text))))
            with self.subTest(file=os.path.basename(path)):
                self.assertEqual(ran - set(harness.TOOLS), set(), "not in harness.TOOLS")
                self.assertEqual(ran - required, set(),
                                 "run without harness.require_tools in this file")
                self.assertEqual(required - set(harness.TOOLS), set())
        # The pattern finds what it should (this file's own dpkg included).
        self.assertIn("dpkg", _RUNS.findall(read(__file__)))

    def test_every_module_outside_the_standard_library_is_declared(self):
        for path in sources():
            names = {n.strip().split(".")[0] for m in _IMPORTS.findall(read(path))
                     for n in m.split(",")}
            local = {os.path.splitext(os.path.basename(p))[0] for p in sources()}
            with self.subTest(file=os.path.basename(path)):
                self.assertEqual(names - set(sys.stdlib_module_names) - local
                                 - set(harness.MODULES), set())

    def test_install_deps_installs_every_package_the_tests_need(self):
        packages = install_deps_packages()
        self.assertIn("knot-dnsutils", packages)  # the parse found the list
        needed = set(harness.TOOLS.values()) | set(harness.MODULES.values())
        self.assertEqual(needed - packages, set())

    def test_skip_status_is_ctests_skip_return_code(self):
        cmake = read(os.path.join(HERE, "CMakeLists.txt"))
        self.assertIn(f"set(DNSD_SKIP_EXIT {harness.SKIP_EXIT})", cmake)
        self.assertIn("SKIP_RETURN_CODE ${DNSD_SKIP_EXIT}", cmake)
        self.assertIn("COMMAND ${DNSD_PYTHON} run_suite.py test_${suite}", cmake)

    def test_installed_tools_come_from_the_declared_packages(self):
        # Checks that TOOLS names the right package for each program that is
        # here; then skips if any is not (scripts/install-deps.sh installs them).
        harness.require_tools("dpkg")
        absent = []
        for tool, package in sorted(harness.TOOLS.items()):
            path = shutil.which(tool)
            if path is None:
                absent.append(tool)
                continue
            with self.subTest(tool=tool):
                self.assertEqual(dpkg_owner(path), package, path)
        for module, package in sorted(harness.MODULES.items()):
            spec = importlib.util.find_spec(module)
            if spec is None:
                absent.append(module)
                continue
            with self.subTest(module=module):
                self.assertEqual(dpkg_owner(spec.origin), package, spec.origin)
        if absent:
            harness.skip(f"not installed, so not checked: {absent}")


class RunSuiteTest(unittest.TestCase):
    """run_suite.py's exit status for each outcome, on throw-away suites."""

    def status(self, body):
        with tempfile.TemporaryDirectory(prefix="dnsd-run-suite-") as tmp:
            with open(os.path.join(tmp, "test_probe.py"), "w") as f:
                f.write("import unittest\nimport harness\n\n" + textwrap.dedent(body))
            env = dict(os.environ, PYTHONPATH=tmp, PYTHONDONTWRITEBYTECODE="1")
            out = subprocess.run([sys.executable, "run_suite.py", "test_probe"], cwd=HERE,
                                 env=env, capture_output=True, text=True, timeout=60)
        return out.returncode, out.stderr

    def test_passing_suite_exits_0(self):
        code, _ = self.status("""
            class T(unittest.TestCase):
                def test_a(self):
                    pass
            """)
        self.assertEqual(code, 0)

    def test_a_skipped_test_makes_the_suite_a_skip(self):
        code, err = self.status("""
            class T(unittest.TestCase):
                def test_a(self):
                    pass
                def test_b(self):
                    harness.skip("no frobnicator here")
            """)
        self.assertEqual(code, harness.SKIP_EXIT, err)
        self.assertIn("SKIP: no frobnicator here", err)

    def test_skips_in_module_set_up_and_at_import(self):
        code, err = self.status("""
            def setUpModule():
                harness.skip("not in this module")
            class T(unittest.TestCase):
                def test_a(self):
                    pass
            """)
        self.assertEqual(code, harness.SKIP_EXIT, err)
        code, err = self.status("harness.skip('at import')\n")
        self.assertEqual(code, harness.SKIP_EXIT, err)

    def test_a_missing_program_is_a_skip(self):
        code, err = self.status("""
            import os
            class T(unittest.TestCase):
                def test_a(self):
                    os.environ["PATH"] = "/nonexistent"
                    harness.require_tools("promtool")
            """)
        self.assertEqual(code, harness.SKIP_EXIT, err)
        self.assertIn("missing promtool (Debian package prometheus)", err)

    def test_failure_wins_over_skip(self):
        code, _ = self.status("""
            class T(unittest.TestCase):
                def test_a(self):
                    self.fail("broken")
                def test_b(self):
                    harness.skip("not here")
            """)
        self.assertEqual(code, 1)

    def test_no_tests_is_a_failure(self):
        code, _ = self.status("X = 1\n")
        self.assertEqual(code, 1)


if __name__ == "__main__":
    harness.main()
