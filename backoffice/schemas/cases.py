"""Schemas of citizen cases (URB, EC, SIG, DEC) and of the requests creating them."""
from datetime import date, datetime
from enum import Enum
from typing import List, Optional

from pydantic import Field, conlist, root_validator, validator

from ..references import normalize_reference
from .common import (ApiModel, Code, Email, Name, OutModel, Phone, ReferenceStr, check_year,
                     line, text)


class CaseKind(str, Enum):
    URB = "URB"
    EC = "EC"
    SIG = "SIG"
    DEC = "DEC"


class DocumentType(str, Enum):
    acte_naissance = "acte_naissance"
    acte_mariage = "acte_mariage"
    acte_deces = "acte_deces"


class CopyType(str, Enum):
    copie_integrale = "copie_integrale"
    extrait_avec_filiation = "extrait_avec_filiation"
    extrait_sans_filiation = "extrait_sans_filiation"
    extrait_plurilingue = "extrait_plurilingue"


class RequesterRelation(str, Enum):
    titulaire = "titulaire"
    conjoint = "conjoint"
    parent = "parent"
    enfant = "enfant"
    grand_parent = "grand_parent"
    petit_enfant = "petit_enfant"
    frere_soeur = "frere_soeur"
    representant_legal = "representant_legal"
    heritier = "heritier"
    autre = "autre"


class Delivery(str, Enum):
    courrier = "courrier"
    email = "email"


class ReportCategory(str, Enum):
    voirie = "voirie"
    eclairage = "eclairage"
    depot_sauvage = "depot_sauvage"
    graffiti = "graffiti"
    collecte_non_effectuee = "collecte_non_effectuee"
    proprete = "proprete"
    espaces_verts = "espaces_verts"
    mobilier_urbain = "mobilier_urbain"
    signalisation = "signalisation"
    danger = "danger"


class Priority(str, Enum):
    normal = "normal"
    high = "high"


Item = line(100)
Document = line(200)
Street = line(200)
AddressLine = line(300)
Title = line(200)
Description = text(2000, min_length=3)
Note = text(1000)
NextStep = text(500)


# ----------------------------------------------------------------- requests

class PersonConcerned(ApiModel):
    name: Name = Field(..., description="Nom et prénom(s) de la personne concernée par l'acte.",
                       example="Marie Martin")
    event_date: date = Field(..., description="Date de la naissance, du mariage ou du décès.",
                             example="1985-04-12")

    @validator("event_date")
    def _plausible_date(cls, value: date) -> date:
        if value.year < 1800:
            raise ValueError("La date de l'événement doit être postérieure à 1800.")
        return value


class CivilStatusRequestIn(ApiModel):
    document_type: DocumentType
    copy_type: CopyType = CopyType.copie_integrale
    person: PersonConcerned
    requester_relation: RequesterRelation = Field(
        ..., description="Lien du demandeur avec la personne concernée.")
    name: Name = Field(..., description="Nom du demandeur.", example="Jean Dupont")
    email: Email = Field(..., example="jean.dupont@example.fr")
    phone: Optional[Phone] = None
    delivery: Delivery = Delivery.courrier
    postal_address: Optional[AddressLine] = Field(
        None, description="Adresse postale d'envoi, obligatoire si delivery = courrier.",
        example="12 rue Victor Hugo, 00000 Villebrune")

    @root_validator(skip_on_failure=True)
    def _address_for_mail(cls, values):
        if values.get("delivery") == Delivery.courrier and not values.get("postal_address"):
            raise ValueError("Une adresse postale est nécessaire pour un envoi par courrier.")
        return values


class ReportLocation(ApiModel):
    street: Street = Field(..., example="rue Victor Hugo")
    details: Optional[AddressLine] = Field(None, example="devant le n° 12, côté école")


class ReportContact(ApiModel):
    name: Optional[Name] = None
    email: Optional[Email] = None
    phone: Optional[Phone] = None


class ReportIn(ApiModel):
    category: ReportCategory
    location: ReportLocation
    description: Description = Field(..., example="Nid-de-poule profond sur la chaussée.")
    contact: Optional[ReportContact] = Field(
        None, description="Facultatif ; sans e-mail, le suivi en ligne n'est pas possible.")
    priority: Priority = Field(Priority.normal, description="« danger » est toujours prioritaire.")


