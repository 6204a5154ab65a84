"""Dashboard pages: thin views over ``portal.stats.selectors`` (snapshots only, never raw aggregates)."""

from __future__ import annotations

import hashlib
import io

from django.conf import settings
from django.core.cache import cache
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from openpyxl import Workbook

from portal import gates
from portal.excel import write_row
from portal.models import JobStatus
from portal.pages import require
from portal.scoping import Action, can, grants_for
from portal.stats import health, runs, selectors
from portal.stats.models import Colour, StatsRebuildJob, StatsRun
from portal.tasks import enqueue, run_job

GEO_LEVELS = ("city",)  # the district map is drawn on the city's page
BODY_TTL = 30 * 60  # a new run makes a new key well before: this only bounds what the cache keeps


def _node(request: HttpRequest, code: str | None):
    node = selectors.top_region(request.user) if code is None else selectors.region_for(request.user, code)
    if node is None:
        raise Http404
    return node


@require(gates.DASHBOARD)
def overview(request: HttpRequest, code: str | None = None) -> HttpResponse:
    node = _node(request, code)
    big = request.GET.get("screen") == "big"
    fresh = selectors.freshness()
    context = {
        "node": node,
        "freshness": fresh,
        "body": _body(request, node, fresh, big),
        "map": node.level in GEO_LEVELS,
        "nav_active": "dashboard",
    }
    if not big:
        context |= {
            "ancestors": selectors.ancestors(request.user, node),
            "may_export": can(request.user, Action.EXPORT, node),
            "may_rebuild": gates.STATS_REBUILD(request.user),
        }
    return render(request, "portal/stats/bigscreen.html" if big else "portal/stats/dashboard.html", context)


def _body(request: HttpRequest, node, fresh: StatsRun | None, big: bool) -> str:
    """The figures part of a node's page, rendered once per run of the jobs and kept in the cache.

    The figures change only when a job runs, and every reader of a node with the same grants sees
    the same ones: the key holds the run, the node, the day, the language and the grants (so a
    reader never gets a body rendered for wider or narrower grants than their own). A page is then
    the base template and four queries; rendering it (about 30 ms of templates and gettext for the
    city) is paid by the first reader after each run.
    """
    template = "portal/stats/_bigscreen_body.html" if big else "portal/stats/_dashboard_body.html"
    if fresh is None:  # nothing computed yet: the body only says so
        return render_to_string(template, {"d": None})
    # Spelled out with sorted actions: a frozenset's order (and so its repr) differs between
    # processes, and every worker must find the body another rendered.
    grants = sorted(
        (sorted(g.actions), g.region_path, g.org_path, g.org_community_path, g.everything)
        for g in grants_for(request.user)
    )
    key = (
        "dash:"
        + hashlib.sha256(
            repr(
                (node.code, big, fresh.pk, fresh.finished_at, timezone.localdate(), get_language(), grants)
            ).encode()
        ).hexdigest()
    )
    body = cache.get(key)
    if body is None:
        data = selectors.dashboard(request.user, node, fresh)
        for b in data.branches:
            b.reason_texts = [health.reason_text(r) for r in b.reasons]
        context = {
            "d": data,
            "chart": _chart_data(data),
            "rules": _rules(),
            "colour_labels": dict(Colour.choices),
        }
        body = render_to_string(template, context)
        cache.set(key, body, BODY_TTL)
    return body


def _chart_data(d: selectors.Dashboard) -> dict:
    return {
        "trend": d.trend,
        "children": [
            {
                "name": c["name"],
                "code": c["code"],
                "url": reverse("stats:node", args=[c["code"]]),
                "activities": c["row"].activities if c["row"] else 0,
            }
            for c in d.children
        ],
        "colours": [{"colour": k, "n": d.colours.get(k, 0), "label": str(v)} for k, v in Colour.choices],
        "map": d.node.level in GEO_LEVELS,
    }


