"""Service-type tagging (spec §3)."""

from __future__ import annotations

import pytest

from councilwatch.nlp.analyse import analyse_texts
from councilwatch.nlp.language import build_pipeline


@pytest.fixture(scope="module")
def nlp():
    return build_pipeline()


def ids(nlp, text: str) -> set[str]:
    [rec] = analyse_texts(nlp, [(text, None)])
    for s in rec["services"]:
        assert text[s["start"] : s["end"]] == s["text"]
    return {s["id"] for s in rec["services"]}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("IT services such as telephony systems and IT support", {"ict", "telephony", "it_support"}),
        ("resident data in customer relationship management (CRM) systems", {"crm"}),
        ("adoption management, disaster recovery and mentoring young people",
         {"childrens_services", "disaster_recovery"}),
        ("one shared mobile workspace underpinned by virtualisation", {"workplace", "infrastructure"}),
        ("a provider of customer services, income and payments",
         {"customer_services", "revenues_benefits"}),
        ("4,236 separate data breaches", {"cyber_security"}),
        ("Revenues and benefits, HR and payroll, legal services and internal audit",
         {"revenues_benefits", "hr_payroll", "legal", "audit"}),
        ("waste collection, planning applications, libraries and public health",
         {"waste_environment", "planning", "leisure_culture", "public_health"}),
        ("Its revenues, benefits and customer services are based in Dorchester.",
         {"revenues_benefits", "customer_services"}),
        ("Staff are rebuilding its computer systems after the attack.", {"ict"}),
        ("Homes and benefits payments were disrupted.", {"revenues_benefits"}),
        ("The Northern Ireland Housing Executive was not involved.", set()),
        # AI is a technique, not a taxonomy id; the data work it serves is
        ("It uses AI and machine learning to triage calls.", set()),
        ("An artificial intelligence tool reads the council's data warehouse.", {"data_analytics"}),
    ],
)  # fmt: skip
def test_services(nlp, text, expected):
    assert ids(nlp, text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Councils are sharing services with their fellow authorities.",
        "It is no secret that it was a waste of money.",
        "They are planning to deliver enhanced frontline services.",
        "The benefits of sharing outweigh the costs.",
    ],
)
def test_generic_words_are_not_services(nlp, text):
    assert ids(nlp, text) == set()


#: Every "covers, for example" phrase of the spec's table (§3), with common press synonyms;
#: words whose sense needs a context ("benefits", "fraud", "culture") are left out.
SPEC_PHRASES = {
    "ict": [
        "ICT services",
        "IT services",
        "the IT department",
        "ICT shared service",
        "information technology",
        "IT",
    ],
    "it_support": ["IT support", "service desk", "helpdesk", "help desk", "technical support"],
    "telephony": [
        "telephony",
        "phone systems",
        "unified communications",
        "telephone system",
        "VoIP",
    ],
    "crm": [
        "CRM",
        "customer relationship management systems",
        "resident data platforms",
        "customer relationship management",
    ],
    "infrastructure": [
        "data centres",
        "data centre",
        "hosting",
        "servers",
        "cloud",
        "virtualisation",
        "networks",
        "PSN",
        "broadband",
        "wide area network",
        "Public Services Network",
        "storage",
    ],
    "applications": [
        "ERP",
        "finance systems",
        "HR systems",
        "payroll systems",
        "case-management",
        "case management",
        "line-of-business software",
        "enterprise resource planning",
    ],
    "digital_services": [
        "websites",
        "online services",
        "apps",
        "digital platforms",
        "digital transformation",
        "website",
        "app",
        "online forms",
        "e-forms",
    ],
    "cyber_security": [
        "cyber security",
        "cybersecurity",
        "information security",
        "data breaches",
        "data breach",
        "data protection",
        "ransomware",
        "cyber attack",
        "cyber-attack",
        "cyberattack",
    ],
    "disaster_recovery": ["disaster recovery", "business continuity"],
    "data_analytics": [
        "data sharing",
        "analytics",
        "open data",
        "data warehouses",
        "data warehouse",
        "data analytics",
    ],
    "workplace": [
        "mobile working",
        "virtual desktops",
        "mobile workspace",
        "end-user devices",
        "laptops",
        "remote working",
    ],
    "customer_services": [
        "customer services",
        "contact centres",
        "contact centre",
        "call centre",
        "customer service",
    ],
    "revenues_benefits": [
        "revenues and benefits",
        "council tax collection",
        "income and payments",
        "business rates",
        "housing benefit",
    ],
    "finance": [
        "finance",
        "accountancy",
        "treasury",
        "financial services",
        "finance services",
        "treasury management",
        "accounts payable",
        "accounts receivable",
    ],
    "hr_payroll": ["HR", "payroll", "recruitment", "human resources"],
    "legal": ["legal services", "legal team"],
    "procurement": ["procurement", "purchasing"],
    "audit": ["internal audit", "fraud investigation", "counter-fraud"],
    "property": ["estates", "asset management", "facilities management", "property services"],
    "adult_social_care": [
        "adult social care",
        "social care",
        "social work",
        "social services",
        "adult services",
    ],
    "childrens_services": [
        "children's services",
        "adoption",
        "fostering",
        "youth work",
        "mentoring young people",
        "child protection",
        "youth services",
    ],
    "waste_environment": [
        "waste",
        "recycling",
        "street cleaning",
        "environmental services",
        "refuse collection",
        "bin collections",
        "graffiti",
    ],
    "planning": [
        "planning services",
        "building control",
        "planning applications",
        "development management",
    ],
    "regulatory": ["environmental health", "trading standards", "licensing", "regulatory services"],
    "housing": ["housing", "homelessness", "temporary accommodation"],
    "transport_highways": [
        "highways",
        "transport",
        "parking",
        "roads maintenance",
        "potholes",
        "gritting",
        "road repairs",
    ],
    "leisure_culture": ["libraries", "leisure", "tourism", "museums", "leisure centres"],
    "public_health": ["public health"],
    "education": ["schools", "education"],
    "emergency_planning": ["emergency planning", "civil resilience", "civil contingencies"],
}


