"""The AI/ML job classifier: definitions, languages, traps, descriptions, taxonomy, metrics.

tests/data/classify_extra_labels.csv holds labelled titles hand-written by us (synthetic, in
the style of real postings; not scraped). The shared dev labels and O*NET titles are used only
when present next to the repository.
"""

# ruff: noqa: RUF001  (real job titles: en dashes, full-width brackets)

from __future__ import annotations

import csv
import random
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from jobatlas.errors import ConfigError, InputError, MissingColumnError
from jobatlas.models import TIERS
from jobatlas.normalize.classify import (
    FAMILIES,
    Classifier,
    as_columns,
    classify,
    keyword_baseline,
    light_normalise,
    load_taxonomy,
)
from jobatlas.normalize.classify_eval import (
    LabelledRow,
    evaluate,
    mistakes,
    read_labels,
    score,
)

EXTRA_LABELS = Path(__file__).resolve().parents[1] / "data" / "classify_extra_labels.csv"
SHARED = Path(__file__).resolve().parents[3] / "shared" / "data"
DEV_LABELS = SHARED / "dev-labels" / "titles.csv"
ONET = SHARED / "onet-alternate-titles" / "onet30_alternate_titles.csv"

SEED_TITLES = [
    "AI/ML – Machine Learning Engineer, Siri Understanding (Private Learning)",
    "Machine Learning Engineer, Cash App",
    "Manager, Machine Learning and AI Applications",
    "Applied AI ML Associate – Cross-Functional Projects – London",
    "Technical Product Manager – AI/ML",
    "Machine Learning Engineer H/F",
    "3D Machine Learning engineer",
    "Senior Machine Learning Engineer (NLP)",
    "Data Scientists (AI/ML)",
    "AI/ ML Engineer",
    "Software Engineer, AI",
    "Machine Learning BD Specialist, AI/ML GTM",
    "AI Customer Engineer",
    "AI/ML – Language Engineer (Japanese), Siri Understanding",
    "Head of AI/ML Technology & Services",
    "[AI]Research Tokyo Student Intern(Paid Intern_TRL)【IBM Japan】",
    "Business Development Manager (AI & Machine Learning Start-up)",
    "Machine Learning Engineer – QuantumBlack",
    "REMOTE Software Engineer – AI, ML",
    "Artificial Intelligence – Scientist I",
]


@pytest.mark.parametrize("title", SEED_TITLES)
def test_every_seed_title_of_the_issue_is_core(title: str) -> None:
    result = classify(title)
    assert result.tier == "core", result
    assert result.ai_ml and result.family in FAMILIES and result.evidence


@pytest.mark.parametrize(
    "title",
    [
        "Ingénieur Machine Learning H/F",
        "KI-Entwickler (m/w/d)",
        "Ingeniero de IA",
        "機械学習エンジニア",
        "算法工程师",
        "人工智能",
        "머신러닝 엔지니어",
        "Engenheiro(a) de Machine Learning Pleno",
        "Sviluppatore Intelligenza Artificiale",
        "Ontwikkelaar Kunstmatige Intelligentie",
        "Инженер по машинному обучению",
        "Softwareentwickler*in Künstliche Intelligenz",
        "AIエンジニア（自然言語処理）",
    ],
)
def test_titles_in_other_languages_are_core(title: str) -> None:
    assert classify(title).tier == "core"


@pytest.mark.parametrize(
    "title",
    [
        "HTML Developer (HyperText Markup Language Developer)",
        "Mainframe Developer (COBOL)",
        "Email Marketing Specialist",
        "Maintenance Technician - 2nd Shift",
        "Personal Trainer",
        "Vial Filling Operator (2 mL / 10 mL)",
        "Pharmacy Technician - IV Compounding 250 ml",
        "Machine Operator - 3rd Shift",
        "Learning & Development Manager",
        "Fashion Model",
        "Financial Modelling Analyst",
        "Data Entry Clerk",
        "Airline Customer Service Agent",
        "AI Express Ground Staff",
        "Jai Alai Player",
        "Research Scientist - Organic Chemistry",
        "Artificial Insemination Technician (AI Technician)",
        "Bovine AI Technician",
        "AML Compliance Analyst",
        "Data Engineer :: Cedar Rapids, IA",
        "Information Assurance (IA) Analyst",
        "Tax Attorney - LLM preferred",
        "NLP Practitioner and Life Coach",
        "Speech-Language Pathologist",
        "Addetto/a ai servizi di pulizia",
        "Impiegato amministrativo ai sensi della L.68/99",
        "Graphic Designer - PS, AI, ID",
        "Data Analyst POEI - Ecole de la Data & de l'IA - Promotion 202307",
        "Robotic Process Automation Analyst",
        "Software Engineer",
        "Data Analyst",
    ],
)
def test_hard_negatives_are_not_core(title: str) -> None:
    result = classify(title)
    assert result.tier == "none", result
    assert result.family is None and not result.ai_ml


