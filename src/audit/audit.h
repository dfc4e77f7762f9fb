/*
 * audit.h - the tamper-evident operation log of custos (issue 5).
 *
 * Every API request and administrative action is recorded as one JSON
 * line in an append-only segment file under DATA/audit/.  Each record is
 * chained to the previous one by a domain-separated BLAKE2b-256 hash, and
 * signed checkpoints (Ed25519, the keyring's audit key) pin the chain
 * every N records, every T seconds and at clean close.  docs/audit.md
 * specifies the byte format precisely enough for a third party to write
 * a verifier (tests/vectors/audit/verify_audit.py is one).
 *
 *   DATA/audit/pubkey                 hex Ed25519 public key + "\n"
 *   DATA/audit/seg-<first seq:016>.log  records, one JSON line each
 *   DATA/audit/checkpoints.log        signed {seq, hash, ts, sig} lines
 *   DATA/audit/anchors.log            signed purge anchors (one per
 *                                     purged segment)
 *   DATA/audit/lock                   held (flock) by the one writer
 *
 * Privacy: struct cu_audit_event has no place for field values,
 * passwords, TOTP codes, tokens or session ids.  Callers pass names,
 * ids and keyed hashes (subject_ref, session_ref) only.  Free-text
 * strings are truncated to the caps below on a UTF-8 boundary, invalid
 * UTF-8 bytes become '?', and control characters are JSON-escaped, so
 * no client-supplied string can make an append fail or forge a line.
 *
 * Durability: cu_audit_append() returns CU_OK only once the record has
 * been written and fdatasync()ed (group commit: one writer thread writes
 * and syncs whatever batch has accumulated and wakes every waiter).  If a
 * write, sync or checkpoint fails (ENOSPC, EROFS, EIO...), the handle
 * enters a failed state: the pending appends and every later one return
 * CU_ERR_UNAVAILABLE (the caller answers 503 and does NOT perform the
 * action), cu_error() says so loudly and opts.on_failure is called once.
 * Only closing and reopening the log (which repairs a torn tail) clears
 * the state.  A record in the file that was never acknowledged describes
 * an action that was refused; an acknowledged record is never lost.
 *
 * Ownership: every pointer argument is borrowed for the duration of the
 * call; nothing is retained except by cu_audit_open (opts are copied).
 */
#ifndef CU_AUDIT_AUDIT_H
#define CU_AUDIT_AUDIT_H

#include "core/common.h"
#include "core/buf.h"
#include "core/json.h"
#include "crypto/crypto.h"

struct cu_keyring;

/* Domain of the record chain hash, of checkpoint and of anchor signatures. */
#define CU_AUDIT_HASH_DOMAIN "custos.audit.v1"
#define CU_AUDIT_CP_DOMAIN "custos.audit.checkpoint.v1"
#define CU_AUDIT_ANCHOR_DOMAIN "custos.audit.anchor.v1"
/* Signed message: domain || 0x00 || be64(seq) || hash[32] || be64(ts_ms). */
#define CU_AUDIT_SIGMSG_MAX (32u + 1u + 8u + CU_HASH_BYTES + 8u)

/* Cybersecurity Law art. 21: network logs kept at least six months. */
#define CU_AUDIT_MIN_RETENTION_DAYS 180
#define CU_AUDIT_DEFAULT_CHECKPOINT_EVERY 1000u
#define CU_AUDIT_DEFAULT_CHECKPOINT_SECS 60u
#define CU_AUDIT_DEFAULT_SEGMENT_RECORDS 100000u
/* One record line, newline included: the caps below sum to well under it. */
#define CU_AUDIT_MAX_LINE 16384u
/* Caps on strings in a record (bytes; longer strings are truncated). */
#define CU_AUDIT_MAX_ID 128u      /* actor id, record id, refs, request id */
#define CU_AUDIT_MAX_NAME 128u    /* actor name, collection, purpose, code */
#define CU_AUDIT_MAX_SOURCE 64u   /* "2001:db8::1", "10.0.0.1:443" */
#define CU_AUDIT_MAX_CLIENT 256u  /* user agent */
#define CU_AUDIT_MAX_REASON 512u  /* free-text justification */
#define CU_AUDIT_MAX_ROLES 16u    /* roles listed per actor */
#define CU_AUDIT_MAX_FIELDS 64u   /* field names listed per object */
#define CU_AUDIT_MAX_FIELD_NAME 64u

