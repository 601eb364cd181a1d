"""Roles and permissions: the full matrix of role × body × action, asserted through the
services (which enforce it) and the permission functions (which views ask), the four-eyes
rule, and the selectors that hide another body's drafts."""

import datetime

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser

from registry import permissions, selectors
from registry.models import Edition, EditionStatus, Membership, Role
from registry.permissions import Action
from registry.services import (
    ActionForbidden,
    FourEyesViolation,
    NotVisible,
    edition_approve,
    edition_create_draft,
    edition_publish,
    edition_reject,
    edition_rows_update,
    edition_submit,
    edition_update,
    service_create,
    service_withdraw,
)
from tests import factories
from tests.registry.test_workflow import publish

pytestmark = pytest.mark.django_db

ROLES = [
    "anonymous",
    "official_own",
    "official_other",
    "reviewer_own",
    "reviewer_other",
    "administrator",
    "superuser",
]

OK, FORBIDDEN, NOT_FOUND = "ok", "forbidden", "not found"

# role -> action -> outcome. "own" is the body that provides the service, "other" another body.
# Drafts and editions under review of another body are not found (404), not forbidden.
MATRIX = {
    "anonymous": {
        "view_draft": NOT_FOUND,
        "view_published": OK,
        "create_service": FORBIDDEN,
        "create_draft": FORBIDDEN,
        "edit": NOT_FOUND,
        "submit": NOT_FOUND,
        "reject": NOT_FOUND,
        "approve": NOT_FOUND,
        "publish": NOT_FOUND,
        "withdraw": FORBIDDEN,
    },
    "official_own": {
        "view_draft": OK,
        "view_published": OK,
        "create_service": OK,
        "create_draft": OK,
        "edit": OK,
        "submit": OK,
        "reject": FORBIDDEN,
        "approve": FORBIDDEN,
        "publish": FORBIDDEN,
        "withdraw": FORBIDDEN,
    },
    "official_other": {
        "view_draft": NOT_FOUND,
        "view_published": OK,
        "create_service": FORBIDDEN,
        "create_draft": FORBIDDEN,
        "edit": NOT_FOUND,
        "submit": NOT_FOUND,
        "reject": NOT_FOUND,
        "approve": NOT_FOUND,
        "publish": NOT_FOUND,
        "withdraw": FORBIDDEN,
    },
    "reviewer_own": {
        "view_draft": OK,
        "view_published": OK,
        "create_service": FORBIDDEN,
        "create_draft": FORBIDDEN,
        "edit": FORBIDDEN,
        "submit": FORBIDDEN,
        "reject": OK,
        "approve": OK,
        "publish": OK,
        "withdraw": OK,
    },
    "reviewer_other": {
        "view_draft": NOT_FOUND,
        "view_published": OK,
        "create_service": FORBIDDEN,
        "create_draft": FORBIDDEN,
        "edit": NOT_FOUND,
        "submit": NOT_FOUND,
        "reject": NOT_FOUND,
        "approve": NOT_FOUND,
        "publish": NOT_FOUND,
        "withdraw": FORBIDDEN,
    },
    "administrator": dict.fromkeys(
        [
            "view_draft",
            "view_published",
            "create_service",
            "create_draft",
            "edit",
            "submit",
            "reject",
            "approve",
            "publish",
            "withdraw",
        ],
        OK,
    ),
}
MATRIX["superuser"] = MATRIX["administrator"]
ACTIONS = list(MATRIX["anonymous"])


class World:
    """Body «own» provides the service; body «other» is a neighbour. One user per role."""

    def __init__(self):
        self.own = factories.body()
        self.other = factories.body()
        users = get_user_model().objects
        self.users = {"anonymous": AnonymousUser()}
        for role, body, kind in [
            ("official_own", self.own, Role.OFFICIAL),
            ("official_other", self.other, Role.OFFICIAL),
            ("reviewer_own", self.own, Role.REVIEWER),
            ("reviewer_other", self.other, Role.REVIEWER),
        ]:
            self.users[role] = users.create_user(role)
            Membership.objects.create(user=self.users[role], body=body, role=kind)
        self.users["administrator"] = users.create_user("administrator")
        Membership.objects.create(user=self.users["administrator"], role=Role.ADMINISTRATOR)
        self.users["superuser"] = users.create_superuser("superuser", password="x")
        # The official who prepares the drafts is not among the actors tested for approval.
        self.author = users.create_user("author")
        Membership.objects.create(user=self.author, body=self.own, role=Role.OFFICIAL)

    def service(self):
        return factories.service(provider=self.own)

    def published(self) -> Edition:
        return publish(factories.complete_edition(self.service()))

    def draft(self) -> Edition:
        service = self.service()
        draft = factories.complete_edition(service, created_by=self.author)
        return draft

    def submitted(self) -> Edition:
        return edition_submit(edition=self.draft(), actor=self.author)

    def approved(self) -> Edition:
        return edition_approve(edition=self.submitted(), actor=None)


