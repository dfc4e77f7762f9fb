/*
 * approvals.h - second-person approval for destructive and bulk acts
 * (deleting a user, bulk export, dropping a collection, changing an
 * administrator's roles).  A request waits until another user with the
 * right module permission approves it; the requester can never approve
 * their own, and an expired request can no longer be approved.
 */
#ifndef CU_POLICY_APPROVALS_H
#define CU_POLICY_APPROVALS_H

#include "core/json.h"

struct cu_store;

#define CU_APPROVAL_TTL_S (24 * 3600)

struct cu_approval {
	char id[40];
	char action[48];
	char target[CU_MAX_NAME_BYTES + 64];
	json_t *params;          /* owned */
	char requested_by[CU_MAX_NAME_BYTES + 1];
	char status[16];         /* pending|approved|denied|expired|executed|failed */
	char decided_by[CU_MAX_NAME_BYTES + 1];
	int64_t requested_at, expires_at, decided_at;
};
void cu_approval_release(struct cu_approval *a);
json_t *cu_approval_json(const struct cu_approval *a);

CU_WUR int cu_approval_request(struct cu_store *s, const char *action, const char *target,
			       const json_t *params, const char *reason, const char *requested_by,
			       int64_t ttl_s, char **id);
CU_WUR int cu_approval_get(struct cu_store *s, const char *id, struct cu_approval *out);
/*
 * Approve or deny id as approver.  CU_ERR_FORBIDDEN if approver is the
 * requester; CU_ERR_CONFLICT if it is no longer pending (or has expired,
 * which it is then marked).  On success *out is the decided request.
 */
CU_WUR int cu_approval_decide(struct cu_store *s, const char *id, const char *approver,
			      bool approve, struct cu_approval *out);
/* Record the outcome of carrying out an approved request. */
CU_WUR int cu_approval_finish(struct cu_store *s, const char *id, bool ok);
CU_WUR int cu_approval_list(struct cu_store *s, const char *status, json_t **out);

#endif