/* ---- vocabulary ------------------------------------------------------ */

/* The closed event vocabulary.  Append only at the end (docs/audit.md). */
enum cu_audit_type {
	CU_AUDIT_AUTH_LOGIN_SUCCESS,
	CU_AUDIT_AUTH_LOGIN_FAILURE,
	CU_AUDIT_AUTH_LOGOUT,
	CU_AUDIT_AUTH_TOTP_ENROL,
	CU_AUDIT_RECORD_CREATE,
	CU_AUDIT_RECORD_READ,
	CU_AUDIT_RECORD_REVEAL,
	CU_AUDIT_RECORD_UPDATE,
	CU_AUDIT_RECORD_DELETE,
	CU_AUDIT_RECORD_LOOKUP,
	CU_AUDIT_RECORD_EXPORT,
	CU_AUDIT_COLLECTION_CREATE,
	CU_AUDIT_COLLECTION_READ,
	CU_AUDIT_COLLECTION_DELETE,
	CU_AUDIT_USER_CREATE,
	CU_AUDIT_USER_DISABLE,
	CU_AUDIT_USER_ENABLE,
	CU_AUDIT_USER_DELETE,
	CU_AUDIT_USER_PASSWD,
	CU_AUDIT_USER_RESET_TOTP,
	CU_AUDIT_ROLE_CHANGE,
	CU_AUDIT_TOKEN_CREATE,
	CU_AUDIT_TOKEN_REVOKE,
	CU_AUDIT_SCAN_RUN,
	CU_AUDIT_AUDIT_READ,
	CU_AUDIT_AUDIT_PURGE,
	CU_AUDIT_KEY_ROTATE,
	CU_AUDIT_BACKUP_CREATE,
	CU_AUDIT_APPROVAL_REQUEST,
	CU_AUDIT_APPROVAL_DECIDE,
	CU_AUDIT_SETTINGS_CHANGE,
	CU_AUDIT_ROLE_READ,
	CU_AUDIT_CONSENT_CHANGE,
	CU_AUDIT_CONSENT_READ,
	CU_AUDIT_SYSTEM_START,
	CU_AUDIT_SYSTEM_STOP,
	CU_AUDIT_TYPE__COUNT
};

/* Modules; CU_AUDIT_MOD_DEFAULT takes the event type's own module. */
enum cu_audit_module {
	CU_AUDIT_MOD_DEFAULT,
	CU_AUDIT_MOD_USERS,
	CU_AUDIT_MOD_ROLES,
	CU_AUDIT_MOD_COLLECTIONS,
	CU_AUDIT_MOD_RECORDS,
	CU_AUDIT_MOD_AUDIT,
	CU_AUDIT_MOD_DLP,
	CU_AUDIT_MOD_MAIL,
	CU_AUDIT_MOD_ALERTS,
	CU_AUDIT_MOD_BACKUP,
	CU_AUDIT_MOD_KEYS,
	CU_AUDIT_MOD_AUTH,
	CU_AUDIT_MOD_SYSTEM,
	CU_AUDIT_MOD__COUNT
};

enum cu_audit_result {
	CU_AUDIT_SUCCESS,
	CU_AUDIT_FAILURE, /* the operation was attempted and failed */
	CU_AUDIT_DENIED,  /* policy refused it */
	CU_AUDIT_ERROR,   /* internal error */
	CU_AUDIT_RESULT__COUNT
};

enum cu_audit_auth {
	CU_AUDIT_AUTH_NONE, /* not (yet) authenticated, or the system itself */
	CU_AUDIT_AUTH_PASSWORD,
	CU_AUDIT_AUTH_TOTP,  /* password + TOTP */
	CU_AUDIT_AUTH_TOKEN, /* service token */
	CU_AUDIT_AUTH_CLI,   /* local administrator at the command line */
	CU_AUDIT_AUTH__COUNT
};