def attempt(world: World, user, action: str):
    """Run the action through the service layer; return what permissions.can answers for it."""
    if action == "view_draft":
        edition = world.draft()
        visible = selectors.editions_visible_to(user).filter(pk=edition.pk).exists()
        assert visible == permissions.can_view_edition(user, edition)
        if not visible:
            raise NotVisible()
        return permissions.can(user, Action.VIEW, edition)
    if action == "view_published":
        edition = world.published()
        assert selectors.editions_visible_to(user).filter(pk=edition.pk).exists()
        assert selectors.services_visible_to(user).filter(pk=edition.service_id).exists()
        return permissions.can(user, Action.VIEW, edition)
    if action == "create_service":
        allowed = permissions.can(user, Action.CREATE_SERVICE, world.own)
        service_create(actor=user, provider=world.own)
        return allowed
    if action == "create_draft":
        service = world.published().service
        allowed = permissions.can(user, Action.CREATE_DRAFT, service)
        edition_create_draft(service=service, actor=user)
        return allowed
    if action == "edit":
        edition = world.draft()
        allowed = permissions.can(user, Action.EDIT, edition)
        edition_update(edition=edition, actor=user, changes={"short_name": "Новое"}, expected_version=1)
        return allowed
    if action == "submit":
        edition = world.draft()
        allowed = permissions.can(user, Action.SUBMIT, edition)
        edition_submit(edition=edition, actor=user)
        return allowed
    if action == "reject":
        edition = world.submitted()
        allowed = permissions.can(user, Action.REJECT, edition)
        edition_reject(edition=edition, actor=user, comment="Замечания.")
        return allowed
    if action == "approve":
        edition = world.submitted()
        allowed = permissions.can(user, Action.APPROVE, edition)
        edition_approve(edition=edition, actor=user)
        return allowed
    if action == "publish":
        edition = world.approved()
        allowed = permissions.can(user, Action.PUBLISH, edition)
        edition_publish(edition=edition, actor=user)
        return allowed
    if action == "withdraw":
        service = world.published().service
        allowed = permissions.can(user, Action.WITHDRAW, service)
        service_withdraw(service=service, actor=user, reason="Упразднена.", date=datetime.date(2025, 1, 1))
        return allowed
    raise AssertionError(action)


@pytest.mark.parametrize("action", ACTIONS)
@pytest.mark.parametrize("role", ROLES)
def test_permission_matrix(role, action):
    world = World()
    user = world.users[role]
    expected = MATRIX[role][action]

    if expected == OK:
        assert attempt(world, user, action) is True
    elif expected == FORBIDDEN:
        with pytest.raises(ActionForbidden):
            attempt(world, user, action)
    else:
        with pytest.raises(NotVisible):
            attempt(world, user, action)


def test_the_matrix_covers_every_role_and_action():
    assert set(MATRIX) == set(ROLES)
    assert all(set(actions) == set(ACTIONS) for actions in MATRIX.values())
    assert {action.value for action in Action} <= {*ACTIONS, "view"}


def test_refusals_are_answered_as_403_and_404_by_django():
    from django.core.exceptions import PermissionDenied
    from django.http import Http404

    assert issubclass(ActionForbidden, PermissionDenied)
    assert issubclass(NotVisible, Http404)


def test_a_refusal_names_the_role_and_body_in_russian():
    world = World()
    edition = world.submitted()

    with pytest.raises(ActionForbidden) as refused:
        edition_approve(edition=edition, actor=world.users["official_own"])

    assert str(refused.value) == (
        f"Недостаточно полномочий: утверждать редакцию может только согласующий органа "
        f"«{world.own}» или администратор реестра."
    )


def test_an_inactive_user_has_no_roles():
    world = World()
    user = world.users["official_own"]
    user.is_active = False
    user.save()

    with pytest.raises(NotVisible):
        edition_submit(edition=world.draft(), actor=user)


# --- four eyes ---------------------------------------------------------------------------------------


