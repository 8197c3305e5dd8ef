"""Wagtail's site for a request, from the cache (issue 21, docs/caching.md).

Wagtail looks the request's Site up in the database on every request that routes a page or
writes a page's address. The few Site records (with their root pages) are kept in the cache
instead, and the same choice is made from them; saving or deleting a Site, or saving a site's
root page, deletes them.
"""

from django.conf import settings
from django.core.cache import cache
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.http.request import split_domain_port
from wagtail.models import Page, Site

SITES_CACHE_KEY = "lms:sites"


def cached_sites() -> list:
    sites = cache.get(SITES_CACHE_KEY)
    if sites is None:
        sites = list(Site.objects.select_related("root_page__locale").order_by("pk"))
        for site in sites:
            # The root page as its own type (routing starts from it), with its locale.
            root = site.root_page.specific
            root.locale = site.root_page.locale
            site.root_page = root
        cache.set(SITES_CACHE_KEY, sites, settings.SITE_CACHE_SECONDS)
    return sites


def site_for(hostname: str, port: int):
    """Wagtail's choice (``wagtail.models.sites.get_site_for_hostname``) among the cached sites:
    the hostname and port, else the hostname's default site, else the default site unless
    exactly one other site has the hostname; None when nothing matches."""

    def match(site) -> int:
        if site.hostname == hostname and site.port == port:
            return 0
        if site.hostname == hostname and site.is_default_site:
            return 1
        return 2 if site.is_default_site else 3

    candidates = sorted(
        (site for site in cached_sites() if site.hostname == hostname or site.is_default_site),
        key=match,
    )
    if not candidates:
        return None
    if len(candidates) == 1 or match(candidates[0]) in (0, 1):
        return candidates[0]
    return candidates[len(candidates) == 2]


def without_site(view):
    """Marks a view that never asks for the site (the health check, /favicon.ico): the
    middleware below leaves it alone, so it costs no cache or database read."""
    view.without_site = True
    return view


class CachedSiteMiddleware:
    """Gives a GET request its Wagtail Site from the cache (``Site.find_for_request`` then reads
    ``request._wagtail_site``): no query."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        # Pages are read with GET; a form's POST mostly redirects without asking for the site,
        # and when it does ask, Wagtail looks it up as before.
        if request.method in ("GET", "HEAD") and not getattr(view_func, "without_site", False):
            hostname = split_domain_port(request._get_raw_host())[0]
            request._wagtail_site = site_for(hostname, request.get_port())


@receiver(post_save, sender=Site, dispatch_uid="lms.sites.sites_forget_saved")
@receiver(post_delete, sender=Site, dispatch_uid="lms.sites.sites_forget_deleted")
def _sites_forget(sender, **kwargs):
    sites_forget()


def sites_forget() -> None:
    """Delete the cached sites: for code that changes Site records with ``update()``, which
    sends no signal (the demo loader)."""
    cache.delete(SITES_CACHE_KEY)


@receiver(post_save, dispatch_uid="lms.sites.sites_forget_root_page")
@receiver(post_delete, dispatch_uid="lms.sites.sites_forget_root_page_deleted")
def _sites_forget_root_page(sender, instance, **kwargs):
    if not isinstance(instance, Page):
        return
    sites = cache.get(SITES_CACHE_KEY)
    if sites and any(site.root_page_id == instance.pk for site in sites):
        cache.delete(SITES_CACHE_KEY)