struct cu_audit_type_info {
	const char *name;          /* "record.read" */
	enum cu_audit_module module;
	const char *zh;            /* "查看记录" (操作描述) */
	const char *en;            /* "read a record (masked)" */
};

/* NULL if t is out of range. */
const struct cu_audit_type_info *cu_audit_type_info(enum cu_audit_type t);
/* True if name is in the closed vocabulary. */
bool cu_audit_event_valid(const char *name);
CU_WUR int cu_audit_type_parse(const char *name, enum cu_audit_type *out);
/* Names and Chinese labels; NULL if out of range / default. */
const char *cu_audit_module_name(enum cu_audit_module m);
const char *cu_audit_module_zh(enum cu_audit_module m);
CU_WUR int cu_audit_module_parse(const char *name, enum cu_audit_module *out);
const char *cu_audit_result_name(enum cu_audit_result r);
const char *cu_audit_result_zh(enum cu_audit_result r);
CU_WUR int cu_audit_result_parse(const char *name, enum cu_audit_result *out);
const char *cu_audit_auth_name(enum cu_audit_auth a);

/* ---- events ---------------------------------------------------------- */

struct cu_audit_actor {
	const char *id;           /* user or token id */
	const char *name;         /* user name as typed at login, or "system" */
	const char *const *roles; /* nroles role names */
	size_t nroles;
	enum cu_audit_auth auth;
	const char *session_ref;  /* keyed hash of the session id, never the id */
};

struct cu_audit_object {
	const char *collection;
	const char *record_id;
	const char *subject_ref;  /* keyed hash of the data subject's id */
	const char *const *fields; /* nfields field NAMES touched; never values */
	size_t nfields;
};

/* All strings optional (NULL = absent); enums must be in range. */
struct cu_audit_event {
	enum cu_audit_type type;
	enum cu_audit_module module;   /* 0 = the type's module */
	struct cu_audit_actor actor;
	const char *source;            /* client address */
	const char *client;            /* user agent (truncated) */
	struct cu_audit_object object;
	const char *purpose;
	const char *reason;            /* free-text justification */
	const char *approval_id;
	enum cu_audit_result result;
	const char *reason_code;       /* "ok", "forbidden", "bad_totp", ... */
	const char *request_id;
	int64_t ts_ms;  /* 0 = now; else used as given (tests, imports), but
			   never earlier than the previous record's time */
};

/* ---- the writer ------------------------------------------------------ */

struct cu_audit_opts {
	uint32_t checkpoint_every; /* records between checkpoints; 0 = 1000 */
	uint32_t checkpoint_secs;  /* max seconds an unsigned tail waits; 0 = 60 */
	uint32_t segment_records;  /* records per segment file; 0 = 100000 */
	int64_t retention_days;    /* 0 = 180; under 180 is CU_ERR_INVALID */
	bool noop;                 /* benchmark baseline: accept, write nothing */
	/* Called once (from the writer thread) when the log fails; raise an
	 * alert here.  Must not call back into this handle. */
	void (*on_failure)(void *ctx, int err);
	void *on_failure_ctx;
};

struct cu_audit;

/*
 * Open DATA/audit (creating it, mode 0700) for appending.  kr signs the
 * checkpoints and must outlive the handle; it is required unless
 * opts->noop.  opts may be NULL for the defaults.  Writes DATA/audit/pubkey
 * if absent and refuses (CU_ERR_INTEGRITY) if it names another key.
 * Repairs a torn last line left by a crash, checks the tail of the chain
 * and the last checkpoint: a log shorter than its last checkpoint is
 * CU_ERR_INTEGRITY (truncated; run `custos audit verify`).  Another
 * writer holding the log gives CU_ERR_LOCKED; unwritable storage gives
 * CU_ERR_UNAVAILABLE.  Read-only access needs no handle: see
 * cu_audit_verify and cu_audit_query.
 */
CU_WUR int cu_audit_open(const char *data, const struct cu_keyring *kr,
			 const struct cu_audit_opts *opts, struct cu_audit **out);

/*
 * Append ev; thread-safe.  Returns CU_OK once the record is durable and
 * stores its sequence number in *seq_out (may be NULL); CU_ERR_INVALID for
 * an out-of-range enum; CU_ERR_UNAVAILABLE if the log has failed.
 */
