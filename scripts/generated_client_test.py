"""A partner's first session with the Python client generated from openapi/openapi.json.

Run by scripts/generated-client.sh with the generated package `tdb_client` on PYTHONPATH:
    python generated_client_test.py <server URL> <national bearer token>

Every call goes through the generated code and its parsed models, so a contract that lies about an
answer (a value typed as an object, a binary body as integers, an undeclared error shape) fails here.
As the national administrator it creates a partner client; then, as that partner: logs in with the
client credentials, pushes a prefilled value, reads the form back and downloads the fiche PDF.
"""
import sys
import uuid

from tdb_client import AuthenticatedClient, Client
from tdb_client.api.accounts import create_client
from tdb_client.api.auth import token
from tdb_client.api.campaigns import list_campaigns
from tdb_client.api.catalogue import get_catalogue
from tdb_client.api.forms import get_form
from tdb_client.api.imports import post_import
from tdb_client.api.restitution import get_fiche_pdf
from tdb_client.api.structures import list_structures
from tdb_client.models import (
    ApiClientCreate,
    ApiClientSecret,
    CatalogueDocument,
    ClientCredentialsRequest,
    FormDocument,
    ImportRequest,
    ImportRequestRow,
    ImportRequestRowValues,
    ImportSummary,
    PageCampaign,
    PageStructure,
    TokenResponse,
)
from tdb_client.types import File

SOURCE = "cnsa_errd"


def expect(response, status, model):
    """The parsed answer, after checking its status and that the generated code parsed it as `model`."""
    assert response.status_code == status, (response.status_code, response.content[:500])
    assert isinstance(response.parsed, model), (type(response.parsed), response.content[:500])
    return response.parsed


def main(url: str, national_token: str) -> None:
    national = AuthenticatedClient(base_url=url, token=national_token)

    # The open campaign and an item the CNSA's ERRD source may prefill there.
    campaigns = expect(list_campaigns.sync_detailed(client=national), 200, PageCampaign)
    year = next(c.year for c in campaigns.items if c.phase.value == "collecte")
    catalogue = expect(get_catalogue.sync_detailed(campaign=year, client=Client(base_url=url)), 200, CatalogueDocument)
    item = next(
        i
        for i in catalogue.items
        if i.prefill is not None and i.prefill.value == SOURCE and i.type_.value == "eur" and i.scope == "tous"
    )
    structures = expect(
        list_structures.sync_detailed(client=national, campaign=year, form_state="non_commence", per_page=5),
        200,
        PageStructure,
    )
    finess = structures.items[0].finess

    # The national administrator creates the partner (its secret is shown once).
    created = expect(
        create_client.sync_detailed(
            client=national,
            body=ApiClientCreate(name=f"Client généré {uuid.uuid4().hex[:6]}", scopes=["read", "prefill:write"], source=SOURCE),
        ),
        201,
        ApiClientSecret,
    )

    # 1. The partner logs in with its client credentials.
    tokens = expect(
        token.sync_detailed(
            client=Client(base_url=url),
            body=ClientCredentialsRequest(
                grant_type="client_credentials", client_id=created.client.client_id, client_secret=created.client_secret
            ),
        ),
        200,
        TokenResponse,
    )
    partner = AuthenticatedClient(base_url=url, token=tokens.access_token)

    # 2. It pushes a prefilled value.
    values = ImportRequestRowValues()
    values[item.code] = 123456.5
    summary = expect(
        post_import.sync_detailed(
            year=year,
            client=partner,
            body=ImportRequest(source=SOURCE, rows=[ImportRequestRow(finess=finess, values=values)]),
        ),
        200,
        ImportSummary,
    )
    assert summary.values.created == 1, summary.to_dict()

    # 3. It reads the form back: the value, typed as a number, with its provenance.
    form = expect(get_form.sync_detailed(year=year, finess=finess, client=partner), 200, FormDocument)
    entry = form.values[item.code]
    assert entry.value == 123456.5 and entry.source == SOURCE, entry.to_dict()

    # 4. It downloads the structure's fiche as a PDF.
    pdf = expect(get_fiche_pdf.sync_detailed(finess=finess, client=partner, campaign=year), 200, File)
    content = pdf.payload.read()
    assert content.startswith(b"%PDF-"), content[:20]

    print(
        f"generated client: partner {created.client.client_id} logged in, pushed {item.code} into {finess} ({year}), "
        f"read it back, downloaded a {len(content)}-byte PDF"
    )


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
