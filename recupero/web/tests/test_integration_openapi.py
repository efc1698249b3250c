"""The creditors' integration is listed in the OpenAPI schema the API serves (issue 14, item 4)."""

from recupero.web.api.router import api


def test_the_openapi_schema_lists_the_creditors_integration():
    paths = api.get_openapi_schema()["paths"]
    for path, method in (
        ("/api/integration/assignments", "post"),
        ("/api/integration/assignments/{batch_id}", "get"),
        ("/api/integration/assignments/{batch_id}/commit", "post"),
        ("/api/integration/payments", "post"),
        ("/api/integration/outcomes/{assignment_id}.{fmt}", "get"),
        ("/api/integration/remittances", "get"),
        ("/api/integration/remittances/{remittance_id}/files/{fmt}", "get"),
        ("/api/cases", "get"),
    ):
        assert method in paths[path], path
