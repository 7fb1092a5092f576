"""The skills vocabulary: aliases, case and context rules for ambiguous names, and the vocabulary file itself."""

from __future__ import annotations

import json
from collections import defaultdict

import pytest

from app.matching.skills import VOCABULARY_PATH, SkillVocabulary, default_vocabulary, tokenize


@pytest.fixture(scope="module")
def vocabulary() -> SkillVocabulary:
    return default_vocabulary()


def test_vocabulary_has_several_hundred_skills_across_fields(vocabulary):
    assert len(vocabulary) >= 400
    categories = {skill.category for skill in vocabulary.skills}
    assert {"language", "devops", "database", "clinical", "finance", "logistics", "hospitality"} <= categories


def test_no_spelling_belongs_to_two_skills():
    data = json.loads(VOCABULARY_PATH.read_text(encoding="utf-8"))
    owners: dict[tuple[tuple[str, ...], str], set[str]] = defaultdict(set)
    for entry in data["skills"]:
        ambiguous = {a.lower() for a in entry.get("ambiguous", ())}
        plain = [entry["name"]] if entry["name"].lower() not in ambiguous else []
        for alias in plain + entry.get("aliases", []):
            owners[(tuple(t.lower() for t in tokenize(alias)), "any")].add(entry["name"])
        for alias in entry.get("exact", []):
            owners[(tuple(tokenize(alias)), "exact")].add(entry["name"])
    clashes = {key: names for key, names in owners.items() if len(names) > 1}
    assert clashes == {}


@pytest.mark.parametrize(
    ("alias", "canonical"),
    [
        ("k8s", "Kubernetes"),
        ("postgres", "PostgreSQL"),
        ("js", "JavaScript"),
        ("golang", "Go"),
        ("TS", "TypeScript"),
        ("node.js", "Node.js"),
        ("dotnet", ".NET"),
        ("sklearn", "scikit-learn"),
        ("GCP", "Google Cloud Platform"),
        ("ms excel", "Excel"),
        ("BLS", "Basic Life Support"),
        ("EHR", "Electronic Health Records"),
        ("med-surg", "Medical-Surgical Nursing"),
        ("CDL", "Commercial Driving"),
    ],
)
def test_aliases_map_to_canonical_names(vocabulary, alias, canonical):
    assert vocabulary.canonical(alias) == canonical
    assert vocabulary.extract(f"Experience with {alias} in production, plus documentation.")[:1] == [canonical]


def test_spelling_variants_match_across_hyphens_slashes_and_case(vocabulary):
    text = "Machine-learning engineer: CI/CD, c++17, C#, ASP.NET Core, .NET, scikit learn, POSTGRESQL, ReactJS."
    assert vocabulary.extract(text) == [
        "Machine Learning",
        "CI/CD",
        "C++",
        "C#",
        "ASP.NET",
        ".NET",
        "scikit-learn",
        "PostgreSQL",
        "React",
    ]


def test_longest_alias_wins(vocabulary):
    assert vocabulary.extract("React Native developer") == ["React Native"]
    assert vocabulary.extract("Java and JavaScript") == ["Java", "JavaScript"]
    assert vocabulary.extract("Spring Boot services") == ["Spring Boot"]
    assert vocabulary.extract("data warehouse design") == ["Data Warehousing"]


@pytest.mark.parametrize(
    "text",
    [
        "Go to market strategy for our C-level clients; R&D budget.",
        "Ready, set, go! Let's go live next week.",
        "You will excel in a fast-paced sales team.",
        "An epic journey with a swift onboarding.",
        "Take 10 ml of saline; the rest of the team helps.",
        "Chef's table and a rusty gate.",
    ],
)
def test_everyday_words_are_not_skills(vocabulary, text):
    found = set(vocabulary.extract(text))
    assert not found & {"Go", "C", "R", "Excel", "Epic", "Swift", "Machine Learning", "REST APIs", "Rust", "Chef"}


def test_ambiguous_names_count_with_context(vocabulary):
    assert vocabulary.extract("Backend engineer writing Go and Rust services") == ["Go", "Rust"]
    assert vocabulary.extract("Statistician: R, SAS and SPSS") == ["R", "SAS", "SPSS"]
    assert "C" in vocabulary.extract("Firmware in C and C++ for microcontrollers")
    assert "Epic" in vocabulary.extract("Charting in Epic on a busy unit; EHR super-user")
    assert "Excel" in vocabulary.extract("Proficient in Word, Excel and PowerPoint")
    assert "Swift" in vocabulary.extract("iOS engineer: Swift, Xcode")


def test_ambiguous_name_takes_the_sense_its_context_supports(vocabulary):
    assert "Chef" in vocabulary.extract("Infrastructure automation with Chef and Ansible")
    assert vocabulary.extract("Sous chef wanted. Chef de partie, kitchen experience") == ["Cooking"]


def test_exact_case_forms(vocabulary):
    assert "Machine Learning" in vocabulary.extract("Applied ML and AI research")
    assert "Artificial Intelligence" in vocabulary.extract("Applied ML and AI research")
    assert vocabulary.extract("RN license required") == ["Registered Nurse"]
    assert vocabulary.extract("rn") == []


def test_extract_orders_by_mentions_then_first_mention(vocabulary):
    text = "Docker. Python, Kubernetes. Python again; Kubernetes again; python."
    assert vocabulary.extract(text) == ["Python", "Kubernetes", "Docker"]
    assert vocabulary.mentions(tokenize(text)) == {"Docker": 1, "Python": 3, "Kubernetes": 2}


def test_job_skills_keep_listed_skills_first_canonicalized(vocabulary):
    skills = vocabulary.job_skills("Nurse", "Wound care and IV therapy.", ["k8s", "Stakeholder  alignment", 7, ""])
    assert skills == ["Kubernetes", "Stakeholder alignment", "Wound Care", "IV Therapy"]


def test_a_vocabulary_can_be_built_from_entries():
    small = SkillVocabulary.from_entries(
        [
            {"name": "Widgets", "category": "tool", "aliases": ["widgetry"]},
            {"name": "Spin", "category": "tool", "ambiguous": ["Spin"], "context": ["lathe"]},
        ]
    )
    assert small.extract("widgetry and Spin on the lathe") == ["Widgets", "Spin"]
    assert small.extract("Spin the wheel") == []
    with pytest.raises(ValueError, match="twice"):
        SkillVocabulary.from_entries([{"name": "A", "category": "x"}, {"name": "a", "category": "y"}])
