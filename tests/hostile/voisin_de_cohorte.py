"""Vise les autres étudiants d'une cohorte : à l'import, liste le dossier --out de `cohort`, lit le
code rendu par les autres (copies de l'intake et dossier des rendus), et remplace leurs report.json,
entry.json et rapport.html par des faux. Les deux dossiers lui sont donnés par la variable
VOISIN_DOSSIERS (--out, puis les rendus), comme s'il les devinait. Ce qu'il a vu, lu et écrit, il le
dit dans le message d'une exception, que le rapport montre ; main() est celui de la solution."""
import json
import multiprocessing
import os

MARQUE = "FAUX-RAPPORT-PARFAIT"


def _fichiers(dossier, nom):
    for racine, _dossiers, fichiers in os.walk(dossier):
        for fichier in fichiers:
            if fichier == nom:
                yield os.path.join(racine, fichier)


def _secrets_lus(dossiers):
    """Les lignes « # SECRET-… » du code des autres, lues partout où il est."""
    lus = set()
    for dossier in dossiers:
        for chemin in _fichiers(dossier, "ex02_main_guard.py"):
            try:
                with open(chemin, encoding="utf-8") as fichier:
                    lus |= {ligne.strip() for ligne in fichier if ligne.startswith("# SECRET-")}
            except OSError:
                pass
    return sorted(lus)


def _faux_ecrits(sortie):
    """Remplace chaque rapport trouvé dans --out par un faux, parfait."""
    faux = {"submission": MARQUE, "score": 999, "row": {"id": MARQUE}}
    ecrits = 0
    for nom in ("report.json", "entry.json", "rapport.html"):
        for chemin in _fichiers(os.path.join(sortie, "students"), nom):
            try:
                with open(chemin, "w", encoding="utf-8") as fichier:
                    json.dump(faux, fichier)
                ecrits += 1
            except OSError:
                pass
    return ecrits


def _viser_les_voisins():
    sortie, rendus = (os.environ.get("VOISIN_DOSSIERS", "") + os.pathsep).split(os.pathsep)[:2]
    try:
        vu = sorted(os.listdir(sortie))
    except OSError:
        vu = []
    return {"vu": vu, "lus": _secrets_lus([sortie, rendus]), "ecrits": _faux_ecrits(sortie)}


def double(x: int) -> int:
    return 2 * x


def main() -> list[int]:
    with multiprocessing.Pool(2) as pool:
        resultats = pool.map(double, range(5))
    print(resultats)
    return resultats


if multiprocessing.parent_process() is None:  # une fois par exécution, pas dans chaque worker
    raise RuntimeError("VOISIN " + json.dumps(_viser_les_voisins()))
