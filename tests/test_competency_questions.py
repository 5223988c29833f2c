"""Each competency question (ontology/queries/cq-*.rq) returns the answer the source texts give."""

from __future__ import annotations

import re

import pytest
from rdflib import URIRef

from qegraph.namespaces import QE, sparql_prologue
from qegraph.resources import query_files


def _local(value) -> str:
    return str(value).removeprefix(str(QE)) if isinstance(value, URIRef) else str(value)


@pytest.fixture(scope="module")
def ask(bundled_graph):
    texts = {
        re.match(r"cq-(\d+)", p.name).group(1): p.read_text(encoding="utf-8") for p in query_files()
    }

    def run(number: str) -> list[dict[str, str]]:
        text = texts[number]
        return [
            {k: _local(v) for k, v in row.asdict().items()}
            for row in bundled_graph.query(sparql_prologue(text) + text)
        ]

    return run


def test_there_are_at_least_25_competency_questions_each_stating_its_question():
    files = query_files()
    assert len(files) >= 25
    for number, path in enumerate(files, 1):
        first = path.read_text(encoding="utf-8").splitlines()[0]
        assert re.fullmatch(rf"# CQ-{number:02d}: .+\?", first), path.name


def test_cq01_lists_the_five_dimensions_in_source_order(ask):
    rows = ask("01")
    assert [r["dimension"] for r in rows] == [
        "all-round-development",
        "personalized-education",
        "critical-thinking-and-innovation",
        "teacher-professional-development",
        "participatory-inclusive-environment",
    ]
    assert [r["ordinal"] for r in rows] == ["1", "2", "3", "4", "5"]
    assert rows[1]["labelZh"] == "个性化教育"


def test_cq02_gives_the_five_numbered_characteristics_and_the_long_term_nature(ask):
    rows = {r["characteristic"]: (r.get("ordinal"), r["file"], r["paragraph"]) for r in ask("02")}
    assert rows == {
        "high-student-attention": ("1", "002_a9a0d6b12316d13b.txt", "10"),
        "high-teaching-quality": ("2", "002_a9a0d6b12316d13b.txt", "11"),
        "personalized-education": ("3", "002_a9a0d6b12316d13b.txt", "12"),
        "comprehensive-quality-development": ("4", "002_a9a0d6b12316d13b.txt", "13"),
        "connecting-with-real-life": ("5", "002_a9a0d6b12316d13b.txt", "14"),
        "long-term-systematic-project": (None, "000_9427d9f241d18e1e.txt", "14"),
    }


def test_cq03_lists_the_four_practices_in_order(ask):
    assert [r["practice"] for r in ask("03")] == [
        "changing-educational-concepts",
        "studying-advanced-concepts",
        "cultivating-innovation-and-practice",
        "optimizing-classroom-teaching",
    ]


def test_cq04_personalized_education_respects_individual_differences(ask):
    pairs = {(r["relation"], r["target"]) for r in ask("04")}
    assert ("respects", "individual-differences") in pairs
    assert ("respondsTo", "learning-needs") in pairs
    assert {
        ("provides", "personalized-learning-paths"),
        ("provides", "personalized-resources"),
    } <= pairs
    assert {("develops", "interest-in-learning"), ("develops", "autonomous-learning")} <= pairs


def test_cq05_critical_thinking_dimension_develops_its_abilities(ask):
    assert {r["competency"] for r in ask("05")} == {
        "critical-thinking",
        "innovative-ability",
        "problem-analysis",
        "proposing-solutions",
        "complex-problem-thinking",
        "creative-thinking",
        "practical-problem-solving-ability",
    }


def test_cq06_pairs_every_contrast_with_its_axis(ask):
    rows = ask("06")
    by_axis = {}
    for r in rows:
        by_axis.setdefault(r["axisLabel"], set()).add((r["examTrait"], r["qualityElement"]))
    assert by_axis["goal contrast"] == {
        ("teaching-and-learning-for-exams", "improving-national-quality")
    }
    assert by_axis["scope contrast"] == {
        ("elite-focus", "education-for-all"),
        ("exclusion-by-labelling", "education-for-all"),
        ("elite-focus", "educational-equality"),
        ("exclusion-by-labelling", "educational-equality"),
    }
    assert ("indoctrination", "active-internalisation") in by_axis["method contrast"]
    assert ("rote-learning", "exploratory-learning") in by_axis["method contrast"]
    assert ("passive-acceptance", "active-participation") in by_axis["method contrast"]
    # an outcome contrast joins two outcomes, not an outcome and a focus
    assert by_axis["outcome contrast"] == {
        ("high-scores-low-ability", "all-round-ability"),
        ("one-sided-development", "all-round-development"),
    }
    assert len(rows) == 21
    evidence = {(r["examTrait"], r["qualityElement"]): r["evidence"] for r in rows}
    assert evidence[("exam-oriented-education", "quality-education")] == "stated"
    assert evidence[("elite-focus", "educational-equality")] == "inferred"
    assert sorted(set(evidence.values())) == ["inferred", "stated"]


