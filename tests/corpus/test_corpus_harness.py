"""bench/corpus.py's own logic, on small specs written here (no corpus needed)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tests.corpus.test_corpus_slice import bench

SPEC: dict[str, Any] = {
    "openapi": "3.0.3",
    "info": {"title": "Pets", "version": "1"},
    "paths": {
        "/pets/{pet_id}": {
            "parameters": [{"name": "pet_id", "in": "path", "required": True, "schema": {"type": "string"}}],
            "get": {
                "operationId": "getPet",
                "parameters": [
                    {"name": "Accept", "in": "header", "required": True, "schema": {"type": "string"}},
                    {"name": "verbose", "in": "query", "required": True, "schema": {"type": "boolean"}},
                    {"name": "page", "in": "query", "schema": {"type": "integer"}},
                ],
                "responses": {"200": {"description": "ok", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Pet"}}}}},
            },
            "x-not-a-method": {},
        },
        "/pets": {
            "post": {
                "operationId": "createPet",
                "requestBody": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/NewPet"}}}},
                "responses": {"201": {"description": "ok"}},
            },
            "put": {
                "operationId": "replacePets",
                "requestBody": {"required": False, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/NewPet"}}}},
                "responses": {"204": {"description": "ok"}},
            },
        },
    },
    "webhooks": {"newPet": {"post": {"responses": {"200": {"description": "ok"}}}}},
    "components": {
        "schemas": {
            "Pet": {"type": "object", "properties": {"id": {"type": "string"}}},
            "NewPet": {
                "type": "object",
                "required": ["name", "kind", "id", "tag", "species"],
                "properties": {
                    "name": {"type": "string"},
                    "kind": {"type": "string", "enum": ["dog", "cat"]},
                    "id": {"type": "string", "readOnly": True},
                    "tag": {"type": "string", "default": "none"},
                    "species": {"type": "string", "enum": ["animal"]},
                },
            },
        }
    },
}


def test_operations_are_methods_under_paths_only() -> None:
    assert sorted(bench.spec_operations(SPEC)) == [("GET", "/pets/{pet_id}"), ("POST", "/pets"), ("PUT", "/pets")]


def test_required_arguments_count_what_the_spec_requires() -> None:
    assert bench.required_arguments(SPEC) == {
        # the path parameter and the required query parameter; Accept is not a parameter in OpenAPI
        "GET /pets/{pet_id}": 2,
        # required body properties, requestBody.required absent: name and kind (not readOnly, default, one-value enum)
        "POST /pets": 2,
        # a body declared optional requires nothing
        "PUT /pets": 0,
    }


def test_a_sample_is_deterministic_and_a_larger_mypy_choice_keeps_a_smaller_one() -> None:
    specs = [f"api/p{i}.json" for i in range(50)]
    assert bench.choose(specs, 10, 1, []) == bench.choose(list(reversed(specs)), 10, 1, [])
    assert bench.choose(specs, 10, 1, []) != bench.choose(specs, 10, 2, [])
    assert bench.choose(specs, None, 1, ["api/p1?.json"]) == [f"api/p{i}.json" for i in range(10, 20)]
    assert bench.mypy_choice(specs, 5, 1) <= bench.mypy_choice(specs, 20, 1)


def test_the_list_file_gives_paths_and_their_comments(tmp_path: Path) -> None:
    listing = tmp_path / "list.txt"
    listing.write_text("# heading\napi/a.json\n\napi/b.json  # xfail: a cause\n")
    assert bench.read_list(listing) == {"api/a.json": "", "api/b.json": "xfail: a cause"}


def test_the_worker_reaches_every_operation_of_a_small_spec(tmp_path: Path) -> None:
    corpus = tmp_path / "package"
    (corpus / "api").mkdir(parents=True)
    (corpus / "api" / "pets.json").write_text(json.dumps(SPEC))
    row = bench.check_spec("api/pets.json", corpus, 120.0, False, None)
    assert row["outcome"] == "generated", row.get("reason")
    assert (row["ops"], row["ops_reached"], row["requests_unmatched"]) == (3, 3, [])
    assert row["modules_failed"] == 0 and row["methods"] == 3


def test_a_refused_spec_gives_its_located_error(tmp_path: Path) -> None:
    corpus = tmp_path / "package"
    (corpus / "api").mkdir(parents=True)
    broken = json.loads(json.dumps(SPEC))
    broken["paths"]["/pets"]["post"]["requestBody"]["content"]["application/json"]["schema"]["$ref"] = "#/components/schemas/Nope"
    (corpus / "api" / "broken.json").write_text(json.dumps(broken))
    row = bench.check_spec("api/broken.json", corpus, 120.0, False, None)
    assert row["outcome"] == "refused"
    assert row["reason"].startswith("api/broken.json:")
    assert "#/components/schemas/Nope" in row["reason"]


def test_the_worker_counts_naming_defects_and_the_summary_reports_them(tmp_path: Path) -> None:
    """bench/names.py's checks per spec: here one attribute keeps its camelCase wire name
    (`petName` beside `pet_name`), which the summary, the table and the causes report."""
    corpus = tmp_path / "package"
    (corpus / "api").mkdir(parents=True)
    spec = json.loads(json.dumps(SPEC))
    spec["components"]["schemas"]["Pet"]["properties"].update({"petName": {"type": "string"}, "pet_name": {"type": "string"}})
    (corpus / "api" / "pets.json").write_text(json.dumps(spec))
    row = bench.check_spec("api/pets.json", corpus, 120.0, False, None)
    assert row["outcome"] == "generated", row.get("reason")
    naming = row["naming"]
    assert (naming["operations"], naming["any"], naming["attr_case"], naming["attr_num"]) == (3, 0, 1, 0)
    assert naming["fields"] >= 3
    ours = {"api/pets.json": row}
    assert "naming defects: 0 of 3 operations, 1 of " in bench.summary(["api/pets.json"], ours, None)
    assert "1 of 1 specs with any" in bench.table(["api/pets.json"], ours, None, None)
    assert "naming defects: 1 specs; most: api/pets.json (attr_case 1)" in bench.causes(["api/pets.json"], ours)


def test_the_harness_names_the_defects_bench_names_counts() -> None:
    import importlib.util

    spec = importlib.util.spec_from_file_location("bench_names", Path(bench.__file__).parent / "names.py")
    assert spec is not None and spec.loader is not None
    names = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(names)
    assert (bench.NAMING_DEFECTS, bench.ATTRIBUTE_DEFECTS) == (names.DEFECTS, names.ATTRIBUTE_DEFECTS)


def test_peer_rows_alone_count_operations_from_the_spec_count_they_carry() -> None:
    # A --peer-only run has no row of ours for the spec: the peer's reach is out of its own spec count.
    peer = {"api/a.json": {"spec": "api/a.json", "peer_outcome": "generated", "peer_endpoints": 3, "peer_spec_ops": 4,
                           "peer_seconds": 1.0, "peer_rss_mb": 40.0},
            "api/b.json": {"spec": "api/b.json", "peer_outcome": "refused", "peer_endpoints": 0, "peer_spec_ops": 6,
                           "peer_seconds": 2.0, "peer_rss_mb": 41.0}}
    text = bench.table(["api/a.json", "api/b.json"], {}, peer, None)
    assert "| operations reachable | 0/0 (-) | 3/10 (30.0 %;" in text
    assert "| generate | 0/0 (-) | 1/2 (50.0 %) |" in text
    # Our row, when there is one, gives the count (the peer's recorded count is ignored then).
    ours = {"api/a.json": {"spec": "api/a.json", "outcome": "generated", "ops": 5, "ops_reached": 5}}
    assert "3/11 (27.3 %;" in bench.table(["api/a.json", "api/b.json"], ours, peer, None)
