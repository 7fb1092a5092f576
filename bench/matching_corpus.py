"""Synthetic but realistic job postings and resumes for the matching benchmark (deterministic for a seed)."""

from __future__ import annotations

import random
from dataclasses import dataclass

FAMILIES: dict[str, dict[str, list[str]]] = {
    "python": {
        "titles": [
            "Python Developer",
            "Backend Engineer",
            "Django Developer",
            "Software Engineer, Platform",
            "API Engineer",
        ],
        "skills": [
            "Python",
            "Django",
            "FastAPI",
            "Flask",
            "PostgreSQL",
            "Redis",
            "Celery",
            "REST APIs",
            "Docker",
            "Kubernetes",
            "AWS",
            "SQLAlchemy",
            "pytest",
            "Kafka",
            "microservices",
            "CI/CD",
            "Linux",
            "Git",
        ],
        "words": [
            "services",
            "APIs",
            "backend",
            "latency",
            "scalability",
            "databases",
            "endpoints",
            "deploy",
            "production",
            "architecture",
            "payments",
            "integrations",
        ],
    },
    "frontend": {
        "titles": ["Frontend Developer", "React Engineer", "UI Engineer", "Web Developer", "Frontend Lead"],
        "skills": [
            "JavaScript",
            "TypeScript",
            "React",
            "Redux",
            "Next.js",
            "Vue.js",
            "CSS",
            "HTML",
            "Webpack",
            "Jest",
            "Cypress",
            "accessibility",
            "Figma",
            "GraphQL",
            "Tailwind CSS",
        ],
        "words": [
            "components",
            "browser",
            "interfaces",
            "pixel",
            "design system",
            "web app",
            "performance",
            "responsive",
            "users",
            "interactions",
        ],
    },
    "data": {
        "titles": [
            "Data Scientist",
            "Machine Learning Engineer",
            "Data Analyst",
            "Analytics Engineer",
            "ML Researcher",
        ],
        "skills": [
            "Python",
            "pandas",
            "scikit-learn",
            "PyTorch",
            "TensorFlow",
            "SQL",
            "statistics",
            "A/B testing",
            "Tableau",
            "Spark",
            "Airflow",
            "dbt",
            "Snowflake",
            "NLP",
            "machine learning",
            "BigQuery",
        ],
        "words": [
            "models",
            "experiments",
            "insights",
            "datasets",
            "features",
            "training",
            "metrics",
            "forecasts",
            "dashboards",
            "hypotheses",
        ],
    },
    "devops": {
        "titles": [
            "DevOps Engineer",
            "Site Reliability Engineer",
            "Platform Engineer",
            "Cloud Engineer",
            "Infrastructure Engineer",
        ],
        "skills": [
            "Kubernetes",
            "Terraform",
            "AWS",
            "Azure",
            "GCP",
            "Docker",
            "Helm",
            "Prometheus",
            "Grafana",
            "Ansible",
            "Linux",
            "CI/CD",
            "Jenkins",
            "GitHub Actions",
            "Bash",
            "Python",
            "networking",
        ],
        "words": [
            "infrastructure",
            "clusters",
            "uptime",
            "incidents",
            "automation",
            "pipelines",
            "observability",
            "capacity",
            "on-call",
            "reliability",
        ],
    },
    "mobile": {
        "titles": [
            "iOS Developer",
            "Android Developer",
            "Mobile Engineer",
            "React Native Developer",
            "Flutter Developer",
        ],
        "skills": [
            "Swift",
            "SwiftUI",
            "Kotlin",
            "Android",
            "iOS",
            "React Native",
            "Flutter",
            "Dart",
            "Xcode",
            "REST APIs",
            "Firebase",
            "Git",
            "unit testing",
        ],
        "words": [
            "app",
            "App Store",
            "Play Store",
            "devices",
            "releases",
            "offline",
            "push notifications",
            "screens",
            "animations",
        ],
    },
    "nursing": {
        "titles": ["Registered Nurse", "ICU Nurse", "Med-Surg RN", "Charge Nurse", "Home Health Nurse"],
        "skills": [
            "patient care",
            "patient assessment",
            "medication administration",
            "IV therapy",
            "wound care",
            "BLS",
            "ACLS",
            "Epic charting",
            "care planning",
            "patient education",
            "telemetry nursing",
            "infection control",
            "triage",
            "vital signs",
        ],
        "words": [
            "patients",
            "unit",
            "hospital",
            "shifts",
            "physicians",
            "families",
            "bedside",
            "clinical",
            "admissions",
            "discharges",
            "acuity",
        ],
    },
    "retail": {
        "titles": ["Sales Associate", "Store Supervisor", "Cashier", "Retail Assistant Manager", "Visual Merchandiser"],
        "skills": [
            "customer service",
            "cash handling",
            "POS systems",
            "visual merchandising",
            "inventory",
            "retail sales",
            "scheduling",
            "loss prevention",
        ],
        "words": [
            "store",
            "customers",
            "shelves",
            "displays",
            "shifts",
            "weekends",
            "targets",
            "floor",
            "stock",
            "returns",
        ],
    },
    "accounting": {
        "titles": [
            "Staff Accountant",
            "Financial Analyst",
            "Bookkeeper",
            "Accounts Payable Specialist",
            "Senior Accountant",
        ],
        "skills": [
            "accounts payable",
            "accounts receivable",
            "general ledger",
            "reconciliations",
            "Excel",
            "QuickBooks",
            "SAP",
            "financial reporting",
            "GAAP",
            "budgeting",
            "payroll",
            "auditing",
        ],
        "words": [
            "invoices",
            "month-end",
            "ledger",
            "statements",
            "controls",
            "vendors",
            "close",
            "accruals",
            "variance",
            "forecast",
        ],
    },
    "marketing": {
        "titles": [
            "Marketing Manager",
            "SEO Specialist",
            "Content Marketer",
            "Growth Marketer",
            "Social Media Manager",
        ],
        "skills": [
            "SEO",
            "Google Ads",
            "Google Analytics",
            "content marketing",
            "email marketing",
            "social media",
            "copywriting",
            "HubSpot CRM",
            "brand strategy",
            "market research",
        ],
        "words": [
            "campaigns",
            "audience",
            "brand",
            "funnel",
            "conversion",
            "content",
            "channels",
            "leads",
            "engagement",
            "launches",
        ],
    },
    "logistics": {
        "titles": [
            "Warehouse Associate",
            "Forklift Operator",
            "Logistics Coordinator",
            "Delivery Driver",
            "Supply Chain Analyst",
        ],
        "skills": [
            "forklift",
            "warehouse",
            "inventory control",
            "shipping and receiving",
            "supply chain",
            "CDL",
            "OSHA",
            "pick and pack",
            "SAP",
        ],
        "words": [
            "pallets",
            "orders",
            "shipments",
            "trucks",
            "routes",
            "dock",
            "safety",
            "loading",
            "freight",
            "warehouse floor",
        ],
    },
    "teaching": {
        "titles": ["Primary School Teacher", "Math Teacher", "Special Education Teacher", "Tutor", "Preschool Teacher"],
        "skills": [
            "lesson planning",
            "classroom management",
            "curriculum development",
            "special education",
            "IEP",
            "early childhood",
            "ESL",
            "tutoring",
        ],
        "words": [
            "students",
            "classroom",
            "parents",
            "grades",
            "lessons",
            "school",
            "learning",
            "assessment",
            "literacy",
            "progress",
        ],
    },
    "hospitality": {
        "titles": ["Line Cook", "Sous Chef", "Barista", "Front Desk Agent", "Restaurant Server"],
        "skills": [
            "food safety",
            "food preparation",
            "ServSafe",
            "customer service",
            "cash handling",
            "bartending",
            "front desk",
            "housekeeping",
        ],
        "words": [
            "kitchen",
            "guests",
            "menu",
            "orders",
            "hotel",
            "restaurant",
            "shifts",
            "dishes",
            "service",
            "reservations",
        ],
    },
}

