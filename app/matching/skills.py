"""The skills vocabulary: finding canonical skills (with aliases) in resumes and job postings.

Matching rules (the vocabulary file, resources/skills.json, describes its fields the same way):
- Text is split into tokens at spaces, hyphens, slashes and most punctuation; ``+ # . &`` inside a token are kept,
  so "C++", "C#", "Node.js", "ASP.NET" and "R&D" stay whole, and a leading dot starts a token (".NET").
  Multi-word aliases are token sequences, so "machine-learning" and "machine learning" match the same alias, as
  do "CI/CD" and "ci cd". The longest alias starting at a token wins ("React Native" before "React").
- ``aliases`` and the skill's name match in any case ("k8s" -> Kubernetes, "postgres" -> PostgreSQL,
  "js" -> JavaScript).
- ``exact`` spellings match only in that case: "ML", "AI", "RN" and "UI" are skills, "ml" (millilitres) is not.
- ``ambiguous`` spellings are everyday words or single letters: "Go", "R", "C", "Swift", "Rust", "Excel", "Epic".
  They match only in the listed case (a lowercase listed form matches in any case), only when a context word of
  the entry or an unambiguous skill of the same domain is within ``CONTEXT_WINDOW`` tokens, and never when the next
  token is listed in ``not_before`` ("Go to market", "C-level"). "R&D" never produces R: it is one token.
"""

from __future__ import annotations

import json
import re
from bisect import bisect_left
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

VOCABULARY_PATH = Path(__file__).resolve().parents[2] / "resources" / "skills.json"
CONTEXT_WINDOW = 12
MAX_SKILLS_PER_TEXT = 40

_TOKEN = re.compile(r"[^\W_][\w+#]*(?:[.&][^\W_][\w+#]*)*|(?<![\w.])\.[^\W\d_]\w*")

# Categories whose unambiguous skills confirm an ambiguous mention of a skill in a related category.
_DOMAINS: tuple[frozenset[str], ...] = (
    frozenset(
        {
            "language",
            "frontend",
            "backend",
            "database",
            "cloud",
            "devops",
            "data",
            "ml",
            "testing",
            "mobile",
            "security",
            "practice",
        }
    ),
    frozenset({"office", "business", "finance", "data", "sales", "marketing", "hr"}),
    frozenset({"clinical", "health-it"}),
    frozenset({"hospitality", "logistics"}),
    frozenset({"design", "frontend"}),
    frozenset({"soft", "marketing", "education"}),
)


def tokenize(text: str) -> list[str]:
    """Split text into the tokens skills are matched on (original case kept)."""
    return _TOKEN.findall((text or "").replace("’", "'"))


@dataclass(frozen=True, slots=True)
class Skill:
    """One vocabulary entry."""

    name: str
    category: str
    context: frozenset[str] = frozenset()
    not_before: frozenset[str] = frozenset()
    anchors: frozenset[str] = frozenset()


@dataclass(frozen=True, slots=True)
class _Form:
    skill: int
    case_form: tuple[str, ...] | None  # the exact token sequence required, or None for any case
    ambiguous: bool


