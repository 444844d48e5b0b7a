"""Loading the demo commune, and rejecting broken copies with file, line and field."""
from __future__ import annotations

from pathlib import Path
from typing import Optional

import pytest

from backoffice.commune import CommuneDataError, load_commune

from .test_commune_support import COMMUNE_DIR, commune_copy, commune_demo  # noqa: F401 (fixtures)


def test_demo_commune_loads(commune_demo):
    assert commune_demo.name == "Villebrune"
    assert commune_demo.info.timezone == "Europe/Paris"
    assert len(commune_demo.streets) == 150
    assert {street.sector for street in commune_demo.streets} == {"nord", "sud", "est", "ouest"}
    assert set(commune_demo.services) >= {"etat_civil", "urbanisme", "ccas", "scolaire", "police_municipale",
                                          "services_techniques", "elections", "cimetiere", "dechets"}
    assert commune_demo.services["ccas"].human_only is True
    assert commune_demo.services["etat_civil"].human_only is False
    assert len(commune_demo.sorting.items) >= 110
    assert len(commune_demo.lines()) >= 3
    assert commune_demo.roadworks()


def test_emergency_numbers(commune_demo):
    numbers = {entry.number for entry in commune_demo.emergency_numbers}
    assert {"15", "17", "18", "112", "114", "0 800 47 33 33"} <= numbers


def test_procedures_contract(commune_demo):
    assert set(commune_demo.procedures) == {"carte_identite", "passeport", "mariage", "pacs", "urbanisme"}
    for code, procedure in commune_demo.procedures.items():
        assert procedure.code == code
        assert procedure.service in commune_demo.services
        assert procedure.duration_minutes > 0 and procedure.counters >= 1
        assert procedure.min_lead_hours >= 0 and procedure.max_days_ahead >= 1
    assert commune_demo.procedures["carte_identite"].counters == 2
    assert commune_demo.procedures["mariage"].counters == 1
    for code in ("carte_identite", "passeport"):
        assert set(commune_demo.procedures[code].documents) == {
            "premiere_demande", "renouvellement", "perte", "vol", "mineur"}


def test_id_documents_are_the_french_lists(commune_demo):
    passport = commune_demo.procedures["passeport"]
    renewal = " ".join(passport.documents["renouvellement"])
    assert "86 €" in renewal and "Ancien passeport" in renewal and "ANTS" in renewal
    assert "moins de 6 mois" in renewal and "moins d'un an" in renewal
    card = commune_demo.procedures["carte_identite"]
    assert not any("25 €" in line for line in card.documents["renouvellement"])
    assert any("25 €" in line for line in card.documents["perte"])
    assert any("déclaration de vol" in line.lower() for line in card.documents["vol"])
    assert any("Ancienne carte" in line for line in card.documents["renouvellement"])


def test_optional_files_may_be_absent(commune_copy):
    (commune_copy / "calendar.yml").unlink()
    (commune_copy / "roadworks.yml").unlink()
    commune = load_commune(commune_copy)
    assert commune.closures == [] and commune.roadworks() == []


def test_unknown_extra_files_are_ignored(commune_copy):
    (commune_copy / "notes.yml").write_text("anything: [1, 2\n", encoding="utf-8")
    assert load_commune(commune_copy).name == "Villebrune"


