"""How the service-requests data package and Datasette database describe themselves: the
package's description and keywords, and the canned queries for residents and staff."""

from __future__ import annotations

from daas.core.city import City


def package_text(city: City) -> tuple[str, list[str]]:
    """The data package's description and keywords."""
    description = (
        f"Requests residents made to {city.name} (potholes, street lights, rubbish, noise...): "
        "each request without free text or anything about the caller, and with only the area "
        "for request types that concern people; the open backlog and its age, time to close, "
        "on-time share against the city's service levels, requests per 1,000 residents, "
        "whether response times differ between areas and repeat locations, small cells "
        "suppressed; and the rows that failed quality checks."
    )
    keywords = ["service requests", "311", "Open311", "time to close", city.name]
    return description, keywords


def queries(meta: dict) -> dict[str, dict]:
    """Canned queries: what usually happens to a request like mine, the open backlog, the
    oldest open requests, repeat locations, requests per 1,000 residents, quality problems."""
    return {
        "a_request_like_mine": {
            "title": "What usually happens to a request like mine",
            "description": (
                "For a type of request (service code) in an area: how many were closed over "
                "the last year, the median and 90th percentile of days to close, and the share "
                "closed within the city's service level."
            ),
            "sql": (
                "select t.service_name, t.area, t.closed_requests, t.median_days_to_close,\n"
                "  t.p90_days_to_close, o.target_days, o.on_time_share\n"
                "from requests_typical_time t left join requests_on_time o\n"
                "  on o.service_code = t.service_code and o.area = t.area\n"
                "where t.service_code = :service_code and t.area = :area"
            ),
        },
        "open_backlog_by_service": {
            "title": "Staff: open requests by service",
            "sql": (
                "select service_code, service_name, sum(open_requests) as open_requests,\n"
                "  max(p90_age_days) as worst_area_p90_age_days\n"
                "from requests_backlog group by service_code, service_name\n"
                "order by open_requests desc"
            ),
        },
        "oldest_open_requests": {
            "title": "Staff: the oldest open requests",
            "sql": (
                "select service_request_id, service_name, area, requested_datetime\n"
                "from service_requests where status = 'open'\n"
                "order by julianday(substr(requested_datetime, 1, 19)) limit 100"
            ),
        },
        "repeat_locations_by_service": {
            "title": "Staff: places reported again and again",
            "sql": (
                "select service_name, area, repeat_locations_count, repeat_requests\n"
                "from repeat_locations where repeat_locations_count > 0\n"
                "order by repeat_requests desc"
            ),
        },
        "requests_per_1000_residents": {
            "title": "Requests per 1,000 residents by area",
            "sql": (
                "select area, requests, population, requests_per_1000 from requests_by_area\n"
                "order by requests_per_1000 desc"
            ),
        },
        "quality_issues_by_reason": {
            "title": "Staff: quality problems by reason",
            "sql": (
                "select dimension, reason, count(*) as rows_affected, sum(excluded) as left_out "
                "from quality_issues group by dimension, reason order by rows_affected desc"
            ),
        },
    }