@dataclass
class SkillVocabulary:
    """Canonical skills with their aliases, and extraction of skills from free text."""

    skills: list[Skill]
    version: int = 1
    _forms: dict[tuple[str, ...], list[_Form]] = field(default_factory=dict, repr=False)
    _longest: dict[str, int] = field(default_factory=dict, repr=False)
    _by_name: dict[str, int] = field(default_factory=dict, repr=False)

    @classmethod
    def from_entries(cls, entries: Sequence[dict], version: int = 1) -> SkillVocabulary:
        """Build a vocabulary from entries shaped like those of resources/skills.json."""
        skills: list[Skill] = []
        vocabulary = cls(skills=skills, version=version)
        for entry in entries:
            category = entry.get("category", "other")
            anchors = frozenset().union(*[d for d in _DOMAINS if category in d]) or frozenset({category})
            skill = Skill(
                name=entry["name"],
                category=category,
                context=frozenset(w.lower() for w in entry.get("context", ())),
                not_before=frozenset(w.lower() for w in entry.get("not_before", ())),
                anchors=anchors,
            )
            index = len(skills)
            skills.append(skill)
            if skill.name.lower() in vocabulary._by_name:
                raise ValueError(f"skill {skill.name!r} is listed twice in the vocabulary")
            vocabulary._by_name[skill.name.lower()] = index
            ambiguous = list(entry.get("ambiguous", ()))
            ambiguous_lower = {a.lower() for a in ambiguous}
            any_case = list(entry.get("aliases", ()))
            if skill.name.lower() not in ambiguous_lower:
                any_case.insert(0, skill.name)
            for alias in any_case:
                vocabulary._add(alias, _Form(index, None, False))
            for alias in entry.get("exact", ()):
                vocabulary._add(alias, _Form(index, tuple(tokenize(alias)), False))
            for alias in ambiguous:
                case_form = None if alias == alias.lower() else tuple(tokenize(alias))
                vocabulary._add(alias, _Form(index, case_form, True))
        return vocabulary

    def _add(self, alias: str, form: _Form) -> None:
        key = tuple(t.lower() for t in tokenize(alias))
        if not key:
            return
        forms = self._forms.setdefault(key, [])
        if any(f.skill == form.skill and f.case_form == form.case_form for f in forms):
            return
        forms.append(form)
        self._longest[key[0]] = max(self._longest.get(key[0], 0), len(key))

    def __len__(self) -> int:
        return len(self.skills)

    def canonical(self, name: str) -> str | None:
        """The canonical name for a skill name or alias given on its own ("k8s" -> "Kubernetes"), else None."""
        key = tuple(t.lower() for t in tokenize(name))
        forms = self._forms.get(key)
        return self.skills[forms[0].skill].name if forms else None

    def category(self, name: str) -> str | None:
        """The category of a canonical skill name."""
        index = self._by_name.get(name.lower())
        return self.skills[index].category if index is not None else None

    def mentions(self, tokens: Sequence[str], lowered: Sequence[str] | None = None) -> dict[str, int]:
        """Canonical skill -> number of mentions in a token list, in order of first mention."""
        if lowered is None:
            lowered = [t.lower() for t in tokens]
        longest = self._longest
        found: list[tuple[int, int, int]] = []  # (start, end, skill), in text order
        pending: list[tuple[int, int, list[_Form]]] = []
        n, next_free = len(lowered), 0
        for i in [i for i, token in enumerate(lowered) if token in longest]:
            if i < next_free:
                continue
            for length in range(min(longest[lowered[i]], n - i), 0, -1):
                forms = self._forms.get(tuple(lowered[i : i + length]))
                if not forms:
                    continue
                span = tuple(tokens[i : i + length])
                plain = [f for f in forms if not f.ambiguous and f.case_form in (None, span)]
                if plain:
                    found.append((i, i + length, plain[0].skill))
                    next_free = i + length
                    break
                next_word = lowered[i + length] if i + length < n else ""
                risky = [
                    f
                    for f in forms
                    if f.ambiguous and f.case_form in (None, span) and next_word not in self.skills[f.skill].not_before
                ]
                if risky:
                    pending.append((i, i + length, risky))
                    next_free = i + length
                    break
        starts = [start for start, _, _ in found]
        confirmed = []
        for start, end, forms in pending:
            for form in forms:
                if self._confirmed(self.skills[form.skill], start, end, lowered, found, starts):
                    confirmed.append((start, end, form.skill))
                    break
        counts: dict[str, int] = {}
        for _, _, skill in sorted(found + confirmed):
            name = self.skills[skill].name
            counts[name] = counts.get(name, 0) + 1
        return counts

    def _confirmed(
        self,
        skill: Skill,
        start: int,
        end: int,
        lowered: Sequence[str],
        found: list[tuple[int, int, int]],
        starts: list[int],
    ) -> bool:
        low, high = start - CONTEXT_WINDOW, end + CONTEXT_WINDOW
        if not skill.context.isdisjoint(lowered[max(0, low) : start]) or not skill.context.isdisjoint(
            lowered[end:high]
        ):
            return True
        return any(
            self.skills[found[k][2]].category in skill.anchors
            for k in range(bisect_left(starts, low), bisect_left(starts, high))
        )

    def extract(self, text: str, limit: int = MAX_SKILLS_PER_TEXT) -> list[str]:
        """Canonical skills in a text, most mentioned first (ties: first mentioned first)."""
        counts = self.mentions(tokenize(text))
        order = {name: i for i, name in enumerate(counts)}
        return sorted(counts, key=lambda name: (-counts[name], order[name]))[:limit]

    def job_skills(
        self, title: str | None, description: str | None, given: Iterable[object] | None = None
    ) -> list[str]:
        """A job's skills: those a source listed (canonicalized where known) followed by those found in its text."""
        listed: list[str] = []
        for item in given or ():
            if isinstance(item, str) and item.strip():
                listed.append(self.canonical(item) or " ".join(item.split())[:80])
        found = self.extract(f"{title or ''}\n{title or ''}\n{description or ''}")
        return list(dict.fromkeys(listed + found))[:MAX_SKILLS_PER_TEXT]


def load_vocabulary(path: str | Path | None = None) -> SkillVocabulary:
    """Read a vocabulary file (the packaged resources/skills.json by default)."""
    if path is None:
        return default_vocabulary()
    return _read(Path(path))


@lru_cache(maxsize=1)
def default_vocabulary() -> SkillVocabulary:
    """The packaged vocabulary, read once per process."""
    return _read(VOCABULARY_PATH)


def _read(path: Path) -> SkillVocabulary:
    data = json.loads(path.read_text(encoding="utf-8"))
    return SkillVocabulary.from_entries(data["skills"], version=int(data.get("version", 1)))
