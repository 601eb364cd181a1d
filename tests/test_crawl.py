"""A crawl per role over the demo registry as ``make run`` loads it: from the role's start,
every same-site link (GET, breadth-first, up to a bound) answers 200, or the deliberate answer
that ``ALLOWED`` names with its reason. A unit test on hand-made rows cannot see what the
demo's real history puts on a page; this walks what a user can click."""

import re
import time
from collections import deque
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

import pytest
from django.test import Client
from lxml import html as lxml_html

pytestmark = pytest.mark.django_db

# Pages per role: enough to reach every kind of page of the demo, small enough that the
# whole crawl stays under a minute per database.
MAX_PAGES = 350
# Query-string variants of one path (filters, sort orders, pages): a few, so the bound is
# spent on different pages rather than on every combination of an admin list's filters.
MAX_VARIANTS_PER_PATH = 3
# Pages of one kind (the path with its numbers as N: every audit event's admin page, every
# service's page): enough of each kind to meet its variety, not all hundred audit events.
MAX_PER_KIND = 12
# Links that act, or lead off the pages: never followed.
SKIP = re.compile(r"/logout/|^/static/")


@dataclass(frozen=True)
class Allowed:
    roles: frozenset[str]
    path: re.Pattern
    status: int
    reason: str


ANONYMOUS = "anonymous"
ALL = frozenset(
    {ANONYMOUS, "mvd_official", "mvd_reviewer", "ul_official", "ul_reviewer", "inspector", "admin"}
)
# Each crawl: who is signed in (None: nobody) and where they start. The administrator's two
# starts are crawled apart, so that the admin's many pages do not use up the workspace's bound.
ALLOWED = (
    Allowed(
        frozenset({ANONYMOUS}),
        re.compile(r"^/workspace/"),
        302,
        "the workspace sends a signed-out visitor to its sign-in page",
    ),
    Allowed(
        frozenset({ANONYMOUS}),
        re.compile(r"^/admin/"),
        302,
        "the admin sends a signed-out visitor to its sign-in page",
    ),
)


CRAWLS = {
    "anonymous from the catalogue": (ANONYMOUS, "/"),
    "mvd_official from the workspace": ("mvd_official", "/workspace/"),
    "mvd_reviewer from the workspace": ("mvd_reviewer", "/workspace/"),
    "ul_official from the workspace": ("ul_official", "/workspace/"),
    "ul_reviewer from the workspace": ("ul_reviewer", "/workspace/"),
    "inspector from the audits": ("inspector", "/workspace/audits/"),
    "admin from the admin index": ("admin", "/admin/"),
    "admin from the workspace": ("admin", "/workspace/"),
}


def _allowed(role: str, path: str, status: int) -> Allowed | None:
    for rule in ALLOWED:
        if role in rule.roles and rule.status == status and rule.path.search(path):
            return rule
    return None


def _same_site(base: str, href: str) -> str | None:
    """The link as a site-relative URL without its fragment, or None when it leaves the site."""
    href = href.strip()
    if not href or href.startswith(("#", "mailto:", "tel:", "javascript:", "data:")):
        return None
    parts = urlsplit(urljoin(f"http://testserver{base}", href))
    if parts.scheme not in ("http", "https") or parts.netloc != "testserver":
        return None
    url = parts.path + (f"?{parts.query}" if parts.query else "")
    return None if SKIP.search(parts.path) else url


def _links(url: str, response) -> list[str]:
    if not response.get("Content-Type", "").startswith("text/html") or not response.content.strip():
        return []
    document = lxml_html.fromstring(response.content)
    return [link for href in document.xpath("//a/@href") if (link := _same_site(url, href)) is not None]


def crawl(client: Client, role: str, start: str) -> tuple[dict[str, int], list[str]]:
    """Visit breadth-first from ``start``; the status of every page, and the failures."""
    queue = deque([start])
    seen = {start}
    variants: dict[str, int] = {}
    kinds: dict[str, int] = {}
    statuses: dict[str, int] = {}
    failures = []
    while queue and len(statuses) < MAX_PAGES:
        url = queue.popleft()
        response = client.get(url)
        if response.streaming:
            # Read to the end: the test client closes the file (not response.close(), whose
            # request_finished signal would close the test's database connection).
            b"".join(response.streaming_content)
        statuses[url] = response.status_code
        path = urlsplit(url).path
        found = []
        if response.status_code == 200:
            found = _links(url, response)
        elif 300 <= response.status_code < 400:
            found = [link for link in [_same_site(url, response["Location"])] if link]
        if response.status_code != 200 and not _allowed(role, path, response.status_code):
            failures.append(f"{role}: {url} answered {response.status_code}")
        for link in found:
            if link in seen:
                continue
            link_path = urlsplit(link).path
            kind = re.sub(r"\d+", "N", link_path)
            if kinds.get(kind, 0) >= MAX_PER_KIND:
                continue
            if link != link_path:
                if variants.get(link_path, 0) >= MAX_VARIANTS_PER_PATH:
                    continue
                variants[link_path] = variants.get(link_path, 0) + 1
            kinds[kind] = kinds.get(kind, 0) + 1
            seen.add(link)
            queue.append(link)
    return statuses, failures


@pytest.fixture(autouse=True)
def _media_root(settings, demo_media):
    """The demo's form files stay readable during the crawl: their links must download."""
    settings.MEDIA_ROOT = demo_media


@pytest.mark.parametrize(("role", "start"), CRAWLS.values(), ids=CRAWLS.keys())
def test_every_page_a_role_can_reach_answers_as_it_should(demo_registry, role, start):
    client = Client(raise_request_exception=False)
    if role != ANONYMOUS:
        client.force_login(demo_registry[role])
    started = time.monotonic()
    statuses, failures = crawl(client, role, start)
    elapsed = time.monotonic() - started
    assert not failures, "\n".join(failures)
    # The crawl reached well past its start: the role's pages link to one another.
    assert len(statuses) >= 20, statuses
    if start == "/":
        # The published forms the catalogue links to were downloaded, not only their pages.
        assert any("/forms/" in url and status == 200 for url, status in statuses.items()), statuses
    print(f"{role}: {len(statuses)} pages in {elapsed:.1f} s")
