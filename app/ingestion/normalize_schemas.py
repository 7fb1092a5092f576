"""Known scraper output shapes: which keys carry which field, and how to tell the shapes apart."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields

SCHEMAS = (
    "linkedin-curious",
    "linkedin-bebity",
    "indeed-misceres",
    "indeed-valig",
    "indeed-scraper",
    "jobspy",
    "generic",
)


def fold_key(key: str) -> str:
    """Case- and separator-insensitive form of a key, so "descriptionHTML" finds "description_html"."""
    return key.replace("_", "").replace("-", "").replace(" ", "").lower()


# Every name any known actor version used for a field; each schema tries its own names first, then these.
_TITLE = ("title", "jobTitle", "positionName", "position", "job_title", "displayTitle", "positionTitle")
_COMPANY = ("companyName", "company", "employer", "company_name", "employerName", "hiringOrganization", "organization")
_LOCATION = ("location", "formattedLocation", "jobLocation", "locationName", "place")
_URL = ("url", "link", "jobUrl", "job_url", "jobLink", "jobPostingUrl", "viewJobLink")
_APPLY_URL = (
    "applyUrl",
    "applyLink",
    "externalApplyLink",
    "job_url_direct",
    "apply_url",
    "applicationUrl",
    "thirdPartyApplyUrl",
    "companyApplyUrl",
)
_EXTERNAL_ID = ("id", "jobId", "job_id", "key", "jobKey", "jk", "jobPostingId")
_DESCRIPTION_TEXT = ("descriptionText", "description", "description_text", "jobDescription", "descriptionPlain")
_DESCRIPTION_HTML = ("descriptionHtml", "description_html", "jobDescriptionHtml", "descriptionRaw")
_SALARY = (
    "salary",
    "salaryInfo",
    "baseSalary",
    "salaryText",
    "salary_text",
    "estimatedSalary",
    "salaryRange",
    "compensation",
    "pay",
)
_SALARY_MIN = ("min_amount", "salaryMin", "minSalary", "salary_min")
_SALARY_MAX = ("max_amount", "salaryMax", "maxSalary", "salary_max")
_SALARY_CURRENCY = ("currency", "salaryCurrency", "salary_currency")
_SALARY_PERIOD = ("interval", "salaryPeriod", "salary_period", "payPeriod")
_JOB_TYPE = ("employmentType", "contractType", "jobType", "jobTypes", "job_type", "employment_type")
_REMOTE_FLAG = ("isRemote", "is_remote", "remote", "workRemoteAllowed", "remoteAllowed")
_REMOTE_HINT = ("workType", "workplaceType", "workplaceTypes", "work_type", "remoteType", "workArrangement")
_POSTED_AT = (
    "postingDateParsed",
    "publishedAt",
    "datePublished",
    "postedAt",
    "postedAtTimestamp",
    "date_posted",
    "datePosted",
    "postedDate",
    "listedAt",
    "postedTime",
    "pubDate",
    "dateOnIndeed",
    "age",
)


# Folded names of the posting-date fields, for deciding a file's date order before its items are normalized.
DATE_KEYS = frozenset(fold_key(name) for name in _POSTED_AT)


@dataclass(frozen=True, slots=True)
class SchemaSpec:
    """Where one schema keeps each field, best name first; `folded` holds the same names for the fallback."""

    name: str
    source: str
    title: tuple[str, ...]
    company: tuple[str, ...]
    location: tuple[str, ...]
    url: tuple[str, ...]
    apply_url: tuple[str, ...]
    external_id: tuple[str, ...]
    description_text: tuple[str, ...]
    description_html: tuple[str, ...]
    salary: tuple[str, ...]
    salary_min: tuple[str, ...]
    salary_max: tuple[str, ...]
    salary_currency: tuple[str, ...]
    salary_period: tuple[str, ...]
    job_type: tuple[str, ...]
    remote_flag: tuple[str, ...]
    remote_hint: tuple[str, ...]
    posted_at: tuple[str, ...]


def _prefer(preferred: tuple[str, ...], known: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(preferred + known))


def _spec(name: str, source: str, **preferred: tuple[str, ...]) -> SchemaSpec:
    known = {
        "title": _TITLE,
        "company": _COMPANY,
        "location": _LOCATION,
        "url": _URL,
        "apply_url": _APPLY_URL,
        "external_id": _EXTERNAL_ID,
        "description_text": _DESCRIPTION_TEXT,
        "description_html": _DESCRIPTION_HTML,
        "salary": _SALARY,
        "salary_min": _SALARY_MIN,
        "salary_max": _SALARY_MAX,
        "salary_currency": _SALARY_CURRENCY,
        "salary_period": _SALARY_PERIOD,
        "job_type": _JOB_TYPE,
        "remote_flag": _REMOTE_FLAG,
        "remote_hint": _REMOTE_HINT,
        "posted_at": _POSTED_AT,
    }
    fields = {field: _prefer(preferred.get(field, ()), names) for field, names in known.items()}
    return SchemaSpec(name=name, source=source, **fields)


SPECS: dict[str, SchemaSpec] = {
    "linkedin-curious": _spec(
        "linkedin-curious",
        "linkedin",
        url=("link", "jobUrl", "url"),
        description_text=("descriptionText",),
        description_html=("descriptionHtml",),
        salary=("salaryInfo", "salary"),
        job_type=("employmentType",),
        posted_at=("postedAt", "postedAtTimestamp", "publishedAt", "postedDate", "listedAt"),
    ),
    "linkedin-bebity": _spec(
        "linkedin-bebity",
        "linkedin",
        url=("jobUrl", "link", "url"),
        description_text=("description", "descriptionText"),
        job_type=("contractType", "employmentType"),
        remote_hint=("workType",),
        posted_at=("publishedAt", "postedTime", "postedAt"),
    ),
    "indeed-misceres": _spec(
        "indeed-misceres",
        "indeed",
        title=("positionName",),
        company=("company",),
        url=("url",),
        apply_url=("externalApplyLink",),
        description_html=("descriptionHTML", "descriptionHtml"),
        job_type=("jobType",),
        posted_at=("postingDateParsed", "postedAt"),
    ),
    "indeed-valig": _spec(
        "indeed-valig",
        "indeed",
        company=("employer", "companyName", "company"),
        url=("url", "link", "viewJobLink"),
        apply_url=("applyUrl", "thirdPartyApplyUrl", "jobUrl"),
        external_id=("key", "jobKey", "id"),
        salary=("baseSalary", "salary", "estimatedSalary"),
        job_type=("jobTypes", "jobType"),
        posted_at=("datePublished", "dateOnIndeed", "datePosted", "age"),
    ),
    # Apify's indeed-scraper: jobKey, descriptionText/descriptionHtml, a location object, salary{salaryMin, ...},
    # datePublished beside an age ("10 days ago"); its CSV export flattens the objects ("salary/salaryMin").
    "indeed-scraper": _spec(
        "indeed-scraper",
        "indeed",
        title=("title", "displayTitle"),
        company=("companyName", "company", "employer"),
        url=("url", "jobUrl", "link"),
        apply_url=("applyUrl", "thirdPartyApplyUrl"),
        external_id=("jobKey", "key", "id"),
        description_text=("descriptionText", "description"),
        description_html=("descriptionHtml",),
        salary=("salary", "baseSalary"),
        job_type=("jobType", "jobTypes", "employmentType"),
        posted_at=("datePublished", "datePosted", "postedAt", "age"),
    ),
    "jobspy": _spec(
        "jobspy",
        "jobspy",
        url=("job_url",),
        apply_url=("job_url_direct",),
        external_id=("id",),
        description_text=("description",),
        salary_min=("min_amount",),
        salary_max=("max_amount",),
        salary_currency=("currency",),
        salary_period=("interval",),
        job_type=("job_type",),
        remote_flag=("is_remote",),
        posted_at=("date_posted",),
    ),
    "generic": _spec("generic", "file"),
}

# Keys (in folded form) that betray each shape, with how strongly; the highest total wins.
_MARKERS: dict[str, dict[str, int]] = {
    "jobspy": {
        "site": 2,
        "joburldirect": 4,
        "minamount": 3,
        "maxamount": 3,
        "dateposted": 2,
        "interval": 1,
        "companyindustry": 2,
        "companyurldirect": 2,
        "salarysource": 2,
        "listingtype": 1,
        "joblevel": 1,
        "companynumemployees": 2,
    },
    "indeed-valig": {
        "employer": 3,
        "basesalary": 4,
        "datepublished": 2,
        "jobtypes": 2,
        "key": 1,
        "dateonindeed": 3,
        "thirdpartyapplyurl": 2,
    },
    "indeed-scraper": {
        "jobkey": 5,
        "age": 2,
        "salary.salarymin": 4,
        "salary.salarymax": 2,
        "salary.salarycurrency": 1,
        "descriptionhtml": 1,
        "companyname": 1,
    },
    "indeed-misceres": {
        "positionname": 4,
        "externalapplylink": 3,
        "postingdateparsed": 4,
        "isexpired": 2,
        "reviewscount": 2,
        "rating": 1,
        "searchinput": 1,
    },
    "linkedin-curious": {
        "companylinkedinurl": 4,
        "descriptionhtml": 2,
        "descriptiontext": 2,
        "salaryinfo": 3,
        "link": 1,
        "applicantscount": 2,
        "senioritylevel": 1,
        "employmenttype": 1,
        "jobfunction": 1,
        "industries": 1,
        "trackingid": 2,
        "postedattimestamp": 2,
        "companylogo": 1,
        "inputurl": 1,
    },
    "linkedin-bebity": {
        "postedtime": 3,
        "applicationscount": 3,
        "contracttype": 2,
        "experiencelevel": 2,
        "worktype": 2,
        "sector": 2,
        "joburl": 1,
        "publishedat": 1,
        "companyurl": 1,
    },
}
# The top-level keys (as written by the actors) whose objects nested markers look into.
_NESTED_PARENTS = frozenset({"salary", "Salary"})
_MINIMUM_SCORE = 2
_detected: dict[tuple[object, ...], str] = {}
_DETECTION_CACHE_LIMIT = 4096


def detect_schema(item: Mapping[str, object]) -> str:
    """The schema whose tell-tale keys the item carries best; "generic" when none stands out."""
    if not isinstance(item, Mapping):
        return "generic"
    # Nested keys count too ("salary.salarymin"): two shapes may share a top-level name for different objects.
    # Only the objects a nested marker looks into are read, so most layouts cost one tuple.
    nested = tuple(
        (key, tuple(value)) for key in _NESTED_PARENTS.intersection(item) if isinstance(value := item[key], Mapping)
    )
    keys = (tuple(item), nested)
    cached = _detected.get(keys)
    if cached is not None:
        return cached
    folded = {fold_key(str(key)) for key in item}
    folded.update(f"{fold_key(str(key))}.{fold_key(str(child))}" for key, children in nested for child in children)
    best, best_score = "generic", _MINIMUM_SCORE - 1
    for schema, markers in _MARKERS.items():
        score = sum(weight for marker, weight in markers.items() if marker in folded)
        if score > best_score:
            best, best_score = schema, score
    if len(_detected) < _DETECTION_CACHE_LIMIT:
        _detected[keys] = best
    return best


_FIELD_NAMES = tuple(f.name for f in fields(SchemaSpec) if f.name not in ("name", "source"))
_resolved: dict[tuple[str, tuple[str, ...]], dict[str, tuple[str, ...]]] = {}


def resolve_keys(spec: SchemaSpec, item: Mapping[str, object]) -> dict[str, tuple[str, ...]]:
    """For each field, the item's keys that may hold it, best first; cached per key layout, as exports repeat it."""
    layout = tuple(item)
    cache_key = (spec.name, layout)
    found = _resolved.get(cache_key)
    if found is not None:
        return found
    by_folded: dict[str, object] = {}
    for raw_key in layout:
        by_folded.setdefault(fold_key(str(raw_key)), raw_key)
    found = {}
    for field_name in _FIELD_NAMES:
        keys: dict[object, None] = {}
        for name in getattr(spec, field_name):
            key = name if name in item else by_folded.get(fold_key(name))
            if key is not None:
                keys[key] = None
        found[field_name] = tuple(keys)  # type: ignore[arg-type]
    if len(_resolved) < _DETECTION_CACHE_LIMIT:
        _resolved[cache_key] = found
    return found
