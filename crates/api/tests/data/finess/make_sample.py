#!/usr/bin/env python3
"""Writes sample.csv: a fictitious FINESS extract in the official open-data layout (etalab-cs1100507:
`;`, Latin-1, header `finess;etalab;…`, `structureet` rows then `geolocalisation` rows). Names are
made up; category, department and commune codes are real. Counts (kept in tests/api/referential.rs):
150 structureet rows: 120 of our categories (all valid, 40 managing bodies), 3 of ours rejected
(unknown department, invalid opening date, invalid EJ), 27 of other categories (ignored)."""

OURS = ["500", "183", "246", "255", "354", "182", "437", "449", "209", "190", "445", "446", "188", "186", "192"]
LABELS = {"500": "Etablissement d'hébergement pour personnes âgées dépendantes", "183": "Institut Médico-Educatif (I.M.E.)",
          "246": "Etablissement et Service d'Aide par le Travail (E.S.A.T.)", "255": "Maison d'Accueil Spécialisée (M.A.S.)",
          "354": "Service de Soins Infirmiers A Domicile (S.S.I.A.D)", "182": "Service d'Éducation Spéciale et de Soins à Domicile",
          "437": "Foyer d'Accueil Médicalisé pour Adultes Handicapés (F.A.M.)", "449": "Etablissement d'Accueil Non Médicalisé pour personnes handicapées",
          "209": "Service Polyvalent Aide et Soins A Domicile (S.P.A.S.A.D.)", "190": "Centre Action Médico-Sociale Précoce (C.A.M.S.P.)",
          "445": "Service d'Accompagnement Médico-Social Adultes Handicapés (S.A.M.S.A.H.)", "446": "Service d'Accompagnement à la Vie Sociale (S.A.V.S.)",
          "188": "Etablissement pour Enfants ou Adolescents Polyhandicapés", "186": "Institut Thérapeutique Éducatif et Pédagogique (I.T.E.P.)",
          "192": "Institut d'Education Motrice",
          "355": "Centre Hospitalier (C.H.)", "620": "Pharmacie d'Officine", "124": "Centre de Santé", "460": "Service d'Aide et d'Accompagnement à Domicile (S.A.A.D)"}
OTHERS = ["355", "620", "124", "460"]
# (FINESS department code, INSEE commune suffix, postcode, commune)
PLACES = [("59", "350", "59000", "LILLE"), ("62", "041", "62000", "ARRAS"), ("75", "113", "75013", "PARIS"),
          ("69", "123", "69003", "LYON"), ("13", "055", "13005", "MARSEILLE"), ("2A", "004", "20000", "AJACCIO"),
          ("9A", "120", "97110", "POINTE A PITRE"), ("33", "063", "33000", "BORDEAUX"), ("35", "238", "35000", "RENNES"),
          ("44", "109", "44000", "NANTES")]
NAMES = ["LES TILLEULS", "LE BOIS JOLI", "LES GLYCINES", "SAINT-ÉLOI", "LA CHÊNAIE", "LES CÈDRES", "BEAUSÉJOUR", "L'ÉTOILE"]


def prefix(dep):
    return {"9A": "97"}.get(dep, dep)


def structureet(et, ej, rs, rslongue, place, cat, dateouv, dep_override=None):
    dep, com, cp, city = place
    dep = dep_override or dep
    return ";".join(["structureet", et, ej, rs, rslongue, "", "", "12", "RUE", "DES LILAS", "", "", com, dep,
                     "LIBELLÉ", f"{cp} {city}", "0320000000", "", cat, LABELS[cat], "4401", "Agrégat", "",
                     "8710A", "", "", "", "", dateouv, "1994-06-01", "2026-01-10", ""])


def geo(et, i):
    return ";".join(["geolocalisation", et, f"{700000 + i * 37}.0", f"{6600000 + i * 53}.0",
                     "1,ATLASANTE,100,IGN,BD_ADRESSE,V2.2,LAMBERT_93", "2026-01-10"])


rows, geos = [], []
n = 0
for i in range(150):
    place = PLACES[i % len(PLACES)]
    p = prefix(place[0])
    et = f"{p}{'0' if len(p) == 2 else ''}{100000 + i:06d}"[:9]
    et = (p + f"{100000 + i:07d}")[:9] if len(p) == 2 else (p + f"{100000 + i:07d}")[:9]
    ej = (p + f"{9000 + (i % 40):07d}")[:9]
    if i < 120:
        cat = OURS[i % len(OURS)]
        name = NAMES[i % len(NAMES)]
        rs, long = f"STRUCTURE {name} {i}", f"Structure {name.title()} n°{i}"
        if i == 7:
            rs, long = "RESIDENCE LES ERABLES", "Résidence Les Érables"
        rows.append(structureet(et, ej, rs, long, place, cat, f"{1970 + i % 50}-{1 + i % 12:02d}-{1 + i % 28:02d}"))
    elif i == 120:
        rows.append(structureet(et, ej, "INCONNU", "Département inconnu", place, "500", "2001-01-01", dep_override="99"))
    elif i == 121:
        rows.append(structureet(et, ej, "DATE", "Date impossible", place, "183", "1995-13-45"))
    elif i == 122:
        rows.append(structureet(et, "12345", "EJ", "EJ invalide", place, "246", "2001-01-01"))
    else:
        cat = OTHERS[i % len(OTHERS)]
        rows.append(structureet(et, ej, f"AUTRE {i}", f"Autre établissement {i}", place, cat, "2001-01-01"))
    geos.append(geo(et, i))

with open("sample.csv", "wb") as f:
    f.write("\n".join(["finess;etalab;100;2026-11-30"] + rows + geos).encode("latin-1") + b"\n")