class BulkyPickupIn(ApiModel):
    street: Street = Field(..., description="Rue de l'enlèvement (résolue en secteur).",
                              example="12 rue Victor Hugo")
    address_details: Optional[AddressLine] = Field(None, example="n° 12, portail vert")
    items: conlist(Item, min_items=1, max_items=20) = Field(
        ..., example=["canapé", "matelas"])
    name: Name
    email: Email
    phone: Optional[Phone] = None


class BinProblem(str, Enum):
    nouveau = "nouveau"
    plus_grand = "plus_grand"
    casse = "casse"
    vol = "vol"


class BinRequestIn(ApiModel):
    problem: BinProblem = Field(..., description="Bac neuf, plus grand, cassé ou volé.")
    street: Street = Field(..., description="Rue du domicile (résolue en nom officiel).",
                           example="12 rue Victor Hugo")
    address_details: Optional[AddressLine] = Field(None, example="n° 12, bâtiment B")
    description: Optional[Description] = Field(None, example="Le couvercle est arraché.")
    name: Name
    email: Email
    phone: Optional[Phone] = None


class CaseHistoryIn(ApiModel):
    status: Code
    at: datetime
    note: Optional[Note] = None

    _at_year = validator("at", allow_reuse=True)(check_year)


class AdminCaseIn(ApiModel):
    kind: CaseKind
    reference: Optional[ReferenceStr] = Field(
        None, description="Référence imposée (reprise d'un dossier existant) ; sinon attribuée.")
    case_type: Code = Field(..., example="permis_construire")
    title: Title = Field(..., example="Permis de construire : extension de maison")
    status: Optional[Code] = Field(None, description="Statut actuel ; par défaut le statut "
                                                     "initial du type, ou le dernier de history.")
    history: Optional[conlist(CaseHistoryIn, min_items=1, max_items=50)] = Field(
        None, description="Historique complet (du plus ancien au plus récent).")
    next_step: Optional[NextStep] = None
    missing_documents: conlist(Document, max_items=30) = Field(default_factory=list)
    service: Optional[Code] = None
    requester_name: Optional[Name] = None
    requester_email: Optional[Email] = None
    requester_phone: Optional[Phone] = None
    street: Optional[Street] = None
    description: Optional[Description] = None

    _normalize = validator("reference", allow_reuse=True)(
        lambda v: normalize_reference(v) if v is not None else v)


class AdminStatusIn(ApiModel):
    status: Code = Field(..., example="en_instruction")
    note: Optional[Note] = Field(None, example="Pièces reçues, instruction en cours.")
    next_step: Optional[NextStep] = None
    missing_documents: Optional[conlist(Document, max_items=30)] = None


# ----------------------------------------------------------------- responses

class CaseEventOut(OutModel):
    at: datetime
    status: str
    status_label: str
    note: Optional[str]


class RequesterOut(OutModel):
    name: Optional[str]
    email: Optional[str]


class CivilStatusOut(OutModel):
    document_type: Optional[str]
    copy_type: Optional[str]
    person_name: Optional[str]
    event_date: Optional[date]
    requester_relation: Optional[str]
    delivery: Optional[str]


class ReportOut(OutModel):
    category: Optional[str]
    category_label: Optional[str]
    priority: Optional[str]
    street: Optional[str]
    location_details: Optional[str]
    description: Optional[str]


class PickupOut(OutModel):
    date: date
    sector: str
    street: Optional[str]
    items: List[str]


class CaseOut(OutModel):
    reference: str = Field(..., example="URB-2026-00123")
    kind: str
    kind_label: str
    type: str
    title: str
    status: str
    status_label: str
    next_step: Optional[str]
    missing_documents: List[str]
    requester: RequesterOut
    created_at: datetime
    updated_at: datetime
    closed_at: Optional[datetime]
    history: List[CaseEventOut]
    civil_status: Optional[CivilStatusOut] = None
    report: Optional[ReportOut] = None
    pickup: Optional[PickupOut] = None


class CaseListOut(OutModel):
    cases: List[CaseOut]
