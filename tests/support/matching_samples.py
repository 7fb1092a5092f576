"""Hand-made resumes and job postings for the matching tests: a few families that a person can judge at a glance."""

from __future__ import annotations

PYTHON_RESUME = """\
Dana Kowalski — Senior Backend Engineer

Backend engineer with eight years building Python web services. Designed and ran REST APIs in Django and FastAPI
backed by PostgreSQL (query tuning, partitioning, migrations with Alembic) and Redis caches. Wrote async workers
with Celery and asyncio, deployed on Docker and k8s through GitHub Actions CI/CD pipelines on AWS (EC2, S3, RDS).
Comfortable with SQLAlchemy, pytest and test-driven development, code review and mentoring junior developers.

Experience
- Payments platform (2019–2024): split a Django monolith into microservices; cut p95 API latency from 900 ms to
  120 ms by rewriting hot queries and adding Redis; on call for the billing services.
- Logistics startup (2016–2019): built the FastAPI backend for route planning, PostgreSQL + PostGIS, Kafka events.
Skills: Python, Django, FastAPI, Flask, PostgreSQL, Redis, Docker, Kubernetes, AWS, Linux, Git, REST, pytest.
"""

NURSE_RESUME = """\
Maria Santos, RN — Registered Nurse

Registered nurse with six years of acute care experience on a medical-surgical unit and two years in the ICU.
Skilled in patient assessment, medication administration, IV therapy, wound care and care planning; charting in
Epic. Current BLS and ACLS certification. Educates patients and families at discharge, precepts new graduate nurses,
and works closely with physicians, pharmacists and respiratory therapists. Calm under pressure in rapid responses.
"""

DATA_RESUME = """\
Sam Lee — Data Scientist

Data scientist with a statistics background. Builds machine learning models in Python with pandas, scikit-learn and
PyTorch; runs A/B tests and statistical analysis; writes SQL against Snowflake and BigQuery; ships dashboards in
Tableau. Experience with NLP (text classification, topic models) and time series forecasting. R for statistics.
"""


def _job(title: str, company: str, location: str, description: str, family: str) -> dict:
    return {
        "title": title,
        "companyName": company,
        "location": location,
        "description": description,
        "family": family,
        "link": f"https://jobs.example.com/{family}/{'-'.join((title + ' ' + company).split())}",
    }


JOBS = [
    _job(
        "Senior Python Backend Engineer",
        "Ledgerly",
        "Berlin, Germany",
        "We are hiring a backend engineer to build our payments APIs in Python. You will design REST APIs with "
        "Django and Django REST framework, model data in PostgreSQL, use Redis for caching and Celery for "
        "background jobs. Our services run in Docker on Kubernetes in AWS; we deploy with GitHub Actions. "
        "Requirements: 5+ years of Python, strong SQL and Postgres skills, testing with pytest, code reviews.",
        "python",
    ),
    _job(
        "Python Developer (FastAPI)",
        "RouteWise",
        "Remote",
        "Join the platform team building FastAPI microservices for route optimization. Python 3, asyncio, "
        "SQLAlchemy, PostgreSQL, Kafka events, Docker and k8s. You write tests first (pytest) and care about API "
        "design and observability. Nice to have: AWS, Terraform, Redis.",
        "python",
    ),
    _job(
        "Backend Software Engineer - Python/Django",
        "ShopGrid",
        "Amsterdam",
        "ShopGrid is looking for a software engineer for our Django backend. Responsibilities: REST APIs, database "
        "design and query optimization in PostgreSQL, Celery task queues, integration with payment providers, "
        "CI/CD pipelines, mentoring. Tech: Python, Django, Postgres, Redis, Docker, Linux, Git.",
        "python",
    ),
    _job(
        "Site Reliability Engineer",
        "CloudNest",
        "London",
        "SRE to run our Kubernetes clusters on AWS. Terraform, Helm, Prometheus and Grafana, incident response, "
        "Linux, Python or Go scripting, CI/CD with Jenkins. You will improve monitoring and alerting.",
        "devops",
    ),
    _job(
        "Frontend Engineer (React)",
        "Pixelfolk",
        "Lisbon",
        "Build our web app in React and TypeScript. Redux, Next.js, CSS and HTML, accessibility, Jest and "
        "Cypress tests, Figma handoff with designers. REST and GraphQL APIs.",
        "frontend",
    ),
    _job(
        "Data Scientist",
        "Insightful",
        "Paris",
        "Data scientist to build machine learning models in Python: pandas, scikit-learn, XGBoost. Statistical "
        "analysis, A/B testing, SQL, dashboards in Tableau. NLP experience is a plus.",
        "data",
    ),
    _job(
        "Registered Nurse - ICU",
        "St. Mary Hospital",
        "Boston, MA",
        "St. Mary Hospital seeks a Registered Nurse (RN) for the Intensive Care Unit. Provide direct patient care, "
        "patient assessment, medication administration, IV therapy and ventilator care. Document in Epic EHR. "
        "Requirements: active RN license, BLS and ACLS certification, 2+ years ICU experience.",
        "nursing",
    ),
    _job(
        "Medical-Surgical Nurse",
        "Riverside Health",
        "Chicago, IL",
        "Riverside Health is hiring an RN for our med-surg unit: patient care for 5-6 patients, wound care, "
        "medication administration, care planning, patient education and discharge planning. BLS required, "
        "ACLS preferred. Epic charting. Night shift, 12-hour shifts.",
        "nursing",
    ),
    _job(
        "Home Health Nurse",
        "CareAtHome",
        "Denver, CO",
        "Visit patients at home: assessments, wound care, IV therapy, medication reconciliation and patient "
        "teaching. RN license and valid driver's license required. CPR/BLS certified.",
        "nursing",
    ),
    _job(
        "Certified Nursing Assistant",
        "Sunrise Senior Living",
        "Phoenix, AZ",
        "CNA to help residents with activities of daily living, take vital signs, report changes in condition to "
        "the nurse, and support dementia care. CPR and first aid certification required.",
        "nursing",
    ),
    _job(
        "Retail Sales Associate",
        "UrbanWear",
        "Manchester",
        "Greet customers, operate the POS system and cash handling, visual merchandising, restock shelves and "
        "hit sales targets. Weekend availability. Customer service experience preferred.",
        "retail",
    ),
    _job(
        "Staff Accountant",
        "Northwind Traders",
        "Dublin",
        "Accounts payable and receivable, general ledger, month-end close and reconciliations, financial "
        "reporting under IFRS. Advanced Excel (pivot tables, VLOOKUP), QuickBooks or SAP. CPA a plus.",
        "accounting",
    ),
]

FAMILIES = sorted({job["family"] for job in JOBS})