@pytest.mark.parametrize(
    ("title", "family"),
    [
        ("Data Scientist", "data_science"),
        ("Research Scientist", "research_science"),
        ("Applied Scientist - Maps", "applied_science"),
        ("Quantitative Researcher", "other_ai"),
        ("Algorithm Engineer", "other_ai"),
        ("Robotics Engineer", "robotics_autonomy"),
        ("Machine Vision Engineer", "computer_vision"),
        ("AI/ML Data Labeling Manager - US", "other_ai"),
        ("Data Engineer - AI Start-Up", "ai_business"),
        ("Content Manager with ML/Data Science Experience", "other_ai"),
        ("Prompt Writer", "genai_llm"),
    ],
)
def test_ambiguous_titles_are_adjacent(title: str, family: str) -> None:
    result = classify(title)
    assert (result.tier, result.family) == ("adjacent", family)
    assert not result.ai_ml


@pytest.mark.parametrize(
    ("title", "family"),
    [
        ("AI Product Manager", "ai_product"),
        ("AI Solutions Architect - AWS", "ai_business"),
        ("Senior Data Scientist - NLP", "nlp"),
        ("Computer Vision Engineer", "computer_vision"),
        ("Speech Recognition Engineer", "speech"),
        ("LLM Engineer", "genai_llm"),
        ("MLOps Engineer", "mlops_platform"),
        ("Deep Learning Compiler Engineer", "ai_infra_hardware"),
        ("Machine Learning Research Scientist", "research_science"),
        ("Applied Scientist, ML AI", "applied_science"),
        ("Data Scientist, Machine Learning", "data_science"),
        ("Machine Learning Engineer", "ml_engineering"),
        ("Head of AI", "other_ai"),
    ],
)
def test_core_titles_get_a_family(title: str, family: str) -> None:
    assert (classify(title).tier, classify(title).family) == ("core", family)


def test_evidence_names_the_terms_and_traps_that_fired() -> None:
    assert "ai:machine learning" in classify("Machine Learning Engineer").evidence
    assert any(e.startswith("trap:") for e in classify("Bovine AI Technician").evidence)
    assert "demote:data_ops" in classify("AI Trainer - Writing (Freelance)").evidence
    assert classify("Cashier").evidence == ()


def test_ia_counts_as_ai_only_in_context() -> None:
    assert classify("Consultant IA H/F").tier == "core"
    assert classify("Product Owner IA").tier == "core"
    assert classify("IA Specialist").tier == "none"
    assert classify("GWOT IA/ILO Intelligence Support").tier == "none"


def test_weak_terms_need_a_technical_role() -> None:
    assert classify("Prompt Engineer").tier == "core"
    assert classify("Chatbot Developer").tier == "core"
    assert classify("Perception Engineer").tier == "core"
    assert classify("Speech Therapist").tier == "none"
    assert classify("Conversational Designer (Chatbots)").tier == "adjacent"


def test_game_ai_is_adjacent_but_machine_learning_in_games_is_core() -> None:
    assert classify("AI Programmer VR - UE").tier == "adjacent"
    assert classify("Machine Learning Engineer - Games").tier == "core"


def test_scores_order_the_tiers() -> None:
    core = classify("Machine Learning Engineer").score
    adjacent = classify("Data Scientist").score
    none = classify("Accountant").score
    assert 0.0 <= none < adjacent < core <= 1.0


def test_description_promotes_a_generic_engineer_who_trains_models() -> None:
    description = (
        "You will train and serve large deep learning models for recommendations. "
        "Experience with PyTorch, distributed training on GPUs and model serving."
    )
    result = classify("Software Engineer", description)
    assert (result.tier, result.family) == ("core", "ml_engineering")
    assert "rule:description shows ML work" in result.evidence
    assert classify("Software Engineer").tier == "none"