# Each case: file, text to replace (first occurrence), replacement, expected field,
# expected message fragment, and the text whose line is expected (default: the replacement).
BROKEN = [
    ("services.yml", "lundi: ['08:30-12:00', '13:30-17:30']", "lundi: ['08:30-12:00', '13:30-25:00']",
     "services[0].hours.lundi[1]", "heure invalide « 25:00 »", None),
    ("services.yml", "mardi: ['08:30-12:00', '13:30-17:30']", "mardi: ['08:30-12:00', '11:30-17:30']",
     "services[0].hours.mardi", "plages horaires qui se chevauchent", None),
    ("services.yml", "mercredi: ['08:30-12:00', '13:30-17:30']", "mercredi: ['08:30-12h00']",
     "services[0].hours.mercredi[0]", "heure invalide « 12h00 » dans la plage « 08:30-12h00 » (format attendu HH:MM", None),
    ("services.yml", "    human_only: true", "    humain_only: true",
     "services[2].humain_only", "champ inconnu « humain_only »", None),
    ("services.yml", "    phone: '02 61 91 00 20'\n", "",
     "services[1].phone", "champ obligatoire manquant", "- id: urbanisme"),
    ("services.yml", "'urbanisme@villebrune.example.fr'", "'urbanisme.villebrune.example.fr'",
     "services[1].email", "adresse e-mail invalide", None),
    ("services.yml", "      lundi: ['09:00-12:00', '13:30-17:00']", "      lundy: ['09:00-12:00', '13:30-17:00']",
     "services[2].hours.lundy", "champ inconnu « lundy » (champs possibles : lundi, mardi", None),
    ("calendar.yml", "  - start: 2026-12-24", "  - start: 2026-13-24",
     "closures[0].start", "date invalide « 2026-13-24 »", None),
    ("calendar.yml", "    end: 2027-01-01", "    end: 2026-12-01",
     "closures[2].end", "la date de fin « 2026-12-01 » est avant la date de début", None),
    ("calendar.yml", "    services: [cimetiere]", "    services: [cimetierre]",
     "closures[6].services[0]", "service inconnu « cimetierre » (vouliez-vous dire « cimetiere » ?)", None),
    ("procedures.yml", "    service: urbanisme", "    service: urbanism",
     "procedures[4].service", "service inconnu « urbanism »", None),
    ("procedures.yml", "    counters: 1", "    counters: 0",
     "procedures[2].counters", "supérieure ou égale à 1", None),
    ("procedures.yml", "    counters: 2", "    counters: deux",
     "procedures[0].counters", "nombre entier attendu, reçu « deux »", None),
    ("procedures.yml", '    name: "Passeport"', '    name: ""',
     "procedures[1].name", "texte vide", None),
    ("procedures.yml", "      mineur:", "      mineurs:",
     "procedures[0].documents.mineurs", "situation inconnue « mineurs »", None),
    ("streets.yml", "  - name: 'rue Pasteur'", "  - name: 'Rue Victor-Hugo'",
     "streets[5].name", "rue en double « Rue Victor-Hugo » (déjà présent ligne 4)", None),
    ("streets.yml", "    sector: ouest", "    sector: centre",
     "streets[1].sector", "secteur inconnu « centre »", None),
    ("waste.yml", "{weekdays: [lundi]}", "{weekdays: [lundy]}",
     "sectors[0].collections.ordures_menageres.weekdays[0]", "jour invalide « lundy »", None),
    ("waste.yml", "reference_date: 2026-01-08}", "reference_date: 2026-01-09}",
     "sectors[0].collections.recyclables", "ne tombe pas un jour de collecte", None),
    ("waste.yml", "      end: '10-31'", "      end: '10-30'",
     "recycling_centre.seasons", "le 31/10 est couvert par aucune saison", "  seasons:"),
    ("waste.yml", "    nord: {weekday: mardi, week_of_month: 1, capacity: 20}",
     "    nord: {weekday: mardi, week_of_month: 0, capacity: 20}",
     "bulky_waste.rounds.nord.week_of_month", "le rang du jour dans le mois", None),
    ("waste_sorting.yml", "    bin: verre", "    bin: vert",
     "items[32].bin", "poubelle inconnue « vert »", None),
    ("waste_sorting.yml", '    aliases: ["pile", "pile bouton"', '    aliases: ["canette", "pile bouton"',
     "items[107].aliases[0]", "objet ou synonyme en double « canette »", None),
    ("transport.yml", '{name: "Mairie", minutes: 5}', '{name: "Mairie", minutes: 2}',
     "lines[0].stops", "les temps de parcours doivent augmenter", "    stops:"),
    ("transport.yml", "first: '06:15'", "first: '6h15'",
     "lines[0].service.weekday.first", "heure invalide « 6h15 »", None),
    ("roadworks.yml", '["rue Victor Hugo"]', '["rue Victor Hugot"]',
     "roadworks[0].streets[0]", "rue inconnue « rue Victor Hugot » (vouliez-vous dire « rue Victor Hugo » ?)", None),
    ("roadworks.yml", "    end: 2026-12-18", "    end: 2026-10-18",
     "roadworks[0].end", "est avant la date de début", None),
    ("parking.yml", "    kind: zone_bleue", "    kind: bleue",
     "zones[2].kind", "valeur non autorisée « bleue » (valeurs possibles : payant, zone_bleue, gratuit)", None),
    ("parking.yml", "  zones: [verte]", "  zones: [violette]",
     "resident_card.zones[0]", "zone inconnue « violette »", None),
    ("commune.yml", "  postal_code: '41999'", "  postal_code: '4199'",
     "address.postal_code", "code postal invalide « 4199 »", None),
    ("commune.yml", "main_service: etat_civil", "main_service: accueil",
     "main_service", "service inconnu « accueil »", None),
]


