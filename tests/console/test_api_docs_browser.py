"""/api/v1/docs in a real browser: Swagger UI renders the service's own document from the app's own files (the
policy allows no CDN and no inline script), and the order-acceptance operation is there."""

from tests.console import test_browser
from tests.console.test_browser_csp import WATCH

server = test_browser.server
browser = test_browser.browser


def test_the_docs_page_shows_the_order_acceptance_operation(server, browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.add_init_script(WATCH)
    page = context.new_page()
    requested = []
    page.on("request", lambda r: requested.append(r.url))
    answer = page.goto(server + "/api/v1/docs")
    assert answer.status == 200
    operation = page.locator("#operations-worker-post_jobs_job_id_orders")
    operation.wait_for(timeout=20000)
    assert "/api/v1/jobs/{job_id}/orders" in operation.inner_text()
    operation.locator(".opblock-summary").click()
    operation.locator("button[data-name=model]").first.click()  # the request body's Schema tab names its model
    page.get_by_text("TakeOrder").first.wait_for(timeout=10000)
    test_browser._shot(page, "api-docs")
    assert page.evaluate("window.__csp || []") == []
    assert all(url.startswith(server) for url in requested), [u for u in requested if not u.startswith(server)]
    context.close()