@pytest.mark.parametrize(
    ("sid", "phrase"), [(sid, p) for sid, ps in SPEC_PHRASES.items() for p in ps]
)
def test_taxonomy_covers_the_spec_phrases(nlp, sid, phrase):
    assert ids(nlp, f"The councils share {phrase} from April.") == {sid}


def test_every_taxonomy_id_is_in_the_coverage_table():
    from councilwatch.nlp.taxonomy import taxonomy

    assert set(SPEC_PHRASES) == {t["id"] for t in taxonomy()}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # council tax as a tax level is not the revenues service; collecting it is
        ("Band D bills rise after a 4.99% council tax increase.", set()),
        ("Each council will set its own council tax.", set()),
        ("The two councils will collect council tax together.", {"revenues_benefits"}),
        ("A council tax freeze was announced.", set()),
        ("Hammersmith & Fulham cuts council tax for a second year.", set()),
        ("It is the first council tax cut in a decade.", set()),
        # adoption of a technology is not children's services
        ("The adoption of a shared platform was agreed.", set()),
        ("The regional adoption agency finds families for children.", {"childrens_services"}),
        # finance in a post's or a committee's name is not the finance service
        ("The director of finance, Jo Smith, said so.", set()),
        ("The cabinet member for finance welcomed it.", set()),
        ("The Finance and Resources Committee approved it.", set()),
        ("They will share finance and legal services.", {"finance", "legal"}),
        # finance, HR and payroll systems are applications
        ("It will replace its finance and HR system.", {"applications"}),
        ("Its core finance, rates and consenting systems are old.", {"applications"}),
        # other services' systems stay those services, bare words as much as phrases
        ("Revenues and benefits, planning and waste systems will merge.",
         {"revenues_benefits", "planning", "waste_environment"}),
        ("Housing benefit and planning systems are still down.", {"revenues_benefits", "planning"}),
        ("Its finance, payroll and property rating systems are old.", {"applications"}),
        ("Health and Social Care Trust staff will use it.", set()),
        ("Social work and social services teams merge.", {"adult_social_care"}),
        ("Child protection referrals rose.", {"childrens_services"}),
        ("The county rolls out broadband to villages.", {"infrastructure"}),
        ("Its software licensing costs fell.", {"applications"}),
        ("The Ministry of Housing approved it.", set()),
        # the government department and its committee are not the council service
        ("The Department for Levelling Up, Housing and Communities gave £2m.", set()),
        ("The Levelling Up, Housing and Communities Committee said so.", set()),
        ("The Scottish Housing Regulator said so.", set()),
        ("They share housing and communities services.", {"housing"}),
        ("It was a waste of money.", set()),
        # an IT estate is the installed base of machines, not the council's property
        ("The two councils have retired their Windows XP estates.", set()),
        ("Its desktop estate is ageing.", set()),
        ("They share estates and facilities management.", {"property"}),
        # a system noun right after a service is that service's
        ("It bought a customer relationship management (CRM) system.", {"crm"}),
        ("It bought a new CRM platform.", {"crm"}),
        ("It runs a booking and membership system.", {"applications"}),
        # a bare system noun counts only after a noun that says what it does
        ("It built the forms on a low-code platform.", set()),
        ("It can invest in modern systems and separate systems for each service.", set()),
        ("Savings come once systems are consolidated.", set()),
        ("It bought an asset register system.", {"applications"}),
        # ... not after a quantifier or an adjective that says only which or how many
        ("Every system in the building went down.", set()),
        ("Duplicate systems will be retired, and unpatched systems replaced.", set()),
        ("They moved both teams onto a common platform.", set()),
        # ... nor as another service's system, nor as the modifier of another noun
        ("It spent £38,000 on a secure email system.", set()),
        ("It retired two content systems.", set()),
        ("The platform upgrade was delayed.", set()),
        # bare words name a service before a head noun or in a list of services
        ("They share planning, housing and environmental health teams.",
         {"planning", "housing", "regulatory"}),
        ("The councils run joint ICT, legal and building control services.",
         {"ict", "legal", "planning"}),
        # a modifier before "and" shares the head of the service phrase after it
        ("It merges children's and adult services.", {"childrens_services", "adult_social_care"}),
        ("It runs adult and children's social care.", {"adult_social_care", "childrens_services"}),
        ("They share public and environmental health.", {"public_health", "regulatory"}),
        ("Health and children's services were cut.", {"childrens_services"}),
        ("They are planning to share a chief executive.", set()),
        ("The legal challenge failed.", set()),
        # recruiting a person is hiring, not the recruitment service
        ("The council will recruit its own chief executive.", set()),
        ("It will now begin recruiting a replacement.", set()),
        ("Ashford has been recruiting for IT staff.", {"hr_payroll", "ict"}),
        ("They share recruitment and payroll.", {"hr_payroll"}),
        # more titles: "director for", conveners, spokespeople
        ("Its executive director for finance, Sam Lee, agreed.", set()),
        ("The finance and resources convener backed the deal.", set()),
        ("A finance spokesperson declined to comment.", set()),
        # a committee named after two things is still a committee
        ("The audit and governance committee met on Tuesday.", set()),
        ("Its internal audit team moved to the partnership.", {"audit"}),
        # "early years" after a possessive or "in the" is a time of life, not the service
        ("In its early years the partnership struggled to save money.", set()),
        ("The trust saved money in its early years but then overspent.", set()),
        ("Its early years provision will be run by the trust.", {"childrens_services"}),
        ("They will share early years and youth services.", {"childrens_services"}),
        # a bare word before a head noun of its own service ("planning applications")
        ("The council granted planning permission for it.", {"planning"}),
        ("The new councils gain planning powers on day one.", {"planning"}),
        ("Tenants can still report housing repairs by phone.", {"housing"}),
        ("A backlog of benefits claims built up after the attack.", {"revenues_benefits"}),
        ("Some benefit claims could be delayed.", {"revenues_benefits"}),
        ("Its benefits package for staff was cut.", set()),
        # schools counted are customers or buildings, not the education service
        ("The shared team runs payroll for 140 schools in the county.", {"hr_payroll"}),
        ("It sells HR support to dozens of schools and two colleges.", {"hr_payroll"}),
        ("Its finance staff also serve several schools.", {"finance"}),
        ("Broadband will reach forty schools by March.", {"infrastructure"}),
        ("The two councils will share their schools improvement team.", {"education"}),
        ("Funding for schools was cut again.", {"education"}),
    ],
)  # fmt: skip
def test_word_sense(nlp, text, expected):
    assert ids(nlp, text) == expected


def test_a_bare_word_inside_a_longer_token_is_not_read(nlp):
    # the tokenizer keeps "libraries.\\n\\nThe" whole: the bare word must be a whole token
    assert ids(nlp, "They share planning, libraries.\\n\\nThe end.") == set()
    assert ids(nlp, "They share legal,planning and housing teams.") == {
        "legal",
        "planning",
        "housing",
    }


def test_a_product_that_is_a_whole_supplier_name_stays_a_service(nlp):
    # the supplier linker drops services inside a company's name, but not a product name
    assert ids(nlp, "The councils moved onto a single Salesforce platform.") == {"crm"}
    assert ids(nlp, "It will run one SAP platform for payroll.") == {"applications", "hr_payroll"}
    assert ids(nlp, "NEC Software Solutions won the contract.") == set()