_BOILERPLATE_TEXT = (
    "our mission is to help people everywhere live better lives; we value curiosity, ownership and kindness; "
    "we offer flexible hours, generous vacation, parental leave, health insurance, a learning budget and a "
    "friendly, inclusive culture where diverse perspectives are celebrated; we are an equal opportunity employer "
    "and welcome applicants of every background; founded a decade ago, we have grown to hundreds of colleagues "
    "in offices across Europe and North America, and we keep growing every quarter"
)
BOILERPLATE = _BOILERPLATE_TEXT.split()
CITIES = [
    "Berlin",
    "London",
    "Paris",
    "Madrid",
    "Amsterdam",
    "New York, NY",
    "Chicago, IL",
    "Austin, TX",
    "Remote",
    "Toronto",
    "Dublin",
    "Lisbon",
    "Warsaw",
    "Boston, MA",
    "Seattle, WA",
]
COMPANIES = [
    "Acme",
    "Globex",
    "Initech",
    "Umbrella",
    "Hooli",
    "Vandelay",
    "Stark",
    "Wayne",
    "Tyrell",
    "Cyberdyne",
    "Soylent",
    "Wonka",
    "Gringotts",
    "Monarch",
    "Pied Piper",
    "Dunder Mifflin",
    "Aperture",
    "Black Mesa",
]
LEVELS = ["", "", "Junior ", "Senior ", "Lead ", "Staff "]


@dataclass(frozen=True, slots=True)
class SyntheticJob:
    """One generated posting."""

    family: str
    title: str
    company: str
    location: str
    description: str


def make_job(rng: random.Random, family: str | None = None) -> SyntheticJob:
    """One posting of a family (random when not given): skills, family words and boilerplate."""
    family = family or rng.choice(list(FAMILIES))
    spec = FAMILIES[family]
    other = FAMILIES[rng.choice(list(FAMILIES))]
    title = rng.choice(LEVELS) + rng.choice(spec["titles"])
    skills = rng.sample(spec["skills"], k=min(len(spec["skills"]), rng.randint(4, 9)))
    skills += rng.sample(other["skills"], k=rng.randint(0, 2))
    words = rng.sample(spec["words"], k=min(len(spec["words"]), rng.randint(4, 8)))
    sentences = [
        f"We are looking for a {title.lower()} to join our {rng.choice(words)} group.",
        f"You will work on {', '.join(words[:3])} and more.",
        f"Requirements: {', '.join(skills)}.",
        f"Day to day you handle {' and '.join(words[3:])} with the team.",
        " ".join(rng.choice(BOILERPLATE) for _ in range(rng.randint(40, 220))) + ".",
    ]
    return SyntheticJob(
        family, title, f"{rng.choice(COMPANIES)} {rng.randint(1, 999)}", rng.choice(CITIES), " ".join(sentences)
    )


def make_resume(rng: random.Random, family: str) -> str:
    """A resume for a family: a headline, most of its skills and a little history."""
    spec = FAMILIES[family]
    skills = rng.sample(spec["skills"], k=max(4, len(spec["skills"]) * 2 // 3))
    return (
        f"{rng.choice(spec['titles'])} with {rng.randint(2, 12)} years of experience. "
        f"Worked on {', '.join(rng.sample(spec['words'], k=4))}. Skills: {', '.join(skills)}."
    )
