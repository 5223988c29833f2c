"""Explained paths between concepts and neighbourhoods, in English and Chinese."""

from __future__ import annotations

import json

import pytest

from qegraph import load
from qegraph.cli import main
from qegraph.errors import ConceptLookupError, InputError
from qegraph.paths import explain_paths, neighbors
from qegraph.resources import ontology_dir


@pytest.fixture()
def contrast(fixtures):
    files = [str(ontology_dir() / "schema.ttl")]
    files += [str(fixtures / n) for n in ("analysis-tiny.ttl", "analysis-contrast.ttl")]
    return load(files, bundled=False)


def test_bundled_path_is_explained_word_for_word_in_english(bundled_graph):
    report = explain_paths(bundled_graph, "qe:personalized-education", "qe:individual-differences")
    assert report.render() == "personalized education -- respects -> individual differences"


def test_bundled_path_is_explained_word_for_word_in_chinese(bundled_graph):
    report = explain_paths(
        bundled_graph, "personalized education", "individual differences", lang="zh-Hans"
    )
    assert report.render() == "个性化教育 -- 尊重 -> 个体差异"


def test_a_step_against_the_triple_reads_backwards_in_both_languages(contrast):
    en = explain_paths(contrast, "careful practice", "first part")
    assert en.sentences == ["careful practice <- emphasises -- hub idea -- includes -> first part"]
    zh = explain_paths(contrast, "细致实践", "第一部分", lang="zh-Hans")
    assert zh.sentences == ["细致实践 <- 强调 -- 枢纽观念 -- 包括 -> 第一部分"]


def test_names_are_case_insensitive_and_accept_iris(contrast):
    report = explain_paths(contrast, "DEEP SKILL", "<https://example.org/tiny/c>")
    assert report.sentences == ["deep skill <- requires -- careful practice"]


def test_all_paths_lists_every_simple_path_shortest_first(contrast):
    report = explain_paths(contrast, "first part", "deep skill", all_paths=True)
    assert report.sentences == [
        "first part <- includes -- hub idea -- emphasises -> careful practice -- requires -> "
        "deep skill",
        "first part <- includes -- hub idea <- opposes -- cramming -- neglects -> deep skill",
    ]


def test_max_length_excludes_longer_paths(contrast):
    report = explain_paths(contrast, "first part", "deep skill", max_length=2)
    assert report.paths == []
    assert report.render() == "No path of at most 2 steps connects first part and deep skill."


def test_no_path_says_so_plainly(contrast):
    report = explain_paths(contrast, "deep skill", "lonely goal")
    assert report.render() == (
        "No path connects deep skill and lonely goal: they are in different parts of the graph."
    )


def test_the_same_concept_twice_says_so(contrast):
    report = explain_paths(contrast, "deep skill", "深层能力")
    assert report.render() == "deep skill and deep skill are the same concept."


def test_an_ambiguous_name_lists_its_candidates(contrast):
    with pytest.raises(ConceptLookupError) as err:
        explain_paths(contrast, "shared name", "hub idea")
    assert str(err.value) == (
        "'shared name' is ambiguous; it names: https://example.org/tiny/b (second part); "
        "https://example.org/tiny/d (deep skill)"
    )


def test_an_unknown_name_suggests_close_matches(contrast):
    with pytest.raises(ConceptLookupError) as err:
        explain_paths(contrast, "hub idea", "deep skil")
    assert str(err.value) == "unknown concept 'deep skil'; did you mean 'deep skill'?"


def test_a_name_that_is_not_a_concept_is_refused(contrast):
    with pytest.raises(ConceptLookupError, match="is not a concept"):
        explain_paths(contrast, "qe:Dimension", "hub idea")


def test_unknown_language_is_an_input_error(contrast):
    with pytest.raises(InputError, match="unknown language 'fr'"):
        explain_paths(contrast, "hub idea", "deep skill", lang="fr")


def test_path_json_lists_steps_and_sentences(contrast):
    data = json.loads(explain_paths(contrast, "careful practice", "deep skill").render("json"))
    assert data["paths"] == [
        {
            "sentence": "careful practice -- requires -> deep skill",
            "length": 1,
            "steps": [
                {
                    "subject": "https://example.org/tiny/c",
                    "predicate": "qe:requires",
                    "object": "https://example.org/tiny/d",
                    "forward": True,
                }
            ],
        }
    ]


def test_neighbors_lists_each_ring_of_relations(contrast):
    text = neighbors(contrast, "hub idea", depth=2).render()
    assert text.splitlines() == [
        "hub idea (https://example.org/tiny/hub): 6 concepts within 2 steps",
        "1 step:",
        "  cramming -- opposes -> hub idea",
        "  hub idea -- emphasises -> careful practice",
        "  hub idea -- includes -> first part",
        "  hub idea -- includes -> second part",
        "2 steps:",
        "  careful practice -- opposes -> drilling",
        "  careful practice -- requires -> deep skill",
        "  cramming -- neglects -> deep skill",
    ]


def test_neighbors_in_chinese(contrast):
    text = neighbors(contrast, "深层能力", lang="zh-Hans").render()
    assert text.splitlines()[1:] == [
        "1 step:",
        "  死记硬背 -- 忽视 -> 深层能力",
        "  细致实践 -- 要求 -> 深层能力",
    ]


def test_neighbors_depth_below_one_is_an_input_error(contrast):
    with pytest.raises(InputError, match="--depth must be at least 1"):
        neighbors(contrast, "hub idea", depth=0)


# ---- command line ----------------------------------------------------------------------------


def test_cli_path_prints_the_sentence(runner):
    result = runner.invoke(
        main, ["path", "个性化教育", "qe:individual-differences", "--lang", "zh-Hans"]
    )
    assert result.exit_code == 0, result.output
    assert result.output == "个性化教育 -- 尊重 -> 个体差异\n"


def test_cli_path_unknown_concept_exits_2_with_the_message(runner):
    result = runner.invoke(main, ["path", "personalised educaton", "qe:quality-education"])
    assert result.exit_code == 2
    assert result.stderr.startswith("Error: unknown concept 'personalised educaton'; did you mean")


def test_cli_neighbors_prints_the_rings(runner):
    result = runner.invoke(main, ["neighbors", "qe:personalized-education"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].startswith("personalized education (qe:personalized-education): ")
    assert "  personalized education -- respects -> individual differences" in lines


def test_cli_neighbors_json(runner):
    result = runner.invoke(main, ["neighbors", "qe:personalized-education", "--format", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["concept"] == "https://w3id.org/qegraph/personalized-education"
    assert {"https://w3id.org/qegraph/individual-differences"} <= {
        n["node"] for n in data["neighbors"]
    }


@pytest.mark.parametrize("command", ["analyze", "path", "neighbors"])
def test_every_analysis_command_has_help_and_is_in_the_readme(runner, command):
    from pathlib import Path

    result = runner.invoke(main, [command, "--help"])
    assert result.exit_code == 0
    assert len(result.output) > 200
    readme = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")
    assert f"qegraph {command}" in readme
