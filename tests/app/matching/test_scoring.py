"""The local embedder and the score mapping on the hand-made set (no database needed)."""

from __future__ import annotations

import numpy as np
import pytest

from app.errors import InvalidInput
from app.matching.embedding import HashingEmbedder, job_text, pad
from app.matching.scoring import (
    CALIBRATIONS,
    SENTENCE_MODEL_CALIBRATION,
    Calibration,
    ResumeSkills,
    calibration_for,
    match_score,
    score_link,
)
from app.matching.skills import default_vocabulary
from tests.support.matching_samples import DATA_RESUME, JOBS, NURSE_RESUME, PYTHON_RESUME


@pytest.fixture(scope="module")
def embedder() -> HashingEmbedder:
    return HashingEmbedder()


@pytest.fixture(scope="module")
def job_vectors(embedder) -> np.ndarray:
    return embedder.embed([job_text(j["title"], j["companyName"], j["location"], j["description"]) for j in JOBS])


def _scores(embedder, job_vectors, resume_text: str) -> dict[str, int]:
    vocabulary = default_vocabulary()
    resume = ResumeSkills(resume_text, vocabulary)
    similarities = job_vectors @ embedder.embed([resume_text])[0]
    calibration = CALIBRATIONS[embedder.model]
    return {
        job["title"]: score_link(
            float(sim), vocabulary.job_skills(job["title"], job["description"]), resume, embedder.model, calibration
        )[0]
        for job, sim in zip(JOBS, similarities, strict=True)
    }


def test_embeddings_are_unit_length_stable_and_fit_the_column(embedder):
    vectors = embedder.embed(["Python developer", "Python developer", ""])
    assert vectors.shape == (3, 512)
    assert np.allclose(np.linalg.norm(vectors[:2], axis=1), 1.0)
    assert np.array_equal(vectors[0], vectors[1]) and not vectors[2].any()
    assert np.array_equal(HashingEmbedder().embed(["Python developer"])[0], vectors[0])  # no per-process salt
    assert pad(vectors).shape == (3, 1536)


def test_unrelated_texts_are_near_orthogonal(embedder):
    rng = np.random.default_rng(0)
    words = [f"w{i}" for i in range(5000)]
    texts = [" ".join(rng.choice(words, 150)) for _ in range(60)]
    vectors = embedder.embed(texts)
    resume = embedder.embed([PYTHON_RESUME])[0]
    assert abs(float(np.mean(vectors @ resume))) < 0.03
    assert float(np.max(np.abs(vectors @ resume))) < 0.2


def test_aliases_meet_in_the_embedding(embedder):
    a, b, c = embedder.embed(["Runs k8s and postgres", "Runs Kubernetes and PostgreSQL", "Runs payroll and audits"])
    assert float(a @ b) > 0.5 > float(a @ c)


@pytest.mark.parametrize(
    ("resume", "best_family", "worst_families"),
    [
        (PYTHON_RESUME, "python", {"nursing", "retail"}),
        (NURSE_RESUME, "nursing", {"python", "frontend", "devops"}),
        (DATA_RESUME, "data", {"nursing", "retail"}),
    ],
)
def test_hand_made_set_orders_sensibly(embedder, job_vectors, resume, best_family, worst_families):
    scores = _scores(embedder, job_vectors, resume)
    family = {job["title"]: job["family"] for job in JOBS}
    best = max(scores, key=scores.get)
    assert family[best] == best_family
    assert scores[best] >= 80
    assert all(scores[t] <= 20 for t in scores if family[t] in worst_families)


def test_python_resume_ranks_every_python_backend_job_above_every_nursing_job(embedder, job_vectors):
    scores = _scores(embedder, job_vectors, PYTHON_RESUME)
    python = [s for t, s in scores.items() if "Python" in t]
    nursing = [s for t, s in scores.items() if "Nurs" in t]
    assert len(python) == 3 and len(nursing) == 4
    assert min(python) > max(nursing)


def test_calibration_points_documented_in_the_module():
    local = CALIBRATIONS["local-hashing-v2"]
    assert [local.semantic(c) for c in (0.0, 0.05, 0.20, 0.40, 0.70, 1.0)] == [0, 0, 35, 80, 95, 100]
    assert local.semantic(0.30) == pytest.approx(57.5)
    assert calibration_for("some-remote-model", {}) is SENTENCE_MODEL_CALIBRATION
    override = calibration_for("local-hashing-v2", {"JOBPOOL_SCORE_CALIBRATION": "0.1:0, 0.5:100"})
    assert override.semantic(0.3) == pytest.approx(50)
    with pytest.raises(InvalidInput):
        Calibration.parse("0.5:10,0.2:90")
    with pytest.raises(InvalidInput):
        Calibration.parse("nonsense")


def test_skill_coverage_blends_into_the_score():
    calibration = CALIBRATIONS["local-hashing-v2"]
    assert match_score(0.40, None, 0, calibration) == 80
    assert match_score(0.40, 1.0, 10, calibration) == 86  # 0.7 * 80 + 0.3 * 100
    assert match_score(0.40, 0.0, 10, calibration) == 56
    assert match_score(0.40, 0.0, 1, calibration) == 72  # one listed skill weighs a third as much
    assert match_score(2.0, 1.0, 5, calibration) == 100 and match_score(-1.0, 0.0, 5, calibration) == 0


def test_gap_analysis_shape_and_unknown_skills():
    resume = ResumeSkills("Led stakeholder alignment workshops; Python and k8s daily.", default_vocabulary())
    score, gap = score_link(
        0.5,
        ["Python", "Kubernetes", "Stakeholder alignment", "Rust", "Rust"],
        resume,
        "local-hashing-v2",
        CALIBRATIONS["local-hashing-v2"],
    )
    assert gap == {
        "skills": ["Python", "Kubernetes", "Stakeholder alignment", "Rust"],
        "have": ["Python", "Kubernetes", "Stakeholder alignment"],
        "missing": ["Rust"],
        "model": "local-hashing-v2",
        "similarity": 0.5,
    }
    assert 0 <= score <= 100
