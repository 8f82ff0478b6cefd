"""Re-record the parts of the golden copy that the comment classifier decides (issue 18).

The classifier was rewritten on purpose in issue 18 (clauses, the "mixed" kind, lemmas, new lexicons), so what
it finds in the sample's comments changed: which themes each respondent mentions, their kinds, hence the theme
impacts, the action plan and the quotes. This script re-records exactly those outputs with the current code and
keeps every other golden number as made from commit 25623e9:

* ``golden/api/comments.json``: the ``result`` of every case (classify_comments, theme_impact, verbatims,
  action_plan), replayed as ``tests/test_golden.py`` replays them;
* ``golden/templates/*.json``: only the top-level result keys ``feedback``, ``action_plan``, ``verbatims``
  and ``headline`` (its last sentence names the costliest theme); the script stops if any other key differs.

Run after a change to the lexicons or the classifier is *meant* to change these outputs, and say so in the
commit:

    .venv/bin/python tests/data/rerecord_golden_comments.py
"""

from __future__ import annotations

import json
import sys
import tempfile
import warnings
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import make_golden as golden  # noqa: E402

sys.path.insert(0, str(HERE.parent))
from test_golden import differences, without_n  # noqa: E402

GOLDEN = HERE / "golden"
DECIDED_BY_COMMENTS = ("feedback", "action_plan", "verbatims", "headline")


def _same(a, b) -> bool:
    return json.dumps(a, sort_keys=True, allow_nan=True) == json.dumps(b, sort_keys=True, allow_nan=True)


def main() -> None:
    warnings.simplefilter("ignore", DeprecationWarning)
    with tempfile.TemporaryDirectory() as work:
        inputs = golden.Inputs(Path(work) / "inputs", golden.load_stored_inputs())
        path = GOLDEN / "api" / "comments.json"
        stored = json.loads(path.read_text(encoding="utf-8"))
        cases = stored["cases"]
        changed = 0
        for case in cases:
            result = json.loads(json.dumps(golden.replay(case, inputs), allow_nan=True))
            changed += not _same(result, case["result"])
            case["result"] = result
        stored["rerecorded"] = "issue 18: the comment classifier rewritten (tests/data/rerecord_golden_comments.py)"
        golden._dump(path, stored)
        print(f"{path.relative_to(HERE)}: {changed} of {len(cases)} cases re-recorded")
        for path in sorted((GOLDEN / "templates").glob("*.json")):
            stored = json.loads(path.read_text(encoding="utf-8"))
            results = json.loads(json.dumps(golden.run_template_case(stored["template"], stored["parameters"],
                                                                     Path(work) / path.stem), allow_nan=True))
            want = stored["results"]
            weighted = bool(stored["parameters"].get("weights_column"))  # n counts answers now: compared without
            got_, want_ = (without_n(results), without_n(want)) if weighted else (results, want)
            other = [k for k in want if k not in DECIDED_BY_COMMENTS
                     and list(differences(got_.get(k), want_[k], allow_new_keys=True))]
            if other:
                raise SystemExit(f"{path.name}: keys not decided by the comments differ: {other}")
            keys = [k for k in DECIDED_BY_COMMENTS if k in want and not _same(results.get(k), want[k])]
            for key in keys:
                want[key] = results[key]
            golden._dump(path, stored)
            print(f"{path.relative_to(HERE)}: re-recorded {keys or 'nothing'}")


if __name__ == "__main__":
    main()
