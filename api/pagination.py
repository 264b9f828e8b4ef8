from __future__ import annotations

from rest_framework import pagination

from incidents.casework.selectors import CappedPaginator


class PageNumberPagination(pagination.PageNumberPagination):
    page_size = 25
    page_size_query_param = "page_size"
    max_page_size = 100
    invalid_page_message = "There is no page {page_number}; the list has fewer pages."


class WorkQueuePagination(PageNumberPagination):
    """The work queue's pages: the count stops at the same cap as the web page's, so a
    large organisation's list is never counted in full; `count_capped` says when it did."""

    django_paginator_class = CappedPaginator

    def get_paginated_response(self, data):
        response = super().get_paginated_response(data)
        response.data["count_capped"] = self.page.paginator.capped
        return response

    def get_paginated_response_schema(self, schema):
        result = super().get_paginated_response_schema(schema)
        result["properties"]["count_capped"] = {
            "type": "boolean",
            "description": "True when there are more rows than `count` says; filter to see them.",
        }
        result["required"] = [*result.get("required", []), "count_capped"]
        return result