def _rules() -> list[str]:
    s = settings
    return [
        _(
            "红：%(quiet)d天内没有任何活动记录；或近3个月平均参会率低于%(red)d%%；或近3个月有2个及以上月份未开展主题党日。"
        )
        % {"quiet": s.STATS_RYG_QUIET_DAYS, "red": s.STATS_RYG_RED_ATTENDANCE},
        _(
            "黄：不为红，且近3个月有1个月未开展主题党日；或平均参会率在%(red)d%%至%(green)d%%之间；或所在社区有微心愿超过%(days)d天无人认领。"
        )
        % {
            "red": s.STATS_RYG_RED_ATTENDANCE,
            "green": s.STATS_RYG_GREEN_ATTENDANCE,
            "days": s.STATS_RYG_WISH_WAIT_DAYS,
        },
        _("绿：近3个月每月都开展了主题党日，且平均参会率不低于%(green)d%%。")
        % {"green": s.STATS_RYG_GREEN_ATTENDANCE},
        _("每月初评定上一个月；连续两个月为红的支部列入区县跟进名单。"),
    ]


@require(gates.DASHBOARD)
def export(request: HttpRequest, code: str) -> FileResponse:
    node = _node(request, code)
    if not can(request.user, Action.EXPORT, node):
        raise Http404
    d = selectors.dashboard(request.user, node, selectors.freshness())
    wb = Workbook(write_only=True)
    ranking = wb.create_sheet(_("下级排名"))
    write_row(
        ranking,
        [
            _("区划代码"),
            _("名称"),
            _("党组织"),
            _("党员"),
            _("本月活动"),
            _("参与人次"),
            _("服务群众"),
            _("志愿服务时长"),
            _("微心愿完成"),
        ],
    )
    for c in d.children:
        r = c["row"]
        write_row(
            ranking,
            [c["code"], c["name"], *(
                [r.organizations, r.members, r.activities, r.participants, r.people_served, float(r.service_hours), r.wishes_fulfilled]
                if r else [0] * 7
            )],
        )  # fmt: skip
    trend = wb.create_sheet(_("月度趋势"))
    write_row(
        trend,
        [_("月份"), _("活动"), _("参与人次"), _("志愿服务时长"), _("微心愿完成"), _("三会一课完成率(%)")],
    )
    for p in d.trend:
        write_row(
            trend,
            [
                p["month"],
                p["activities"],
                p["participants"],
                p["service_hours"],
                p["wishes_fulfilled"],
                p["compliance"],
            ],
        )
    branches = wb.create_sheet(_("支部红黄绿"))
    write_row(branches, [_("支部"), _("所在区域"), _("评定"), _("连续红色月数"), _("原因")])
    for b in d.branches:
        write_row(
            branches,
            [
                b.organization.name,
                b.region.name,
                b.get_colour_display(),
                b.red_streak,
                "；".join(health.reason_text(r) for r in b.reasons),
            ],
        )
    out = io.BytesIO()
    wb.save(out)
    out.seek(0)
    name = f"dashboard-{node.code}-{timezone.localdate():%Y%m%d}.xlsx"
    return FileResponse(out, as_attachment=True, filename=name)


@require(gates.STATS_REBUILD)
@require_POST
def rebuild_start(request: HttpRequest) -> HttpResponse:
    job = runs.rebuild_job_create(actor=request.user)
    enqueue(run_job, runs.STATS_REBUILD.name, job.pk)
    return redirect("stats:rebuild_job", pk=job.pk)


def _jobs_of(request: HttpRequest):
    return StatsRebuildJob.objects.filter(owner=request.user)


@require(gates.STATS_REBUILD)
def rebuild_job(request: HttpRequest, pk: int) -> HttpResponse:
    job = get_object_or_404(_jobs_of(request), pk=pk)
    return render(
        request,
        "portal/stats/rebuild_job.html",
        {"job": job, "nav_active": "dashboard", "progress_text": _progress_text(job)},
    )


@require(gates.STATS_REBUILD)
def rebuild_progress(request: HttpRequest, pk: int) -> JsonResponse:
    job = get_object_or_404(_jobs_of(request), pk=pk)
    return JsonResponse(
        {
            "status": job.status,
            "percent": job.percent,
            "finished": not job.pending,
            "message": _progress_text(job),
        }
    )


def _progress_text(job: StatsRebuildJob) -> str:
    if job.status == JobStatus.QUEUED:
        return _("排队等待中……")
    if job.status == JobStatus.RUNNING:
        return _("正在重算，已完成%(percent)d%%") % {"percent": job.percent}
    if job.status == JobStatus.DONE:
        return _("重算完成。")
    return job.message or _("重算失败，请稍后再试。")