def test_cq07_gives_each_paradigm_its_goal(ask):
    assert {(r["paradigm"], r["goal"]) for r in ask("07")} == {
        ("quality-education", "improving-national-quality"),
        ("exam-oriented-education", "teaching-and-learning-for-exams"),
    }


def test_cq08_contrasts_all_students_with_the_university_bound_few(ask):
    assert {(r["paradigm"], r["relation"], r["group"]) for r in ask("08")} == {
        ("quality-education", "targets", "all-students-and-future-citizens"),
        ("exam-oriented-education", "targets", "university-bound-few"),
        ("exam-oriented-education", "neglects", "majority-of-students"),
    }


def test_cq09_names_the_exam_oriented_teaching_methods_and_says_which_are_read_in(ask):
    assert {r["method"]: r["evidence"] for r in ask("09")} == {
        "following-the-exam-baton": "stated",
        "indoctrination": "stated",
        "preaching": "stated",
        "passive-acceptance": "stated",
        "exam-centred-teaching": "inferred",
        "receptive-learning": "inferred",
        "rote-learning": "inferred",
        "mechanical-training": "inferred",
    }


def test_cq10_names_the_quality_side_methods(ask):
    methods = {r["method"] for r in ask("10")}
    assert {"active-participation", "project-learning", "active-internalisation"} <= methods
    assert not methods & {"rote-learning", "indoctrination"}


def test_cq11_attributes_the_essence_statement_to_li_lanqing(ask):
    (row,) = ask("11")
    assert (row["person"], row["role"], row["file"], row["paragraph"]) == (
        "li-lanqing",
        "vice-premier",
        "000_9427d9f241d18e1e.txt",
        "17",
    )
    assert "improve the quality of the people" in row["quote"]
    assert row["supports"] == "claim-quality-education-hasGoal-improving-national-quality"


def test_cq12_locates_the_method_contrasts_in_their_paragraphs(ask):
    rows = ask("12")
    assert ("000_9427d9f241d18e1e.txt", "21") in {(r["file"], r["paragraph"]) for r in rows}
    assert ("002_a9a0d6b12316d13b.txt", "6") in {(r["file"], r["paragraph"]) for r in rows}
    assert all(r["keyPhrase"] for r in rows)
    evidence = {(r["subjectLabel"], r["objectLabel"], r["paragraph"]): r["evidence"] for r in rows}
    assert evidence[("passive acceptance", "active internalisation", "21")] == "stated"
    assert evidence[("preaching", "active internalisation", "21")] == "inferred"


def test_cq13_exam_oriented_education_neglects_student_potential_and_most_students(ask):
    assert {r["neglected"] for r in ask("13")} == {"student-potential", "majority-of-students"}


def test_cq14_names_the_outcomes_of_exam_oriented_education(ask):
    assert {r["outcome"] for r in ask("14")} == {
        "high-scores-low-ability",
        "one-sided-development",
        "empty-talk",
    }


def test_cq15_teacher_development_requires_professionalism_and_leads_to_teaching_quality(ask):
    assert {(r["relation"], r["target"]) for r in ask("15")} == {
        ("requires", "teacher-professionalism"),
        ("provides", "teacher-training"),
        ("targets", "teachers"),
        ("leadsTo", "high-teaching-quality"),
    }


def test_cq16_finds_concepts_both_texts_speak_of(ask):
    shared = {r["concept"] for r in ask("16")}
    assert {"quality-education", "self-confidence", "active-participation"} <= shared
    assert "li-lanqing" not in shared


def test_cq17_creativity_and_problem_solving_are_developed_most_often(ask):
    rows = ask("17")
    developers = {r["competency"]: int(r["developers"]) for r in rows}
    assert {r["competency"] for r in rows[:2]} == {"creativity", "problem-solving"}
    assert developers["creativity"] == developers["problem-solving"] == 4
    assert developers["critical-thinking"] == 3
    assert all(n > 1 for n in developers.values())


def test_cq18_separates_concepts_established_from_those_abandoned(ask):
    rows = {(r["relation"], r["concept"]) for r in ask("18")}
    assert ("abandons", "backward-exam-concepts") in rows
    assert {
        ("establishes", c)
        for c in (
            "educational-equality",
            "new-teacher-student-concept",
            "scientific-talent-concept",
            "new-quality-concept",
        )
    } <= rows