CU_WUR int cu_audit_append(struct cu_audit *a, const struct cu_audit_event *ev,
			   uint64_t *seq_out);

/* Write a signed checkpoint of everything durable now. */
CU_WUR int cu_audit_checkpoint(struct cu_audit *a);

/*
 * Purge whole segments whose newest record is older than the retention
 * period at `now` (epoch seconds) and that a signed checkpoint covers,
 * oldest first, never the current segment.  The log is verified first
 * (refused with CU_ERR_INTEGRITY if it is not intact), the purge is
 * recorded as an audit.purge event, and a signed anchor per segment lets
 * verify start after the gap.  *purged (may be NULL) gets the number of
 * records removed.
 */
CU_WUR int cu_audit_purge(struct cu_audit *a, int64_t now, uint64_t *purged);

struct cu_audit_status {
	uint64_t last_seq;       /* newest durable record */
	uint64_t checkpoint_seq; /* newest signed checkpoint */
	uint64_t appended;       /* records appended by this handle */
	uint64_t batches;        /* write+fdatasync rounds */
	int failed;              /* 0 or the cu_err that failed the log */
	bool noop;
};
void cu_audit_status(struct cu_audit *a, struct cu_audit_status *st);

/*
 * Flush, write a final checkpoint, stop the writer and free a (NULL is
 * fine).  No append may run concurrently with or after close.  Returns
 * CU_OK, or the error that failed the log.
 */
CU_WUR int cu_audit_close(struct cu_audit *a);

/* Testing: make the writer's next write (op 'w'), data sync ('s') or
 * checkpoint write ('c') fail with errno err; a write fault writes half
 * of the batch first, to leave a torn line behind. */
void cu_audit_fault_inject(struct cu_audit *a, char op, int err);

/* ---- offline verification -------------------------------------------- */

struct cu_audit_verify_result {
	uint64_t records;       /* records whose hash was recomputed */
	uint64_t first_seq;     /* first record present (after purges) */
	uint64_t last_seq;      /* last record present */
	uint64_t segments;
	uint64_t checkpoints;   /* checkpoint signatures verified */
	uint64_t checkpoint_seq;/* newest valid checkpoint */
	uint64_t anchors;       /* purge anchors verified */
	uint64_t bad_seq;       /* 0 when intact: the first bad sequence number */
	char reason[256];       /* why bad_seq is bad */
	uint8_t pubkey[CU_SIGN_PK_BYTES];
};

/*
 * Verify DATA/audit offline, reading only files.  pubkey NULL uses
 * DATA/audit/pubkey (this proves internal consistency; pin the published
 * key to prove origin).  extra_checkpoints (NULL = none) is a file of
 * exported checkpoint lines (`custos audit checkpoint export`) that the
 * log must also match.  Returns CU_OK when intact, CU_ERR_INTEGRITY with
 * res->bad_seq and res->reason when not, CU_ERR_NOT_FOUND when there is
 * no log, CU_ERR_IO when it cannot be read.
 */
CU_WUR int cu_audit_verify(const char *data, const uint8_t *pubkey,
			   const char *extra_checkpoints,
			   struct cu_audit_verify_result *res);

/* ---- reading ----------------------------------------------------------- */

struct cu_audit_filter {
	const char *actor;      /* actor id or name, exact */
	const char *event;      /* type name, or a prefix ending in '.' ("record.") */
	const char *module;     /* module name */
	const char *result;     /* result name */
	const char *subject;    /* subject ref, exact */
	const char *collection;
	const char *record_id;
	const char *request_id;
	int64_t from_ms;        /* ts >= from_ms; 0 = unbounded */
	int64_t to_ms;          /* ts < to_ms; 0 = unbounded */
	uint64_t after_seq;     /* seq > after_seq (paging forward) */
	uint64_t before_seq;    /* seq < before_seq; 0 = unbounded (paging back) */
	uint64_t limit;         /* stop after this many matches; 0 = no limit */
	bool newest_first;
};

