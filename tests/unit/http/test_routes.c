/* The route table: every audited route names an event of the closed
 * vocabulary (else the request would fail closed with 503), patterns
 * are well formed, and no method + pattern appears twice. */
#include "test.h"
#include "audit/audit.h"
#include "http/routes.h"

CU_TEST(events_in_vocabulary)
{
	for (const struct cu_route *r = cu_routes; r->method; r++) {
		if (!r->event)
			continue;
		if (strcmp(r->event, "auth.login") == 0) {
			CHECK(cu_audit_event_valid("auth.login.success"));
			CHECK(cu_audit_event_valid("auth.login.failure"));
			continue;
		}
		if (!cu_audit_event_valid(r->event))
			fprintf(stderr, "route %s %s: event %s\n", r->method, r->pattern, r->event);
		CHECK(cu_audit_event_valid(r->event));
	}
}

CU_TEST(patterns)
{
	for (const struct cu_route *r = cu_routes; r->method; r++) {
		CHECK(r->pattern[0] == '/');
		CHECK(strstr(r->pattern, "//") == NULL);
		CHECK(r->fn != NULL);
		for (const struct cu_route *q = r + 1; q->method; q++)
			CHECK(strcmp(r->method, q->method) || strcmp(r->pattern, q->pattern));
		/* Everything under /v1 except login is authenticated. */
		if (strncmp(r->pattern, "/v1/", 4) == 0 && strcmp(r->pattern, "/v1/login"))
			CHECK(!(r->flags & CU_R_PUBLIC));
	}
}

int main(void)
{
	RUN(events_in_vocabulary);
	RUN(patterns);
	return cu_test_done();
}