def test_cq19_lists_what_teachers_should_learn_from(ask):
    assert {r["source"] for r in ask("19")} == {
        "foreign-educational-ideas",
        "beneficial-traditions",
        "teaching-reform-achievements",
        "scientific-education-theories",
    }


def test_cq20_lists_the_four_abilities_classroom_teaching_builds(ask):
    assert {r["ability"] for r in ask("20")} == {
        "information-processing",
        "acquiring-new-knowledge",
        "analysing-and-solving-problems",
        "communication-and-cooperation",
    }


def test_cq21_comprehensive_quality_has_four_components(ask):
    assert {(r["component"], r["labelZh"]) for r in ask("21")} == {
        ("knowledge", "知识"),
        ("skills", "技能"),
        ("attitudes", "态度"),
        ("values", "价值观"),
    }


def test_cq22_maps_quality_education_only_as_related_to_unesco_educational_quality(ask):
    rows = {(r["concept"], r["relation"], r["external"]) for r in ask("22")}
    quality = {row for row in rows if row[0] == "quality-education"}
    assert quality == {
        (
            "quality-education",
            "http://www.w3.org/2004/02/skos/core#relatedMatch",
            "http://vocabularies.unesco.org/thesaurus/concept90",
        )
    }
    assert not any(r[1].endswith("exactMatch") for r in rows)


def test_cq23_gives_bilingual_names_of_dimensions_and_characteristics(ask):
    names = {r["english"]: r["chinese"] for r in ask("23")}
    assert names["personalized education"] == "个性化教育"
    assert len(names) == 10


def test_cq24_counts_claims_for_every_paragraph(ask):
    rows = ask("24")
    assert len(rows) == 35
    counts = {(r["file"][:3], int(r["paragraph"])): int(r["claims"]) for r in rows}
    assert counts[("000", 1)] == 0
    assert counts[("000", 21)] > 0
    for r in rows:
        assert int(r["statedClaims"]) + int(r["inferredClaims"]) == int(r["claims"])
    assert sum(int(r["inferredClaims"]) for r in rows) > 0


def test_cq25_counts_contrasts_per_axis(ask):
    counts = {r["axis"]: int(r["contrasts"]) for r in ask("25")}
    assert set(counts) == {
        f"{a}-axis" for a in ("concept", "goal", "scope", "method", "focus", "outcome")
    }
    assert counts["goal-axis"] == 1 and counts["scope-axis"] == 4
    assert sum(counts.values()) == 21


def test_cq26_finds_learner_characteristics_and_who_respects_them(ask):
    pairs = {(r["characteristic"], r["element"]) for r in ask("26")}
    assert ("individual-differences", "personalized-education") in pairs
    assert ("individual-differences", "participatory-inclusive-environment") in pairs


def test_cq27_pairs_each_abandoned_method_with_its_replacement(ask):
    assert {(r["abandoned"], r["replacement"]) for r in ask("27")} == {
        ("mechanical-training", "hands-on-learning"),
        ("receptive-learning", "active-participation"),
        ("rote-learning", "exploratory-learning"),
    }


def test_cq28_counts_concepts_per_paradigm_side(ask, bundled_graph):
    counts = {r["side"]: int(r["concepts"]) for r in ask("28")}
    assert set(counts) == {"quality", "exam-oriented", "neutral"}
    assert sum(counts.values()) == 136
    assert counts["exam-oriented"] == 17


def test_cq30_lists_the_curator_inferences_with_their_passages(ask):
    passages = {}
    for r in ask("30"):
        passages.setdefault(r["claim"], set()).add((r["file"][:3], r["paragraph"]))
    assert "claim-teachers-implements-quality-education" in passages
    assert passages["claim-one-sided-development-opposes-all-round-development"] == {
        ("000", "18"),
        ("000", "19"),
        ("002", "4"),
    }
    assert "claim-quality-education-opposes-exam-oriented-education" not in passages


def test_cq31_follows_the_argument_of_the_texts(ask):
    links = {(r["from"], r["relation"], r["to"]): r["evidence"] for r in ask("31")}
    # confidence, joy and accomplishment -> motivation (002 para 10)
    for feeling in ("self-confidence", "learning-enjoyment", "sense-of-accomplishment"):
        assert links[(feeling, "leadsTo", "learning-motivation")] == "stated"
    # competencies -> social responsibility and global citizenship (002 para 13)
    assert links[("critical-thinking", "leadsTo", "global-citizenship")] == "stated"
    # goal -> scope -> method (000 paras 20 and 21)
    assert ("improving-national-quality", "requires", "education-for-all") in links
    assert ("improving-national-quality", "requires", "educator-creativity") in links
    # thought is the forerunner of action (000 para 5): a reading, so inferred
    assert (
        links[("changing-educational-concepts", "precedes", "optimizing-classroom-teaching")]
        == "inferred"
    )
