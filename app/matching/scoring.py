"""Match scores (0–100) from cosine similarity and skill overlap, and the per-link skill-gap analysis.

The mapping, per embedding model, is piecewise linear through calibration points (cosine -> semantic score),
flat below the first point (0) and above the last (100). For the local model "local-hashing-v2" the points come
from hand-made resumes and postings (tests/matching_samples.py and the benchmark corpus):

    cosine  0.05   0.20   0.40   0.70   1.00
    score      0     35     80     95    100

Same-field postings land at cosine 0.35–0.75 (score 70–95), adjacent fields (a Python developer and an SRE
posting) at 0.15–0.30 (20–55), unrelated ones (Python developer and a nursing posting) below 0.12 (0–15).
Models served over HTTP get points typical of sentence-embedding models (related texts 0.45–0.65); the
environment variable JOBPOOL_SCORE_CALIBRATION ("0.1:0,0.4:80,0.7:95") replaces the points for any model.

The final score blends in skill coverage (the share of the job's skills found in the resume) with weight up to
SKILL_WEIGHT, reached when the job names at least three skills:
    score = (1 - w) * semantic + w * 100 * coverage,   w = SKILL_WEIGHT * min(1, job_skills / 3)
"""

from __future__ import annotations

import os
from bisect import bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from app.errors import InvalidInput
from app.matching.skills import SkillVocabulary, tokenize

SKILL_WEIGHT = 0.3
FULL_SKILL_WEIGHT_AT = 3
CALIBRATION_ENV = "JOBPOOL_SCORE_CALIBRATION"


@dataclass(frozen=True, slots=True)
class Calibration:
    """Cosine similarity -> semantic score, piecewise linear through (cosine, score) points."""

    points: tuple[tuple[float, float], ...]

    def __post_init__(self) -> None:
        cosines = [c for c, _ in self.points]
        if len(self.points) < 2 or cosines != sorted(cosines) or len(set(cosines)) != len(cosines):
            raise InvalidInput("A score calibration needs at least two points with increasing cosine values.")

    def semantic(self, cosine: float) -> float:
        """The 0..100 semantic score of a cosine similarity."""
        xs = [c for c, _ in self.points]
        if cosine <= xs[0]:
            return max(0.0, self.points[0][1])
        if cosine >= xs[-1]:
            return min(100.0, self.points[-1][1])
        k = bisect_right(xs, cosine)
        (x0, y0), (x1, y1) = self.points[k - 1], self.points[k]
        return y0 + (y1 - y0) * (cosine - x0) / (x1 - x0)

    @classmethod
    def parse(cls, text: str) -> Calibration:
        """Points from "cos:score,cos:score,..." (the JOBPOOL_SCORE_CALIBRATION format)."""
        try:
            points = tuple(
                (float(c), float(s)) for c, s in (pair.split(":") for pair in text.replace(" ", "").split(",") if pair)
            )
        except ValueError:
            raise InvalidInput(f"“{text}” is not a score calibration; write it like 0.1:0,0.4:80,0.7:95.") from None
        return cls(points)


CALIBRATIONS: dict[str, Calibration] = {
    "local-hashing-v2": Calibration(((0.05, 0.0), (0.20, 35.0), (0.40, 80.0), (0.70, 95.0), (1.0, 100.0))),
}
SENTENCE_MODEL_CALIBRATION = Calibration(((0.15, 0.0), (0.30, 35.0), (0.45, 75.0), (0.60, 92.0), (1.0, 100.0)))


def calibration_for(model: str, environ: dict[str, str] | None = None) -> Calibration:
    """The calibration used for a model: the environment's override, the model's own, or the generic one."""
    override = (environ if environ is not None else os.environ).get(CALIBRATION_ENV, "").strip()
    if override:
        return Calibration.parse(override)
    return CALIBRATIONS.get(model, SENTENCE_MODEL_CALIBRATION)


class ResumeSkills:
    """The skills a resume shows: canonical vocabulary skills, plus its words for skills outside the vocabulary."""

    def __init__(self, text: str, vocabulary: SkillVocabulary) -> None:
        tokens = tokenize(text)
        self.canonical = list(vocabulary.mentions(tokens))
        self._names = {name.lower() for name in self.canonical}
        self._phrase_text = " " + " ".join(t.lower() for t in tokens) + " "

    def has(self, skill: str) -> bool:
        """Whether the resume shows a job skill (canonical name, or the skill's own words for unknown skills)."""
        if skill.lower() in self._names:
            return True
        words = " ".join(t.lower() for t in tokenize(skill))
        return bool(words) and f" {words} " in self._phrase_text


def skill_weight(job_skill_count: int) -> float:
    """How much skill coverage counts in the score for a job naming this many skills."""
    return SKILL_WEIGHT * min(1.0, job_skill_count / FULL_SKILL_WEIGHT_AT)


def match_score(similarity: float, coverage: float | None, job_skill_count: int, calibration: Calibration) -> int:
    """The 0..100 match score of a link (see the module docstring for the formula)."""
    semantic = calibration.semantic(similarity)
    weight = skill_weight(job_skill_count) if coverage is not None else 0.0
    blended = (1.0 - weight) * semantic + weight * 100.0 * (coverage or 0.0)
    return max(0, min(100, round(blended)))


def gap_analysis(
    job_skills: Sequence[str], resume: ResumeSkills, model: str, similarity: float
) -> tuple[dict[str, Any], float | None]:
    """The link's gap analysis ({"skills", "have", "missing", "model", "similarity"}) and its skill coverage."""
    skills = list(dict.fromkeys(s for s in job_skills if isinstance(s, str) and s.strip()))
    have = [s for s in skills if resume.has(s)]
    missing = [s for s in skills if s not in have]
    coverage = len(have) / len(skills) if skills else None
    gap = {"skills": skills, "have": have, "missing": missing, "model": model, "similarity": round(similarity, 4)}
    return gap, coverage


def score_link(
    similarity: float, job_skills: Iterable[str] | None, resume: ResumeSkills, model: str, calibration: Calibration
) -> tuple[int, dict[str, Any]]:
    """Score and gap analysis of one resume against one job."""
    gap, coverage = gap_analysis(list(job_skills or ()), resume, model, similarity)
    return match_score(similarity, coverage, len(gap["skills"]), calibration), gap