def _line_of(path: Path, text: str) -> Optional[int]:
    first_line = text.splitlines()[0]
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if first_line in line:
            return number
    return None


@pytest.mark.parametrize("file,old,new,field,fragment,line_text", BROKEN,
                         ids=[f"{case[0]}:{case[3]}" for case in BROKEN])
def test_broken_copy_is_rejected_with_file_line_and_field(commune_copy, file, old, new, field, fragment, line_text):
    path = commune_copy / file
    content = path.read_text(encoding="utf-8")
    assert old in content, f"test case out of date: {old!r} not in {file}"
    path.write_text(content.replace(old, new, 1), encoding="utf-8")
    expected_line = _line_of(path, line_text or new)
    with pytest.raises(CommuneDataError) as raised:
        load_commune(commune_copy)
    matching = [issue for issue in raised.value.issues if issue.field == field]
    assert matching, f"no issue on field {field}: {raised.value}"
    issue = matching[0]
    assert issue.file == str(path)
    assert issue.line == expected_line
    assert fragment in issue.message
    assert f"{path}, ligne {expected_line}, champ « {field} » : " in str(raised.value)


def test_error_message_reads_like_the_contract(commune_copy):
    path = commune_copy / "services.yml"
    path.write_text(path.read_text(encoding="utf-8").replace("'13:30-17:30'", "'13:30-25:00'", 1), encoding="utf-8")
    with pytest.raises(CommuneDataError) as raised:
        load_commune(commune_copy)
    first = str(raised.value).splitlines()[0]
    line = _line_of(path, "'13:30-25:00'")
    assert first.startswith(f"{path}, ligne {line}, champ « services[0].hours.lundi[1] » : heure invalide « 25:00 »")


def test_relative_folder_is_shown_as_given(monkeypatch, commune_copy):
    monkeypatch.chdir(commune_copy.parent)
    path = commune_copy / "services.yml"
    path.write_text(path.read_text(encoding="utf-8").replace("'13:30-17:30'", "'13:30-25:00'", 1), encoding="utf-8")
    with pytest.raises(CommuneDataError) as raised:
        load_commune("villebrune")
    assert str(raised.value).startswith("villebrune/services.yml, ligne ")


def test_yaml_syntax_error_gives_the_line(commune_copy):
    path = commune_copy / "commune.yml"
    path.write_text(path.read_text(encoding="utf-8").replace("slug: 'villebrune'", "slug: ['villebrune'", 1),
                    encoding="utf-8")
    with pytest.raises(CommuneDataError) as raised:
        load_commune(commune_copy)
    issue = raised.value.first
    assert issue.file == str(path) and issue.line is not None
    assert "syntaxe YAML invalide" in issue.message


def test_duplicate_key_is_rejected(commune_copy):
    path = commune_copy / "commune.yml"
    content = path.read_text(encoding="utf-8").replace("slug: 'villebrune'", "slug: 'villebrune'\nslug: 'autre'", 1)
    path.write_text(content, encoding="utf-8")
    with pytest.raises(CommuneDataError) as raised:
        load_commune(commune_copy)
    assert raised.value.first.line == _line_of(path, "slug: 'autre'")
    assert "clé en double « slug »" in raised.value.first.message


def test_missing_required_file(commune_copy):
    (commune_copy / "transport.yml").unlink()
    with pytest.raises(CommuneDataError) as raised:
        load_commune(commune_copy)
    assert raised.value.first.file == str(commune_copy / "transport.yml")
    assert raised.value.first.message == "fichier manquant"


def test_missing_folder():
    with pytest.raises(CommuneDataError, match="dossier de la commune introuvable"):
        load_commune(COMMUNE_DIR.parent / "nulle-part")


def test_every_problem_of_every_file_is_reported(commune_copy):
    for file, old, new in (("services.yml", "'13:30-17:30'", "'13:30-25:00'"),
                           ("waste.yml", "{weekdays: [lundi]}", "{weekdays: [lundy]}")):
        path = commune_copy / file
        path.write_text(path.read_text(encoding="utf-8").replace(old, new, 1), encoding="utf-8")
    with pytest.raises(CommuneDataError) as raised:
        load_commune(commune_copy)
    assert {Path(issue.file).name for issue in raised.value.issues} == {"services.yml", "waste.yml"}


def test_the_error_is_a_value_error():
    assert issubclass(CommuneDataError, ValueError)