/*
 * Called per matching record in order: rec is the parsed record and line
 * its exact bytes (no newline), both borrowed for the call.  Return 0 to
 * go on, 1 to stop, a negative cu_err to abort the query with it.
 */
typedef int (*cu_audit_record_fn)(void *ctx, uint64_t seq, const json_t *rec,
				  const char *line, size_t len);

/*
 * Read DATA/audit and call fn (NULL: just count) for each record matching
 * f (NULL = all).
 * Unknown event/module/result names in f are CU_ERR_INVALID.  Does not
 * verify hashes (cu_audit_verify does).  *matched (may be NULL) gets the
 * number of calls made.
 */
CU_WUR int cu_audit_query(const char *data, const struct cu_audit_filter *f,
			  cu_audit_record_fn fn, void *ctx, uint64_t *matched);

/*
 * The console view of a record, the columns of the operation-log table
 * administrators know: a new object {"seq","description","actor","time",
 * "result","module"} with Chinese+English text (操作描述, 操作人, 操作时间,
 * 操作结果, 模块).  Owned by the caller (json_decref).
 */
CU_WUR int cu_audit_record_view(const json_t *rec, json_t **out);

/* Append rec as one RFC 5424 syslog message (no trailing newline) with
 * facility 13 (log audit) and the record as its UTF-8 MSG. */
CU_WUR int cu_audit_record_syslog(const json_t *rec, const char *line, size_t len,
				  const char *hostname, struct cu_buf *out);

/* ---- format primitives (vectors, benchmarks, third-party tooling) ----- */

/*
 * Encode ev as record seq (at ts_ms, chained to prev) into out as one line
 * with its trailing newline, and its chain hash into hash.  Deterministic:
 * the same inputs give the same bytes.
 */
CU_WUR int cu_audit_record_encode(const struct cu_audit_event *ev, uint64_t seq,
				  int64_t ts_ms, const uint8_t prev[CU_HASH_BYTES],
				  struct cu_buf *out, uint8_t hash[CU_HASH_BYTES]);

/* What a record line's fixed frame says, after its hash was checked. */
struct cu_audit_line {
	uint64_t seq;
	int64_t ts_ms;
	uint8_t prev[CU_HASH_BYTES];
	uint8_t hash[CU_HASH_BYTES];
};

/*
 * Check one record line (without its newline): the frame, the JSON body,
 * the vocabulary, and that its stored hash is the chain hash of its bytes
 * and its stored prev.  CU_ERR_INTEGRITY with a reason in why otherwise.
 */
CU_WUR int cu_audit_line_check(const char *line, size_t len, struct cu_audit_line *out,
			       char *why, size_t whylen);

/* The message a checkpoint (anchor=false) or anchor signs; returns its length. */
size_t cu_audit_sigmsg(bool anchor, uint64_t seq, const uint8_t hash[CU_HASH_BYTES],
		       int64_t ts_ms, uint8_t msg[CU_AUDIT_SIGMSG_MAX]);

struct cu_audit_checkpoint {
	uint64_t seq;
	int64_t ts_ms;
	uint8_t hash[CU_HASH_BYTES];
	uint8_t sig[CU_SIG_BYTES];
};

/* Encode a checkpoint/anchor line {"seq","hash","ts","sig"} + newline. */
CU_WUR int cu_audit_checkpoint_encode(const struct cu_audit_checkpoint *cp,
				      struct cu_buf *out);
/* Parse a checkpoint/anchor line (no newline) and verify its signature
 * under pk: CU_ERR_INVALID if malformed, CU_ERR_INTEGRITY if the signature
 * is bad (cp is still filled in when the line parsed). */
CU_WUR int cu_audit_checkpoint_check(bool anchor, const char *line, size_t len,
				     const uint8_t pk[CU_SIGN_PK_BYTES],
				     struct cu_audit_checkpoint *cp);

/* Format epoch milliseconds as "YYYY-MM-DDTHH:MM:SS.mmmZ" (25 bytes). */
void cu_audit_ts_format(int64_t ms, char out[32]);
/* Parse that format back; CU_ERR_INVALID if it is not exactly that. */
CU_WUR int cu_audit_ts_parse(const char *s, size_t n, int64_t *ms);

#endif
