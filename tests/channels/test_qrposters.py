"""QR code posters: the places file, the PNG and SVG posters, the command line."""

import collections
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
import segno
import yaml
from PIL import Image

from qrposters.__main__ import DEFAULT_PLACES, main
from qrposters.layout import QUIET_ZONE
from qrposters.links import BaseUrlError, place_url, resolve_base_url
from qrposters.places import PlacesError, load_places
from qrposters.png import render_png
from qrposters.poster import make_poster
from qrposters.svg import SVG_NS, render_svg

BASE = "https://guichet.villebrune.fr"
VALID_PLACE = {
    "id": "pav-rue-des-lilas",
    "kind": "point_apport",
    "label": "point d'apport volontaire de la rue des Lilas",
    "street": "rue des Lilas",
    "greeting": "Vous êtes au point d'apport de la rue des Lilas.",
    "topics": ["Conteneur plein"],
}


@pytest.fixture(scope="module")
def villebrune():
    return load_places(DEFAULT_PLACES)


@pytest.fixture(scope="module")
def lilas_poster(villebrune):
    return make_poster(villebrune.get("pav-rue-des-lilas"), villebrune.commune, BASE)


def write_places(tmp_path, places, commune="Villebrune", with_streets=True):
    path = tmp_path / "qr_places.yml"
    path.write_text(yaml.safe_dump({"commune": commune, "places": places}, allow_unicode=True), encoding="utf-8")
    if with_streets:
        (tmp_path / "streets.yml").write_text(
            "streets:\n  - name: 'rue des Lilas'\n    sector: est\n", encoding="utf-8"
        )
    return path


# --- The Villebrune places file -------------------------------------------------


def test_villebrune_places_are_valid_and_cover_the_expected_kinds(villebrune):
    assert villebrune.commune == "Villebrune"
    kinds = collections.Counter(p.kind for p in villebrune.places)
    assert kinds == {"point_apport": 2, "arret_bus": 2, "ecole": 1, "parc": 1, "mairie": 1, "equipement": 1}
    assert len({p.id for p in villebrune.places}) == 8
    for place in villebrune.places:
        assert place.greeting and place.topics
        if place.kind == "arret_bus":
            assert place.lines and place.stop
    lilas = villebrune.get("pav-rue-des-lilas")
    assert lilas.street == "rue des Lilas"
    assert lilas.greeting.startswith("Vous êtes au point d'apport de la rue des Lilas :")


# --- Addresses -------------------------------------------------------------------


def test_place_url_and_base_url_resolution():
    assert place_url(BASE + "/", "arret-stade") == BASE + "/chat/?lieu=arret-stade"
    assert resolve_base_url(None, {}) == "http://localhost:8080"
    assert resolve_base_url(None, {"GUICHET_PUBLIC_URL": BASE + "/"}) == BASE
    assert resolve_base_url("https://autre.example", {"GUICHET_PUBLIC_URL": BASE}) == "https://autre.example"
    for bad in ("guichet.villebrune.fr", "ftp://x", "https://x/?a=b"):
        with pytest.raises(BaseUrlError):
            resolve_base_url(bad, {})


# --- PNG -------------------------------------------------------------------------


def test_png_decodes_to_the_place_url(lilas_poster):
    zxingcpp = pytest.importorskip("zxingcpp")
    image = render_png(lilas_poster)
    results = zxingcpp.read_barcodes(image)
    assert [r.text for r in results] == [BASE + "/chat/?lieu=pav-rue-des-lilas"]


