"""Urbanism: the national thresholds (DP or PC), CERFA numbers, delays; the form's answers;
the urbanism service's contacts from the back office, and the rules still given when it is down."""

import pytest

from actions.territory_forms import SKIPPED
from actions.urbanism import (ActionBuildingPermitAnswer, ActionUrbanPlanningDocs,
                              ValidateBuildingPermitForm, answer_lines)
from tests.actions.territory_support import all_text, assert_button_rules, buttons, call, run, said


def first_line(project_type, surface):
    return answer_lines(project_type, surface)[0]


@pytest.mark.parametrize("project_type,surface,expected", [
    ("abri_jardin", 4, "aucune autorisation d'urbanisme n'est nécessaire"),
    ("abri_jardin", 5, "aucune autorisation d'urbanisme n'est nécessaire"),
    ("abri_jardin", 15, "déclaration préalable (formulaire CERFA 13703), instruite en 1 mois"),
    ("abri_jardin", 25, "permis de construire (formulaire CERFA 13406), instruit en 2 mois"),
    ("piscine", 10, "aucune autorisation"),
    ("piscine", 50, "déclaration préalable"),
    ("piscine", 120, "permis de construire"),
    ("extension", 12, "déclaration préalable"),
    ("extension", 60, "permis de construire"),
    ("maison", None, "permis de construire (formulaire CERFA 13406)"),
    ("ravalement", None, "déclaration préalable"),
    ("panneaux_solaires", None, "déclaration préalable"),
])
def test_national_thresholds(project_type, surface, expected):
    assert expected in first_line(project_type, surface)


def test_extension_between_20_and_40_depends_on_the_plu_zone():
    lines = answer_lines("extension", 30)
    assert "dépend de la zone" in lines[0]
    assert "zone urbaine (U) d'un PLU : il faut une déclaration préalable" in lines[1]
    assert "hors zone urbaine, ou sans PLU : il faut un permis de construire" in lines[2]


def test_unknown_surface_gives_the_whole_table():
    lines = answer_lines("piscine", None)
    assert "jusqu'à 10 m² : aucune autorisation" in lines[1] and "au-delà de 100 m²" in lines[1]


def test_architect_above_150_square_metres_and_other_forms():
    text = "\n".join(answer_lines("extension", 160))
    assert "architecte est obligatoire" in text and "CERFA 13404" in text and "13409" in text


def test_fence_depends_on_the_local_plan():
    assert "si le PLU de la commune l'impose" in first_line("cloture", None)


@pytest.mark.parametrize("value,expected", [("25 m²", 25.0), ("environ 18,5 mètres carrés", 18.5),
                                            ("je ne sais pas", SKIPPED), (SKIPPED, SKIPPED),
                                            ("0", None), ("100000 m2", None), ("beaucoup", None)])
def test_surface_answers(dispatcher, make_tracker, domain, value, expected):
    result = call(ValidateBuildingPermitForm().validate_urb_surface(value, dispatcher, make_tracker(), domain))
    assert result["urb_surface"] == expected


@pytest.mark.parametrize("value,expected", [("piscine", "piscine"), ("un cabanon", "abri_jardin"),
                                            ("un abri pour la voiture", "garage"), ("autre", "autre"),
                                            ("un truc", None)])
def test_project_answers(dispatcher, make_tracker, domain, value, expected):
    result = call(ValidateBuildingPermitForm().validate_urb_project_type(value, dispatcher, make_tracker(),
                                                                         domain))
    assert result["urb_project_type"] == expected
    if expected is None:
        assert len(buttons(dispatcher)) == 10
        assert_button_rules(dispatcher)


def test_surface_is_asked_only_when_it_matters(make_tracker):
    form = ValidateBuildingPermitForm()
    assert form.active_slots(make_tracker(slots={"urb_project_type": "cloture"})) == ["urb_project_type"]
    assert form.active_slots(make_tracker(slots={"urb_project_type": "piscine"})) == [
        "urb_project_type", "urb_surface"]


def test_answer_with_the_urbanism_service(backoffice_client, dispatcher, make_tracker, domain):
    tracker = make_tracker(slots={"urb_project_type": "abri_jardin", "urb_surface": 15.0})
    run(ActionBuildingPermitAnswer(), dispatcher, tracker, domain)
    urbanism = backoffice_client.get("/services/urbanisme")
    assert "déclaration préalable" in dispatcher.messages[0]["text"]
    assert urbanism["phone"] in dispatcher.messages[1]["text"]
    assert buttons(dispatcher)[-1]["payload"] == '/book_appointment{"procedure": "urbanisme"}'


def test_rules_are_still_given_when_the_back_office_is_down(backoffice_down, dispatcher, make_tracker,
                                                            domain):
    tracker = make_tracker(slots={"urb_project_type": "piscine", "urb_surface": 50})
    run(ActionBuildingPermitAnswer(), dispatcher, tracker, domain)
    text = all_text(dispatcher)
    assert "déclaration préalable" in text and "Le service urbanisme de la mairie peut vous conseiller" in text


@pytest.mark.parametrize("question,expected", [
    ("comment consulter le cadastre de ma parcelle", "cadastre.gouv.fr"),
    ("où voir le PLU ?", "Géoportail de l'urbanisme"),
    ("c quoi un CU ?", "CERFA 13410"),
])
def test_planning_documents(backoffice_client, dispatcher, make_tracker, domain, question, expected):
    run(ActionUrbanPlanningDocs(), dispatcher, make_tracker([said(question, "urban_planning_docs")]), domain)
    assert expected in dispatcher.messages[0]["text"]
    assert backoffice_client.get("/services/urbanisme")["email"] in all_text(dispatcher)
