"""Officials' sign-ins: the client's address for throttling, the idle timeout, the record of
open sessions the administrator sees, and the log line of a lock.

Every account of the registry is an official's (citizens never sign in), so "officials'
sessions" are all authenticated sessions.
"""

import logging
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.contrib.sessions.models import Session
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from registry.models import OfficialSession

logger = logging.getLogger("registry.security")

LAST_SEEN = "registry_last_seen"
# The session (and the admin's list) is written at most this often, not at every request.
TOUCH_EVERY = timedelta(seconds=60)


def client_ip(request: HttpRequest) -> str | None:
    """The address the sign-in came from. Behind a proxy (BEHIND_PROXY=1) REMOTE_ADDR is the
    proxy's own, the same for everyone; the client is the last address the proxy appended to
    X-Forwarded-For (earlier entries are whatever the client chose to send)."""
    if getattr(settings, "SECURE_PROXY_SSL_HEADER", None):
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
        if hops:
            return hops[-1]
    return request.META.get("REMOTE_ADDR") or None


class IdleTimeoutMiddleware:
    """Signs an official out after OFFICIAL_IDLE_MINUTES without a request, and sends the next
    request to the sign-in page with a message saying why. SESSION_COOKIE_AGE bounds the whole
    session however active it is."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            now = timezone.now()
            last_seen = request.session.get(LAST_SEEN)
            idle = timedelta(minutes=settings.OFFICIAL_IDLE_MINUTES)
            if last_seen is not None and now - datetime.fromtimestamp(last_seen, tz=UTC) > idle:
                logout(request)
                messages.warning(
                    request,
                    _("Сеанс завершён: не было действий %(minutes)s мин. Войдите снова.")
                    % {"minutes": settings.OFFICIAL_IDLE_MINUTES},
                )
                return redirect_to_login(request.get_full_path())
            if last_seen is None or now.timestamp() - last_seen > TOUCH_EVERY.total_seconds():
                request.session[LAST_SEEN] = now.timestamp()
                OfficialSession.objects.filter(session_key=request.session.session_key).update(
                    last_seen_at=now
                )
        return self.get_response(request)


def record_sign_in(sender, request: HttpRequest, user, **kwargs) -> None:
    """user_logged_in: the session becomes visible to the administrator."""
    if request is None or not hasattr(request, "session"):
        return
    if request.session.session_key is None:
        request.session.save()
    request.session[LAST_SEEN] = timezone.now().timestamp()
    # Rows of sessions that have ended on their own (expired, cleared) go with the next sign-in.
    OfficialSession.objects.exclude(session_key__in=Session.objects.values("session_key")).delete()
    OfficialSession.objects.update_or_create(
        session_key=request.session.session_key,
        defaults={
            "user": user,
            "ip_address": client_ip(request),
            "user_agent": request.META.get("HTTP_USER_AGENT", "")[:300],
        },
    )


def record_sign_out(sender, request: HttpRequest, user, **kwargs) -> None:
    if request is not None and getattr(request, "session", None) is not None and request.session.session_key:
        OfficialSession.objects.filter(session_key=request.session.session_key).delete()


def end_sessions(rows) -> int:
    """Ends the given officials' sessions at once: their sessions are deleted, so the next
    request of those browsers is anonymous."""
    keys = [row.session_key for row in rows]
    Session.objects.filter(session_key__in=keys).delete()
    ended, _rows = OfficialSession.objects.filter(session_key__in=keys).delete()
    return ended


def log_lockout(sender, request: HttpRequest, username: str, ip_address: str, **kwargs) -> None:
    """axes' user_locked_out: one warning line an operator can alert on."""
    logger.warning(
        "Вход заблокирован после %s неудачных попыток: учётная запись «%s», адрес %s",
        settings.AXES_FAILURE_LIMIT,
        username or "—",
        ip_address or "—",
        extra={"event": "login_locked", "username": username, "ip_address": ip_address},
    )


def lockout_response(
    request: HttpRequest, original_response=None, credentials: dict | None = None
) -> HttpResponse:
    """django-axes' answer to a locked sign-in: a Russian page telling the owner and the
    administrator how the lock is lifted (429 Too Many Requests)."""
    from axes.helpers import get_client_username, get_cool_off

    cool_off = get_cool_off(request)
    context = {
        "failure_limit": settings.AXES_FAILURE_LIMIT,
        "username": get_client_username(request, credentials) or "",
        "cooloff_minutes": int(cool_off.total_seconds() // 60) if cool_off else 0,
    }
    return render(request, "registration/locked_out.html", context, status=429)