def test_png_modules_are_exactly_those_of_the_place_url(lilas_poster):
    """Read the PNG back module by module and compare with segno's own encoding."""
    image = render_png(lilas_poster).convert("L")
    expected = segno.make(BASE + "/chat/?lieu=pav-rue-des-lilas", error="q", micro=False)
    scale = lilas_poster.layout.scale
    size = len(expected.matrix)
    read = [
        [
            image.getpixel(((QUIET_ZONE + col) * scale + scale // 2, (QUIET_ZONE + row) * scale + scale // 2)) < 128
            for col in range(size)
        ]
        for row in range(size)
    ]
    assert read == [[bool(v) for v in row] for row in expected.matrix]
    # The quiet zone is white.
    assert all(image.getpixel((x, scale)) == 255 for x in range(0, image.width, scale))


def test_png_has_the_label_area_under_the_code(villebrune, lilas_poster):
    image = render_png(lilas_poster).convert("L")
    qr_size = lilas_poster.layout.qr_size
    assert image.width == qr_size and image.height > qr_size * 1.2
    label_area = image.crop((0, qr_size, image.width, image.height))
    dark = sum(label_area.histogram()[:128])
    assert dark > 2000  # text was drawn
    other = make_poster(villebrune.get("mediatheque"), villebrune.commune, BASE)
    other_label = render_png(other).convert("L").crop((0, qr_size, image.width, image.height))
    assert other_label.tobytes() != label_area.tobytes()


def test_png_text_lines_fit_the_width(villebrune):
    place = villebrune.get("arret-gare-sncf")
    poster = make_poster(place, villebrune.commune, "https://x.example/" + "tres-long/" * 20)
    assert all(line.size for line in poster.layout.lines)
    image = render_png(poster).convert("L")
    # The leftmost and rightmost columns of the text area stay white.
    area = image.crop((0, poster.layout.qr_size, image.width, image.height))
    assert all(area.getpixel((0, y)) == 255 and area.getpixel((area.width - 1, y)) == 255 for y in range(area.height))


# --- SVG -------------------------------------------------------------------------


def test_svg_contains_the_label_and_segno_code(lilas_poster):
    document = render_svg(lilas_poster)
    root = ET.fromstring(document.split("\n", 1)[1])
    texts = [t.text for t in root.iter(f"{{{SVG_NS}}}text")]
    title = [t.text for t in root.iter(f"{{{SVG_NS}}}text") if t.get("font-weight") == "bold"]
    assert " ".join(title) == "Point d'apport volontaire de la rue des Lilas"
    assert any("Villebrune" in t for t in texts)
    assert texts[-1] == BASE + "/chat/?lieu=pav-rue-des-lilas"
    assert float(root.get("height")) > float(root.get("width"))
    # The nested code is segno's, for the place's address.
    (path,) = root.iter(f"{{{SVG_NS}}}path")
    reference = segno.make(BASE + "/chat/?lieu=pav-rue-des-lilas", error="q", micro=False)
    (expected_path,) = ET.fromstring(
        reference.svg_inline(scale=lilas_poster.layout.scale, border=QUIET_ZONE)
    ).iter("path")
    assert path.get("d") == expected_path.get("d")
    text_tops = [float(t.get("y")) for t in root.iter(f"{{{SVG_NS}}}text")]
    assert min(text_tops) > lilas_poster.layout.qr_size


def test_svg_escapes_special_characters(tmp_path):
    place = dict(VALID_PLACE, label="lieu <b> & « guillemets »")
    places = load_places(write_places(tmp_path, [place]))
    document = render_svg(make_poster(places.places[0], places.commune, BASE))
    assert "&lt;b&gt; &amp;" in document
    root = ET.fromstring(document.split("\n", 1)[1])
    # The closing guillemet is kept with its word by a no-break space.
    assert next(root.iter(f"{{{SVG_NS}}}text")).text == "Lieu <b> & « guillemets\u00a0»"


def test_closing_french_punctuation_never_starts_a_line():
    from qrposters.layout import wrap

    lines = wrap("Un lieu « très bien » : oui ! " * 6, 40, True, 300)
    assert len(lines) > 3
    assert not any(line.split("\u00a0")[0] in {"»", ":", "!"} for line in lines)


# --- Command line ----------------------------------------------------------------


def test_cli_writes_a_png_and_an_svg_per_place(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("GUICHET_PUBLIC_URL", "https://depuis-env.example")
    assert main(["--out", str(tmp_path)]) == 0
    names = sorted(p.name for p in tmp_path.iterdir())
    assert len(names) == 16
    assert "mairie-accueil.png" in names and "mairie-accueil.svg" in names
    with Image.open(tmp_path / "mairie-accueil.png") as image:
        assert image.format == "PNG" and round(image.info["dpi"][0]) == 300
    output = capsys.readouterr().out
    assert "https://depuis-env.example/chat/?lieu=mairie-accueil" in output

    assert main(["--out", str(tmp_path / "b"), "--base-url", BASE]) == 0
    assert BASE + "/chat/?lieu=mediatheque" in (tmp_path / "b" / "mediatheque.svg").read_text(encoding="utf-8")


def test_cli_reports_a_bad_places_file_clearly(tmp_path, capsys):
    path = write_places(tmp_path, [dict(VALID_PLACE, kind="poubelle")])
    assert main(["--places", str(path), "--out", str(tmp_path / "out")]) == 2
    error = capsys.readouterr().err
    assert "« kind »" in error and "poubelle" in error and "lieu n° 1" in error
    assert not (tmp_path / "out").exists()


# --- Validation of the places file -----------------------------------------------


@pytest.mark.parametrize(
    "change, expected",
    [
        ({"kind": "poubelle"}, "« kind » vaut « poubelle »"),
        ({"greeting": None}, "« greeting »"),
        ({"greeting": "   "}, "« greeting »"),
        ({"topics": []}, "« topics »"),
        ({"id": "Rue des Lilas"}, "« id »"),
        ({"greting": "Bonjour"}, "champ inconnu « greting »"),
        ({"street": "rue des Lillas"}, "« street » (« rue des Lillas ») ne figure pas dans streets.yml"),
        ({"kind": "arret_bus"}, "« lines »"),
    ],
)
def test_bad_place_names_the_field(tmp_path, change, expected):
    place = {k: v for k, v in dict(VALID_PLACE, **change).items() if v is not None}
    with pytest.raises(PlacesError) as error:
        load_places(write_places(tmp_path, [place]))
    assert expected in str(error.value)
    assert "lieu n° 1" in str(error.value)


def test_missing_required_field_is_named(tmp_path):
    place = {k: v for k, v in VALID_PLACE.items() if k != "label"}
    with pytest.raises(PlacesError, match="champ obligatoire « label » manque"):
        load_places(write_places(tmp_path, [place]))


def test_duplicate_ids_are_refused(tmp_path):
    with pytest.raises(PlacesError, match="lieu n° 2 : le champ « id » .* déjà utilisé par le lieu n° 1"):
        load_places(write_places(tmp_path, [VALID_PLACE, VALID_PLACE]))


def test_file_level_problems_are_reported(tmp_path):
    with pytest.raises(PlacesError, match="« places »"):
        load_places(write_places(tmp_path, []))
    with pytest.raises(PlacesError, match="« commune »"):
        load_places(write_places(tmp_path, [VALID_PLACE], commune=""))
    broken = tmp_path / "broken.yml"
    broken.write_text("commune: Villebrune\nplaces:\n  - id: [oops\n", encoding="utf-8")
    with pytest.raises(PlacesError, match="YAML invalide ligne"):
        load_places(broken)
    with pytest.raises(PlacesError, match="lecture impossible"):
        load_places(tmp_path / "absent.yml")


def test_streets_are_not_checked_without_a_streets_file(tmp_path):
    places = load_places(write_places(tmp_path, [dict(VALID_PLACE, street="rue Inconnue")], with_streets=False))
    assert places.places[0].street == "rue Inconnue"
    assert places.places[0].title == "Point d'apport volontaire de la rue des Lilas"


def test_default_places_path_points_into_the_repository():
    assert DEFAULT_PLACES == Path(__file__).resolve().parents[2] / "communes" / "villebrune" / "qr_places.yml"