@pytest.fixture
def official_and_reviewer():
    """One person who is both official and reviewer of the body."""
    world = World()
    both = get_user_model().objects.create_user("both")
    Membership.objects.create(user=both, body=world.own, role=Role.OFFICIAL)
    Membership.objects.create(user=both, body=world.own, role=Role.REVIEWER)
    return world, both


def test_a_reviewer_cannot_approve_an_edition_they_created(official_and_reviewer):
    world, both = official_and_reviewer
    draft = factories.complete_edition(world.service(), created_by=both)
    edition_submit(edition=draft, actor=both)

    with pytest.raises(FourEyesViolation) as refused:
        edition_approve(edition=draft, actor=both)

    assert "четырёх глаз" in str(refused.value)
    assert Edition.objects.get(pk=draft.pk).status == EditionStatus.SUBMITTED
    assert not permissions.can(both, Action.APPROVE, draft)


def test_a_reviewer_cannot_approve_an_edition_they_edited(official_and_reviewer):
    world, both = official_and_reviewer
    draft = world.draft()
    edition_update(edition=draft, actor=both, changes={"short_name": "Правка"}, expected_version=1)
    edition_submit(edition=draft, actor=world.author)

    with pytest.raises(FourEyesViolation):
        edition_approve(edition=draft, actor=both)


def test_a_reviewer_cannot_approve_an_edition_after_editing_its_rows(official_and_reviewer):
    world, both = official_and_reviewer
    draft = world.draft()
    edition_rows_update(
        edition=draft, actor=both, expected_version=1, remove=[draft.documents.get(source="interagency")]
    )
    edition_submit(edition=draft, actor=world.author)

    with pytest.raises(FourEyesViolation):
        edition_approve(edition=draft, actor=both)


def test_a_reviewer_cannot_publish_an_edition_they_authored(official_and_reviewer):
    world, both = official_and_reviewer
    draft = world.draft()
    edition_update(edition=draft, actor=both, changes={"short_name": "Правка"}, expected_version=1)
    edition_submit(edition=draft, actor=world.author)
    edition_approve(edition=draft, actor=world.users["reviewer_own"])

    with pytest.raises(FourEyesViolation):
        edition_publish(edition=draft, actor=both)

    assert edition_publish(edition=draft, actor=world.users["reviewer_own"]).status == EditionStatus.PUBLISHED


def test_a_reviewer_who_only_reviewed_before_may_approve(official_and_reviewer):
    world, both = official_and_reviewer
    draft = world.submitted()
    edition_reject(edition=draft, actor=both, comment="Уточните срок.")
    edition_submit(edition=draft, actor=world.author)

    assert edition_approve(edition=draft, actor=both).status == EditionStatus.APPROVED


def test_an_administrator_is_not_bound_by_four_eyes():
    world = World()
    admin = world.users["administrator"]
    draft = factories.complete_edition(world.service(), created_by=admin)
    edition_update(edition=draft, actor=admin, changes={"short_name": "Правка"}, expected_version=1)
    edition_submit(edition=draft, actor=admin)

    assert edition_approve(edition=draft, actor=admin).status == EditionStatus.APPROVED


# --- scoping by body --------------------------------------------------------------------------------


def test_selectors_scope_open_editions_by_body():
    world = World()
    draft = world.draft()
    published = world.published()
    neighbour_draft = factories.complete_edition(factories.service(provider=world.other))

    def visible(role):
        return set(selectors.editions_visible_to(world.users[role]).values_list("pk", flat=True))

    assert visible("official_own") >= {draft.pk, published.pk}
    assert neighbour_draft.pk not in visible("official_own")
    assert visible("official_other") >= {neighbour_draft.pk, published.pk}
    assert draft.pk not in visible("official_other")
    assert visible("anonymous") == {published.pk}
    assert visible("administrator") >= {draft.pk, published.pk, neighbour_draft.pk}


def test_services_without_a_public_edition_are_visible_only_to_their_body():
    world = World()
    draft = world.draft()

    def visible(role):
        return selectors.services_visible_to(world.users[role]).filter(pk=draft.service_id).exists()

    assert visible("official_own") and visible("reviewer_own") and visible("superuser")
    assert not visible("official_other") and not visible("anonymous")


def test_the_review_queue_holds_submitted_editions_of_the_reviewers_bodies():
    world = World()
    submitted = world.submitted()
    factories.complete_edition(factories.service(provider=world.other))

    assert list(selectors.editions_awaiting_review(world.users["reviewer_own"])) == [submitted]
    assert list(selectors.editions_awaiting_review(world.users["reviewer_other"])) == []
    assert list(selectors.editions_awaiting_review(world.users["official_own"])) == []