def test_description_demotes_a_data_scientist_who_builds_dashboards() -> None:
    description = (
        "Build dashboards in Tableau and Power BI, write SQL queries for weekly reporting "
        "and track KPIs for the sales team."
    )
    assert classify("Data Scientist", description).tier == "none"
    assert classify("Data Scientist").tier == "adjacent"


def test_description_does_not_promote_non_technical_or_vetoed_titles() -> None:
    description = "Train models with PyTorch, fine-tune LLMs, deploy models, model serving on GPUs."
    assert classify("Sales Manager", description).tier == "none"
    assert classify("Artificial Insemination Technician", description).tier == "none"
    assert classify("Machine Learning Engineer", "Build dashboards and reports").tier == "core"


def test_a_mention_of_ai_in_company_boilerplate_does_not_promote() -> None:
    description = (
        "We are an AI-powered fintech. You will build our payments web app in TypeScript and "
        "Node.js and work with product managers on checkout features."
    )
    assert classify("Software Engineer", description).tier == "none"


def test_html_in_a_description_is_ignored() -> None:
    description = "<p>Train &amp; deploy <b>deep learning</b> models with PyTorch on GPUs</p>"
    assert classify("Backend Engineer", description).tier == "core"


def test_results_are_cached_and_empty_titles_are_none() -> None:
    assert classify("Machine Learning Engineer") is classify("Machine Learning Engineer")
    for empty in (None, "", "  ", "—/()"):
        result = classify(empty)
        assert (result.tier, result.family, result.score) == ("none", None, 0.0)


def test_gender_markers_and_dotted_ai_are_normalised() -> None:
    assert "m/w/d" not in light_normalise("Entwickler (m/w/d)")
    assert "h/f" not in light_normalise("Ingénieur H/F")
    assert "ai/ml" in light_normalise("AI/ML Engineer")
    assert classify("Senior A.I. Engineer").tier == "core"
    assert classify("M.L. Engineer").tier == "core"


def test_as_columns_renders_one_csv_row() -> None:
    row = as_columns(classify("NLP Engineer"))
    assert row["ai_ml_tier"] == "core" and row["ai_ml"] is True
    assert row["ai_ml_family"] == "nlp" and row["ai_ml_evidence"] == "ai:nlp"


def test_keyword_baseline_matches_words_only() -> None:
    assert keyword_baseline("Machine Learning Engineer") == "core"
    assert keyword_baseline("Head of AI") == "core"
    assert keyword_baseline("Mainframe Developer") == "none"
    assert keyword_baseline("HTML Developer") == "none"
    assert keyword_baseline("Software Engineer", "We use ML daily") == "core"
    assert keyword_baseline(None) == "none"


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=80), st.one_of(st.none(), st.text(max_size=200)))
def test_never_raises_and_always_returns_a_consistent_result(
    title: str, description: str | None
) -> None:
    result = classify(title, description)
    assert result.tier in TIERS
    assert 0.0 <= result.score <= 1.0
    assert (result.family is None) == (result.tier == "none")
    assert result.family is None or result.family in FAMILIES
    assert all(isinstance(e, str) and e for e in result.evidence)


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet="abcdefghijklmnopqrstuvwxyz /-()", max_size=60))
def test_letter_case_and_surrounding_space_do_not_change_the_tier(title: str) -> None:
    assert classify(title).tier == classify(f"  {title.title()}  ").tier


# -- taxonomy as data ---------------------------------------------------------------------------


def test_a_user_taxonomy_extends_the_bundled_one(tmp_path: Path) -> None:
    path = tmp_path / "extra.toml"
    path.write_text(
        'extends = "builtin"\n[core.other_ai]\nterms = ["kognitive systeme"]\n'
        '[[trap]]\nname = "ai of a lab name"\npattern = "ai lab of mars"\neffect = "veto"\n',
        encoding="utf-8",
    )
    extended = Classifier.from_path(path)
    assert extended.classify("Ingenieur Kognitive Systeme").tier == "core"
    assert extended.classify("Machine Learning Engineer").tier == "core"
    assert extended.classify("Gardener, AI Lab of Mars").tier == "none"
    assert classify("Ingenieur Kognitive Systeme").tier == "none"


