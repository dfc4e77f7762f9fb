/*
 * audit_int.h - shared internals of src/audit (not for other modules).
 */
#ifndef CU_AUDIT_INT_H
#define CU_AUDIT_INT_H

#include "audit/audit.h"

#define CU_AUDIT_SUBDIR "audit"
#define CU_AUDIT_SEG_PREFIX "seg-"
#define CU_AUDIT_SEG_SUFFIX ".log"
#define CU_AUDIT_CP_FILE "checkpoints.log"
#define CU_AUDIT_ANCHOR_FILE "anchors.log"
#define CU_AUDIT_PUBKEY_FILE "pubkey"
#define CU_AUDIT_LOCK_FILE "lock"
/* Largest segment file read in one piece. */
#define CU_AUDIT_MAX_SEGMENT_BYTES ((size_t)4 << 30)
/* Largest checkpoints/anchors file read in one piece. */
#define CU_AUDIT_MAX_CP_BYTES ((size_t)1 << 30)

struct cu_audit_seg {
	uint64_t first; /* sequence number in the file name */
	char *path;
};

/* "<data>/audit" (cu_free). */
char *cu_audit_dir_path(const char *data);
/* "<adir>/<name>" (cu_free). */
char *cu_audit_file_path(const char *adir, const char *name);
/* "<adir>/seg-<first>.log" (cu_free). */
char *cu_audit_seg_path(const char *adir, uint64_t first);

/* The segments of adir sorted by first sequence number; CU_ERR_NOT_FOUND
 * if adir does not exist.  Free with cu_audit_seg_list_free. */
CU_WUR int cu_audit_seg_list(const char *adir, struct cu_audit_seg **out, size_t *n);
void cu_audit_seg_list_free(struct cu_audit_seg *s, size_t n);

/* Read a whole file under a shared flock (writers take it exclusively
 * around each write, so a reader never sees half a batch).  Refuses
 * symlinks.  CU_ERR_NOT_FOUND if absent. */
CU_WUR int cu_audit_file_read(const char *path, size_t max, char **out, size_t *len);

/* A read-only mapping of a whole file, taken under a shared flock (used by
 * verify only: a file truncated while mapped would fault, which a server
 * process must not risk, so queries use cu_audit_file_read). */
struct cu_audit_map {
	const char *p;
	size_t len;
};
CU_WUR int cu_audit_file_map(const char *path, size_t max, struct cu_audit_map *m);
void cu_audit_file_unmap(struct cu_audit_map *m);

/* Read adir/pubkey. */
CU_WUR int cu_audit_pubkey_read(const char *adir, uint8_t pk[CU_SIGN_PK_BYTES]);

/* Iterate the lines of buf[0..len): line and n get the next line without
 * its newline; returns false at the end.  *complete is false for a last
 * line that has no newline. */
bool cu_audit_next_line(const char *buf, size_t len, size_t *pos, const char **line,
			size_t *n, bool *complete);

/* Write all of p or fail with errno set. */
CU_WUR int cu_audit_write_all(int fd, const void *p, size_t n);
/* fsync a directory so a created/removed name is durable. */
CU_WUR int cu_audit_sync_dir(const char *dir);

/* cu_audit_verify on DATA/audit itself. */
CU_WUR int cu_audit_verify_dir(const char *adir, const uint8_t *pubkey, const char *extra,
			       struct cu_audit_verify_result *res);

#endif
