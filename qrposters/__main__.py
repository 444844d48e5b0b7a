"""Command line: ``python -m qrposters`` writes one PNG and one SVG poster per place."""

import argparse
import sys
from pathlib import Path
from typing import List, Optional

from qrposters.links import BASE_URL_ENV, DEFAULT_BASE_URL, BaseUrlError, resolve_base_url
from qrposters.places import PlacesError, load_places
from qrposters.png import save_png
from qrposters.poster import make_poster
from qrposters.svg import save_svg

DEFAULT_PLACES = Path(__file__).resolve().parents[1] / "communes" / "villebrune" / "qr_places.yml"


def parse_args(argv: Optional[List[str]]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m qrposters",
        description="Crée les affiches QR code (PNG et SVG) des lieux de la commune.",
    )
    parser.add_argument(
        "--places", type=Path, default=DEFAULT_PLACES,
        help="fichier YAML des lieux (défaut : communes/villebrune/qr_places.yml)",
    )
    parser.add_argument(
        "--base-url",
        help=f"adresse publique de Guichet (défaut : ${BASE_URL_ENV}, sinon {DEFAULT_BASE_URL})",
    )
    parser.add_argument(
        "--out", type=Path, default=Path("build/qrcodes"),
        help="dossier de sortie (défaut : build/qrcodes)",
    )
    return parser.parse_args(argv)


def main(argv: Optional[List[str]] = None) -> int:
    args = parse_args(argv)
    try:
        base_url = resolve_base_url(args.base_url)
        places = load_places(args.places)
    except (PlacesError, BaseUrlError) as error:
        print(f"Erreur : {error}", file=sys.stderr)
        return 2
    args.out.mkdir(parents=True, exist_ok=True)
    for place in places.places:
        poster = make_poster(place, places.commune, base_url)
        save_png(poster, args.out / f"{place.id}.png")
        save_svg(poster, args.out / f"{place.id}.svg")
        print(f"{place.id}: {poster.url}")
    print(f"{len(places.places)} affiche(s) écrite(s) dans {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
