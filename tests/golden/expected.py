"""Golden outputs: every example is run and compared with ``examples/expected/<name>.json``.

Regenerate after a deliberate change with ``python -m tests.golden.expected`` and review the
diff: each changed figure must be explained by the change.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from genofab.engines.run import evaluate
from genofab.io.scenario_file import load_scenario
from genofab.results.run import ScenarioInfo
from tests.helpers import EXAMPLES, ROOT, scenario_examples

EXPECTED = EXAMPLES / "expected"
#: Keys that change without the figures changing (release number, bytes of the file).
VOLATILE = ("genofab_version",)


def run_example(path: Path) -> dict[str, Any]:
    """The JSON output of one example, as ``genofab run --format json`` prints it."""
    loaded = load_scenario(path)
    origin = ScenarioInfo(name=loaded.scenario.name, file=path.relative_to(ROOT).as_posix())
    output = evaluate(loaded.scenario, origin).to_json_dict()
    for key in VOLATILE:
        output.pop(key)
    return output


def chain_examples() -> list[Path]:
    """The examples in the chain format ``genofab-chain/1``."""
    return [
        path
        for path in sorted(EXAMPLES.glob("*.yaml"))
        if "format: genofab-chain/1" in path.read_text(encoding="utf-8").splitlines()
    ]


def run_chain_example(path: Path) -> dict[str, Any]:
    """The JSON output of one chain example, as ``genofab run --format json`` prints it."""
    from genofab.views.chain_command import evaluate_chain_file

    _, result = evaluate_chain_file(path)
    output = result.to_json_dict()
    for key in VOLATILE:
        output.pop(key)
    files = [output["chain"]] + [stage["scenario"] for stage in output["stages"]]
    files += [stage["result"]["scenario"] for stage in output["stages"]]
    for info in files:
        info["file"] = Path(info["file"]).resolve().relative_to(ROOT).as_posix()
    for stage in output["stages"]:
        for key in VOLATILE:
            stage["result"].pop(key)
    return output


def expected_path(example: Path) -> Path:
    return EXPECTED / f"{example.stem}.json"


def main() -> None:
    EXPECTED.mkdir(exist_ok=True)
    for example in scenario_examples():
        text = json.dumps(run_example(example), indent=2, ensure_ascii=False, allow_nan=False)
        expected_path(example).write_text(text + "\n", encoding="utf-8")
        print(f"wrote {expected_path(example).relative_to(ROOT)}")
    for example in chain_examples():
        text = json.dumps(run_chain_example(example), indent=2, ensure_ascii=False, allow_nan=False)
        expected_path(example).write_text(text + "\n", encoding="utf-8")
        print(f"wrote {expected_path(example).relative_to(ROOT)}")


if __name__ == "__main__":
    main()
