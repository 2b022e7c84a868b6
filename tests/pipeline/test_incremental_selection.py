"""What an incremental ``dbt build`` selects: the models materialised as tables and every data test that reads
something other than seeds (pipelines/defs/warehouse_assets.py), read off the project's real manifest."""

from __future__ import annotations

from pipelines.defs.warehouse_assets import (
    INCREMENTAL_SELECTION,
    _manifest_json,
    incremental_build_args,
    seed_only_tests,
)


def test_the_seed_only_tests_are_the_seeds_contracts_and_their_references_to_each_other():
    names = seed_only_tests(_manifest_json())
    assert {"units_contract", "kinds_contract", "measures_contract", "qualifiers_contract", "region_codes_contract",
            "dim_indicator_contract", "indicator_direction_contract",
            "relationships_dim_indicator_measure__measure__ref_measures_"} <= set(names)
    # a test of a model that reads a seed (a mart's reference to dim_indicator) still runs in every build
    assert "relationships_fct_indicator_facts_indicator_id__indicator_id__ref_dim_indicator_" not in names
    assert not [n for n in names if n.startswith(("fct_", "stg_", "dim_region", "dim_report", "int_"))]
    assert names == sorted(names)


def test_incremental_build_args_exclude_exactly_the_seed_only_tests():
    manifest = _manifest_json()
    args = incremental_build_args(manifest)
    assert args[: len(INCREMENTAL_SELECTION)] == INCREMENTAL_SELECTION
    excluded = args[args.index("--exclude") + 1 : args.index("--log-level-file")]
    assert excluded == seed_only_tests(manifest)
    assert args[-2:] == ["--log-level-file", "warn"]