def test_a_taxonomy_without_extends_stands_alone(tmp_path: Path) -> None:
    path = tmp_path / "own.toml"
    path.write_text('[core.nlp]\nterms = ["textanalyse"]\n', encoding="utf-8")
    own = Classifier(load_taxonomy(path))
    assert own.classify("Textanalyse Engineer").tier == "core"
    assert own.classify("Machine Learning Engineer").tier == "none"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[core.nlp\n", "not valid TOML"),
        ('[core.wizardry]\nterms = ["x"]\n', "is not a family"),
        ('[[trap]]\nname = "t"\npattern = "("\n', "bad regular expression"),
        ('[[trap]]\nname = "t"\npattern = "x"\neffect = "explode"\n', "effect"),
        ('[roles]\nmagic = ["x"]\n', "not a role list"),
        ('[core.nlp]\nterms = "nlp"\n', "list of strings"),
        ('extends = "elsewhere"\n', "extends"),
    ],
)
def test_a_bad_taxonomy_is_a_config_error(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "bad.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError, match=message):
        load_taxonomy(path)


def test_a_missing_taxonomy_file_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="cannot read"):
        load_taxonomy(tmp_path / "nope.toml")


# -- measurement --------------------------------------------------------------------------------


def test_scores_count_adjacent_predictions_as_not_core_and_leave_adjacent_labels_out() -> None:
    rows = [
        LabelledRow("a", None, "core"),
        LabelledRow("b", None, "core"),
        LabelledRow("c", None, "none"),
        LabelledRow("d", None, "adjacent"),
    ]
    predicted = {"a": "core", "b": "adjacent", "c": "core", "d": "core"}
    scores = score(rows, lambda title, _: predicted[title], "test")  # type: ignore[arg-type,return-value]
    assert (scores.true_positives, scores.false_positives, scores.false_negatives) == (1, 1, 1)
    assert (scores.precision, scores.recall, scores.f1) == (0.5, 0.5, 0.5)
    assert (scores.scored, scores.excluded) == (3, 1)
    assert scores.count("adjacent", "core") == 1


def test_scores_are_zero_not_an_error_when_nothing_is_predicted() -> None:
    scores = score([LabelledRow("a", None, "none")], lambda *_: "none", "test")
    assert (scores.precision, scores.recall, scores.f1) == (0.0, 0.0, 0.0)


def _write(path: Path, header: list[str], rows: list[list[str]]) -> str:
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(header)
        writer.writerows(rows)
    return str(path)


def test_read_labels_checks_columns_and_labels(tmp_path: Path) -> None:
    good = _write(tmp_path / "g.csv", ["title", "label"], [["NLP Engineer", " Core "]])
    assert read_labels(good) == [LabelledRow("NLP Engineer", None, "core")]
    with pytest.raises(MissingColumnError):
        read_labels(_write(tmp_path / "m.csv", ["name", "label"], [["x", "core"]]))
    with pytest.raises(InputError, match="line 2"):
        read_labels(_write(tmp_path / "b.csv", ["title", "label"], [["x", "maybe"]]))


def test_the_added_labels_pass_the_issue_targets_and_beat_the_baseline() -> None:
    rows = read_labels(str(EXTRA_LABELS))
    ours, baseline = evaluate(rows)
    assert ours.precision >= 0.95 and ours.recall >= 0.93, mistakes(rows)
    assert ours.f1 >= baseline.f1 + 0.10


@pytest.mark.skipif(not DEV_LABELS.exists(), reason="shared dev labels not available")
def test_the_shared_dev_set_passes_the_issue_targets() -> None:
    ours, baseline = evaluate(read_labels(str(DEV_LABELS)))
    assert ours.precision >= 0.95 and ours.recall >= 0.93
    assert ours.f1 > baseline.f1


@pytest.mark.skipif(not ONET.exists(), reason="shared O*NET titles not available")
def test_onet_titles_outside_the_ai_occupations_are_almost_never_core() -> None:
    with ONET.open(encoding="utf-8", newline="") as fh:
        titles = [
            row["Alternate Title"]
            for row in csv.DictReader(fh)
            if not row["O*NET-SOC Code"].startswith(("15-2051", "15-1221"))
        ]
    sample = random.Random(3).sample(titles, 15_000)
    core = [t for t in sample if classify(t).tier == "core"]
    assert len(core) / len(sample) < 0.002, core


def test_a_value_that_is_not_a_string_is_missing() -> None:
    from jobatlas.normalize.classify import classify

    assert classify("Machine Learning Engineer", float("nan")).tier == "core"  # type: ignore[arg-type]
    assert classify(float("nan")).tier == "none"  # type: ignore[arg-type]
